"""The LibCal 1.1 endpoints of the simulator: (method, path, query, body) -> Reply.

Pure dispatch over the booking-system model; the HTTP server around it handles tokens,
faults and bytes. Raises ModelRefusal / ModelNotFound / ValueError for the server to map to
LibCal's 4xx answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kiosk.core.rooms.model import Patron
from kiosk.core.rooms.rules import Refusal
from simulators.models.rooms import ModelNotFound, ModelRefusal, RoomsModel
from simulators.rooms import libcal_json as out


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _one(query: dict[str, list[str]], key: str, default: str | None = None) -> str | None:
    values = query.get(key)
    return values[0] if values else default


def route(model: RoomsModel, method: str, path: str, query: dict, body: Any) -> Reply:
    head, _, rest = path.partition("/")
    kind, _, ids = rest.partition("/")
    match (method, head, kind):
        case ("GET", "space", "locations"):
            return Reply(200, [out.location(loc) for loc in model.locations()])
        case ("GET", "space", "categories"):
            return _categories(model, _ids(ids))
        case ("GET", "space", "category"):
            return _category(model, _ids(ids))
        case ("GET", "space", "item"):
            return _items(model, _ids(ids), _one(query, "availability"))
        case ("GET", "space", "bookings"):
            return _bookings(model, query)
        case ("POST", "space", "reserve"):
            return _reserve(model, body)
        case ("POST", "space", "cancel"):
            return _cancel(model, ids.split(","))
        case ("POST", "space", "checkin"):
            booking = model.check_in(ids)
            return Reply(200, {"booking_id": booking.booking_id, "checked_in": True})
        case ("GET", "hours", _):
            return _hours(model, _ids(kind), query)
    return Reply(404, {"error": f"no such endpoint: {method} /1.1/{path}"})


def _categories(model: RoomsModel, lids: list[int]) -> Reply:
    cats = list(model.categories(lids))
    return Reply(
        200, [out.categories_of(loc, cats) for loc in model.locations() if loc.lid in lids]
    )


def _category(model: RoomsModel, cids: list[int]) -> Reply:
    spaces = list(model.spaces(cids))
    cats = [c for c in model.data.categories if c.cid in cids]
    return Reply(200, [out.category(c, spaces) for c in cats])


def _items(model: RoomsModel, ids: list[int], availability: str | None) -> Reply:
    day = date.fromisoformat(availability) if availability else None
    rows = []
    for space in model.spaces(ids=ids):
        slots = model.free_slots(space.id, day) if day else None
        rows.append(out.item(space, model.category_of(space), slots))
    return Reply(200, rows)


def _hours(model: RoomsModel, lids: list[int], query: dict) -> Reply:
    start = date.fromisoformat(_one(query, "from") or model.now().date().isoformat())
    end = date.fromisoformat(_one(query, "to") or start.isoformat())
    if (end - start).days > 366:
        raise ValueError("at most a year of hours at once")
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    return Reply(
        200,
        [
            out.hours(loc, [model.hours(loc.lid, d) for d in days])
            for loc in model.locations()
            if loc.lid in lids
        ],
    )


def _bookings(model: RoomsModel, query: dict) -> Reply:
    day = date.fromisoformat(_one(query, "date") or model.now().date().isoformat())
    limit = min(500, max(1, int(_one(query, "limit", "20") or 20)))
    page = max(1, int(_one(query, "page", "1") or 1))
    lid, eid = _one(query, "lid"), _one(query, "eid")
    rows = model.bookings(
        day,
        [int(lid)] if lid else None,
        email=_one(query, "email"),
        space_id=int(eid) if eid else None,
        include_cancelled=_one(query, "include_cancel") == "1",
    )
    chunk = rows[(page - 1) * limit : page * limit]
    with_check_in = _one(query, "checkInStatus") == "1"
    spaces = {s.id: s for s in model.data.spaces}
    locations = {loc.lid: loc for loc in model.data.locations}
    return Reply(
        200,
        [
            out.booking(
                b,
                spaces[b.space_id],
                model.category_of(spaces[b.space_id]),
                locations[spaces[b.space_id].lid],
                with_check_in,
            )
            for b in chunk
        ],
    )


def _reserve(model: RoomsModel, body: Any) -> Reply:
    if not isinstance(body, dict) or not isinstance(body.get("bookings"), list):
        raise ValueError("body needs start, fname, lname, email and bookings")
    start = datetime.fromisoformat(str(body["start"]))
    if len(body["bookings"]) != 1:
        raise ValueError("this simulator books one space per request")
    wanted = body["bookings"][0]
    patron = Patron("", str(body["fname"]), str(body["lname"]), str(body["email"]))
    if not patron.email:
        raise ModelRefusal((Refusal("email_required"),))
    booking = model.reserve(
        patron,
        int(wanted["id"]),
        _aware(start, model),
        _aware(datetime.fromisoformat(str(wanted["to"])), model),
    )
    return Reply(200, {"booking_id": booking.booking_id, "cost": "0"})


def _cancel(model: RoomsModel, booking_ids: list[str]) -> Reply:
    rows = []
    for booking_id in booking_ids:
        try:
            model.cancel(booking_id)
            rows.append({"booking_id": booking_id, "cancelled": True})
        except (ModelRefusal, ModelNotFound) as exc:
            rows.append({"booking_id": booking_id, "cancelled": False, "error": str(exc)})
    return Reply(200, rows)


def _aware(moment: datetime, model: RoomsModel) -> datetime:
    return moment.replace(tzinfo=model.data.tz) if moment.tzinfo is None else moment
