"""The simulator's side of LibCal 1.1 JSON: domain objects -> the bodies LibCal sends.

Written apart from backend_sync.rooms.libcal_wire on purpose: the client's decoder is tested
against this encoder over real HTTP, so a misreading on either side shows. Times go out as
ISO 8601 with the UTC offset, hours as LibCal's "8:00am".
"""

from __future__ import annotations

import zlib
from datetime import datetime

from kiosk.core.rooms.model import Booking, Category, Location, OpeningHours, Slot, Space

CHECKED_IN = "Checked In"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def location(loc: Location) -> dict:
    return {"lid": loc.lid, "name": loc.name, "public": 1, "terms": "", "formid": 0}


def categories_of(loc: Location, categories: list[Category]) -> dict:
    return {
        "lid": loc.lid,
        "name": loc.name,
        "categories": [
            {"cid": c.cid, "formid": 0, "name": c.name, "public": 1}
            for c in categories
            if c.lid == loc.lid
        ],
    }


def category(cat: Category, spaces: list[Space]) -> dict:
    return {
        "cid": cat.cid,
        "name": cat.name,
        "formid": 0,
        "public": 1,
        "items": [{"id": s.id, "name": s.name} for s in spaces if s.cid == cat.cid],
    }


def item(space: Space, cat: Category, slots: tuple[Slot, ...] | None) -> dict:
    body = {
        "id": space.id,
        "name": space.name,
        "description": "",
        "image": "",
        "capacity": space.capacity,
        "formid": 0,
        "isBookableAsWhole": True,
        "isAccessible": True,
        "isPowered": True,
        "zoneId": 0,
        "zoneName": None,
        "groupId": cat.cid,
        "groupName": cat.name,
        "locationId": space.lid,
    }
    if slots is not None:
        body["availability"] = [{"from": _iso(s.start), "to": _iso(s.end)} for s in slots]
    return body


def _clock(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def hours(loc: Location, days: list[OpeningHours]) -> dict:
    dates = {}
    for h in days:
        if h.opens is None or h.closes is None:
            dates[h.day.isoformat()] = {"status": "closed"}
        else:
            dates[h.day.isoformat()] = {
                "status": "open",
                "hours": [{"from": _clock(h.opens), "to": _clock(h.closes)}],
            }
    return {"lid": loc.lid, "name": loc.name, "dates": dates}


def booking(b: Booking, space: Space, cat: Category, loc: Location, with_check_in: bool) -> dict:
    body = {
        "bookId": b.booking_id,
        "id": zlib.crc32(b.booking_id.encode()),
        "eid": b.space_id,
        "cid": cat.cid,
        "lid": loc.lid,
        "fromDate": _iso(b.start),
        "toDate": _iso(b.end),
        "created": _iso(b.start),
        "firstName": b.first_name,
        "lastName": b.last_name,
        "email": b.email,
        "account": "",
        "status": b.status,
        "location_name": loc.name,
        "category_name": cat.name,
        "item_name": space.name,
    }
    if with_check_in:
        body["check_in_status"] = CHECKED_IN if b.checked_in else "Not Checked In"
    return body
