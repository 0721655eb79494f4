"""LibCal Spaces API 1.1 JSON <-> the rooms domain: pure decoding and encoding, no I/O.

Every decoder takes the parsed JSON body and returns domain objects, or raises
RemoteProtocolError naming what was wrong; nothing else escapes for any input. Shapes
(LibCal 1.1, /1.1/…):

  POST oauth/token            {"access_token": str, "expires_in": int, "token_type": "Bearer"}
  GET  space/locations        [{"lid": int, "name": str, …}]
  GET  space/categories/L,L   [{"lid": int, "categories": [{"cid": int, "name": str}, …]}, …]
  GET  space/category/C,C     [{"cid": int, "items": [{"id": int, "name": str}, …]}, …]
  GET  space/item/I,I?availability=YYYY-MM-DD
                              [{"id", "name", "capacity", "groupId" (cid), "locationId" (lid),
                                "availability": [{"from": ISO, "to": ISO}, …]}, …]
  GET  hours/L,L?from=D&to=D  [{"lid", "dates": {"YYYY-MM-DD": {"status": "open"|"closed",
                                "hours": [{"from": "8:00am", "to": "8:00pm"}]}}}]
  GET  space/bookings?lid=&date=&limit=&page=&include_cancel=1&checkInStatus=1
                              [{"bookId", "eid", "fromDate", "toDate", "status", "firstName",
                                "lastName", "email", "check_in_status"}, …]
  POST space/reserve          {"start": ISO, "fname", "lname", "email", "bookings": [{"id", "to"}]}
                              -> {"booking_id": str} | 4xx {"errors": str | [str]}
  POST space/cancel/B         [{"booking_id": str, "cancelled": bool, "error"?: str}]
  POST space/checkin/B        {"booking_id": str, "checked_in": bool}   (see docs/rooms.md)

LibCal returns availability slots outside the requested day; they are dropped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from kiosk.core.rooms.errors import RemoteProtocolError
from kiosk.core.rooms.model import (
    Booking,
    Category,
    CategoryRules,
    Location,
    OpeningHours,
    Patron,
    Slot,
    Space,
)

T = TypeVar("T")
CHECKED_IN = "Checked In"
_TAGS = re.compile(r"<[^>]+>")
_CLOCK = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*([ap]\.?m\.?)?\s*$", re.IGNORECASE)


def _list(body: Any, what: str) -> list[Any]:
    if not isinstance(body, list):
        raise RemoteProtocolError(f"{what}: expected a JSON array, got {type(body).__name__}")
    return body


def _field(obj: Any, key: str, kind: type[T] | tuple[type, ...], what: str) -> T:
    if not isinstance(obj, dict):
        raise RemoteProtocolError(f"{what}: expected an object, got {type(obj).__name__}")
    value = obj.get(key)
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise RemoteProtocolError(f"{what}: {key!r} missing or not {_kind_name(kind)}")
    return value  # type: ignore[return-value]


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _id(obj: Any, key: str, what: str) -> int:
    value = _field(obj, key, (int, str), what)
    if isinstance(value, str):
        if not value.isdigit():
            raise RemoteProtocolError(f"{what}: {key!r} is not a number")
        return int(value)
    return value


def parse_datetime(text: Any, tz: ZoneInfo, what: str) -> datetime:
    if not isinstance(text, str):
        raise RemoteProtocolError(f"{what}: time is not a string")
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
    except (ValueError, OverflowError):
        raise RemoteProtocolError(f"{what}: not an ISO date-time: {text[:40]!r}") from None


def _each(items: list[Any], decode: Callable[[Any], T]) -> tuple[T, ...]:
    return tuple(decode(item) for item in items)


def decode_token(body: Any) -> tuple[str, float]:
    """(access token, seconds it lives)."""
    token = _field(body, "access_token", str, "token")
    expires = _field(body, "expires_in", (int, float), "token")
    if not token or expires <= 0:
        raise RemoteProtocolError("token: empty token or non-positive expires_in")
    return token, float(expires)


def decode_locations(body: Any) -> tuple[Location, ...]:
    return _each(
        _list(body, "locations"),
        lambda o: Location(_id(o, "lid", "location"), _field(o, "name", str, "location")),
    )


def decode_categories(body: Any, rules_for: Callable[[int], CategoryRules]) -> tuple[Category, ...]:
    found: list[Category] = []
    for loc in _list(body, "categories"):
        lid = _id(loc, "lid", "categories")
        for cat in _list(_field(loc, "categories", list, "categories"), "categories"):
            cid = _id(cat, "cid", "category")
            found.append(Category(cid, lid, _field(cat, "name", str, "category"), rules_for(cid)))
    return tuple(found)


def decode_category_items(body: Any) -> dict[int, tuple[int, ...]]:
    """cid -> the ids of its spaces."""
    return {
        _id(cat, "cid", "category"): _each(
            _list(_field(cat, "items", list, "category"), "items"),
            lambda item: _id(item, "id", "category item"),
        )
        for cat in _list(body, "category")
    }


def decode_items(
    body: Any, day: date, tz: ZoneInfo
) -> tuple[tuple[Space, ...], dict[int, tuple[Slot, ...]]]:
    """Spaces and each one's free slots on `day` (slots of other days dropped)."""
    spaces, free = [], {}
    for obj in _list(body, "space items"):
        space = Space(
            id=_id(obj, "id", "space"),
            lid=_id(obj, "locationId", "space"),
            cid=_id(obj, "groupId", "space"),
            name=_field(obj, "name", str, "space"),
            capacity=_id(obj, "capacity", "space") if "capacity" in obj else 1,
        )
        slots = []
        for slot in _list(obj.get("availability", []), "availability"):
            start = parse_datetime(_field(slot, "from", str, "slot"), tz, "slot")
            end = parse_datetime(_field(slot, "to", str, "slot"), tz, "slot")
            if end <= start:
                raise RemoteProtocolError("slot: 'to' is not after 'from'")
            if start.date() == day:
                slots.append(Slot(start, end))
        spaces.append(space)
        free[space.id] = tuple(slots)
    return tuple(spaces), free


def parse_clock(text: Any) -> time:
    """'8:00am', '8pm', '12:30pm', '20:00' -> time."""
    match = _CLOCK.match(text) if isinstance(text, str) else None
    if match is None:
        raise RemoteProtocolError(f"hours: not a time of day: {str(text)[:20]!r}")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise RemoteProtocolError(f"hours: bad hour in {text!r}")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise RemoteProtocolError(f"hours: bad time {text!r}")
    return time(hour, minute)


def decode_hours(body: Any, day: date, tz: ZoneInfo) -> tuple[OpeningHours, ...]:
    found = []
    for loc in _list(body, "hours"):
        lid = _id(loc, "lid", "hours")
        entry = _field(loc, "dates", dict, "hours").get(day.isoformat())
        spans = entry.get("hours") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or entry.get("status") != "open" or not spans:
            found.append(OpeningHours(lid, day, None, None))
            continue
        spans = _list(spans, "hours")
        opens = parse_clock(_field(spans[0], "from", str, "hours"))
        closes = parse_clock(_field(spans[-1], "to", str, "hours"))
        found.append(
            OpeningHours(
                lid, day, datetime.combine(day, opens, tz), datetime.combine(day, closes, tz)
            )
        )
    return tuple(found)


def decode_booking(obj: Any, tz: ZoneInfo) -> Booking:
    start = parse_datetime(_field(obj, "fromDate", str, "booking"), tz, "booking")
    end = parse_datetime(_field(obj, "toDate", str, "booking"), tz, "booking")
    return Booking(
        booking_id=_field(obj, "bookId", str, "booking"),
        space_id=_id(obj, "eid", "booking"),
        start=start,
        end=end,
        status=_field(obj, "status", str, "booking"),
        first_name=str(obj.get("firstName") or ""),
        last_name=str(obj.get("lastName") or ""),
        email=str(obj.get("email") or ""),
        checked_in=obj.get("check_in_status") == CHECKED_IN,
    )


def decode_bookings(body: Any, tz: ZoneInfo) -> tuple[Booking, ...]:
    return _each(_list(body, "bookings"), lambda o: decode_booking(o, tz))


def encode_reserve(patron: Patron, space_id: int, start: datetime, end: datetime) -> dict:
    return {
        "start": start.isoformat(timespec="seconds"),
        "fname": patron.first_name,
        "lname": patron.last_name,
        "email": patron.email,
        "bookings": [{"id": space_id, "to": end.isoformat(timespec="seconds")}],
        "test": 0,
    }


def decode_reserve(body: Any) -> str:
    booking_id = _field(body, "booking_id", str, "reserve")
    if not booking_id:
        raise RemoteProtocolError("reserve: empty booking_id")
    return booking_id


def decode_cancel(body: Any, booking_id: str) -> str | None:
    """None when cancelled, else the booking system's reason."""
    for row in _list(body, "cancel"):
        if _field(row, "booking_id", str, "cancel") == booking_id:
            if row.get("cancelled") is True:
                return None
            return error_text(row.get("error")) or "not cancelled"
    raise RemoteProtocolError(f"cancel: no answer about {booking_id}")


def decode_check_in(body: Any, booking_id: str) -> None:
    if _field(body, "booking_id", str, "checkin") != booking_id:
        raise RemoteProtocolError(f"checkin: answer is about another booking than {booking_id}")
    if body.get("checked_in") is not True:
        raise RemoteProtocolError(f"checkin: {booking_id} not reported as checked in")


def error_text(errors: Any) -> str:
    """LibCal's error text, which may be HTML or a list of HTML snippets, as one plain line."""
    if isinstance(errors, dict):
        errors = errors.get("errors", errors.get("error"))
    if isinstance(errors, list):
        errors = " ".join(str(e) for e in errors)
    text = html.unescape(_TAGS.sub(" ", str(errors or "")))
    return " ".join(text.split())[:300]
