"""LibCal 1.1 JSON decoding: shapes from the API, and garbage never escapes as anything but
RemoteProtocolError."""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_sync.rooms import libcal_wire as wire
from kiosk.core.rooms.errors import RemoteProtocolError
from kiosk.core.rooms.model import CategoryRules, Patron

TZ = ZoneInfo("Europe/Vilnius")
DAY = date(2026, 11, 25)


def test_token() -> None:
    assert wire.decode_token({"access_token": "abc", "expires_in": 3600}) == ("abc", 3600.0)
    with pytest.raises(RemoteProtocolError):
        wire.decode_token({"access_token": "abc", "expires_in": True})
    with pytest.raises(RemoteProtocolError):
        wire.decode_token({"access_token": "", "expires_in": 10})


def test_locations_categories_and_items() -> None:
    assert wire.decode_locations([{"lid": 101, "name": "Centrinė", "public": 1}])[0].lid == 101
    cats = wire.decode_categories(
        [{"lid": 101, "categories": [{"cid": 202, "name": "Grupinės"}]}],
        lambda cid: CategoryRules(slot_minutes=60),
    )
    assert cats[0].cid == 202 and cats[0].lid == 101 and cats[0].rules.slot_minutes == 60
    assert wire.decode_category_items([{"cid": 202, "items": [{"id": 311}, {"id": "312"}]}]) == {
        202: (311, 312)
    }


def test_items_keep_only_the_days_slots() -> None:
    body = [
        {
            "id": 311,
            "name": "A",
            "capacity": 6,
            "groupId": 202,
            "locationId": 101,
            "availability": [
                {"from": "2026-11-25T10:00:00+02:00", "to": "2026-11-25T10:30:00+02:00"},
                {"from": "2026-11-26 10:00:00", "to": "2026-11-26 10:30:00"},
            ],
        }
    ]
    spaces, free = wire.decode_items(body, DAY, TZ)
    assert spaces[0].capacity == 6 and spaces[0].cid == 202
    assert len(free[311]) == 1 and free[311][0].start == datetime(2026, 11, 25, 10, tzinfo=TZ)


def test_hours() -> None:
    body = [
        {
            "lid": 101,
            "dates": {
                "2026-11-25": {
                    "status": "open",
                    "hours": [{"from": "8:00am", "to": "12:30pm"}, {"from": "1pm", "to": "8:00pm"}],
                }
            },
        }
    ]
    hours = wire.decode_hours(body, DAY, TZ)[0]
    assert hours.opens.time() == time(8) and hours.closes.time() == time(20)
    closed = wire.decode_hours(
        [{"lid": 101, "dates": {"2026-11-25": {"status": "closed"}}}], DAY, TZ
    )
    assert not closed[0].is_open
    assert wire.parse_clock("12:00am") == time(0) and wire.parse_clock("12pm") == time(12)
    assert wire.parse_clock("20:15") == time(20, 15)
    for bad in ("25:00", "13pm", "noon", 8):
        with pytest.raises(RemoteProtocolError):
            wire.parse_clock(bad)


def test_bookings() -> None:
    row = {
        "bookId": "cs_X",
        "eid": 311,
        "fromDate": "2026-11-25T10:00:00+02:00",
        "toDate": "2026-11-25T11:00:00+02:00",
        "status": "Confirmed",
        "firstName": "Ona",
        "lastName": "Onaitė",
        "email": "ona@example.lt",
        "check_in_status": "Checked In",
    }
    booking = wire.decode_bookings([row], TZ)[0]
    assert booking.checked_in and booking.minutes == 60 and booking.active
    with pytest.raises(RemoteProtocolError, match="fromDate"):
        wire.decode_bookings([{**row, "fromDate": 5}], TZ)
    with pytest.raises(RemoteProtocolError, match="ISO"):
        wire.decode_bookings([{**row, "toDate": "yesterday"}], TZ)


def test_reserve_and_cancel() -> None:
    body = wire.encode_reserve(
        Patron("c", "Ona", "Onaitė", "o@e.lt"),
        311,
        datetime(2026, 11, 25, 10, tzinfo=TZ),
        datetime(2026, 11, 25, 11, tzinfo=TZ),
    )
    assert body["bookings"] == [{"id": 311, "to": "2026-11-25T11:00:00+02:00"}]
    assert body["start"] == "2026-11-25T10:00:00+02:00" and body["email"] == "o@e.lt"
    assert wire.decode_reserve({"booking_id": "cs_1"}) == "cs_1"
    assert wire.decode_cancel([{"booking_id": "cs_1", "cancelled": True}], "cs_1") is None
    reason = wire.decode_cancel(
        [{"booking_id": "cs_1", "cancelled": False, "error": "<b>No</b>"}], "cs_1"
    )
    assert reason == "No"
    with pytest.raises(RemoteProtocolError):
        wire.decode_cancel([], "cs_1")


def test_check_in_answer() -> None:
    wire.decode_check_in({"booking_id": "cs_1", "checked_in": True}, "cs_1")
    with pytest.raises(RemoteProtocolError, match="another booking"):
        wire.decode_check_in({"booking_id": "cs_2", "checked_in": True}, "cs_1")
    with pytest.raises(RemoteProtocolError, match="not reported"):
        wire.decode_check_in({"booking_id": "cs_1"}, "cs_1")


def test_error_text_from_html() -> None:
    assert wire.error_text({"errors": ["<p>Too &amp; long</p>", "<p>x</p>"]}) == "Too & long x"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "lid",
                    "cid",
                    "id",
                    "name",
                    "items",
                    "categories",
                    "availability",
                    "from",
                    "to",
                    "groupId",
                    "locationId",
                    "capacity",
                    "dates",
                    "status",
                    "hours",
                    "bookId",
                    "eid",
                    "fromDate",
                    "toDate",
                    "booking_id",
                    "cancelled",
                    "access_token",
                    "expires_in",
                    "2026-11-25",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=20,
)
DECODERS = [
    wire.decode_token,
    wire.decode_locations,
    lambda b: wire.decode_categories(b, lambda cid: CategoryRules()),
    wire.decode_category_items,
    lambda b: wire.decode_items(b, DAY, TZ),
    lambda b: wire.decode_hours(b, DAY, TZ),
    lambda b: wire.decode_bookings(b, TZ),
    wire.decode_reserve,
    lambda b: wire.decode_cancel(b, "cs_1"),
    lambda b: wire.decode_check_in(b, "cs_1"),
]


@settings(max_examples=300, deadline=None)
@given(body=JSON, which=st.integers(0, len(DECODERS) - 1))
def test_arbitrary_json_raises_only_the_typed_error(body, which) -> None:
    with contextlib.suppress(RemoteProtocolError):
        DECODERS[which](body)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_arbitrary_times_raise_only_the_typed_error(text) -> None:
    for parse in (lambda t: wire.parse_datetime(t, TZ, "x"), wire.parse_clock):
        with contextlib.suppress(RemoteProtocolError):
            parse(text)
