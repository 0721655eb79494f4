"""The LibCal client against the simulator over real loopback HTTP, with every fault."""

from __future__ import annotations

from datetime import datetime

import pytest

from backend_sync.rooms.libcal_client import LibCalClient, LibCalRequestError
from kiosk.core.rooms.errors import BookingRefused, BookingSystemUnavailable, RemoteProtocolError
from kiosk.core.rooms.model import Patron

from .conftest import NOW, TZ, rules_of

ONA = Patron("LT1", "Ona", "Onaitė", "ona.c@example.lt")


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


def test_reads_the_library(client: LibCalClient) -> None:
    (location,) = client.locations()
    categories = client.categories([location.lid])
    assert {c.name for c in categories} >= {"Menų skaitykla"}
    arts = next(c for c in categories if c.name == "Menų skaitykla")
    assert arts.rules.slot_minutes == 60 and arts.rules.max_bookings_per_day == 1
    spaces = client.spaces([c.cid for c in categories])
    assert len(spaces) == 8 and {s.lid for s in spaces} == {location.lid}
    free = client.availability([s.id for s in spaces], NOW.date())
    assert all(slot.end > NOW for slots in free.values() for slot in slots)
    (hours,) = client.hours([location.lid], NOW.date())
    assert hours.opens == at(8) and hours.closes == at(20)
    assert len(client.bookings([location.lid], NOW.date())) == 4


def test_bookings_come_in_pages(client: LibCalClient, sim) -> None:
    client.page_limit = 3
    assert len(client.bookings([101], NOW.date())) == 4
    assert sim.requests["space/bookings"] == 2


def test_reserve_check_in_cancel(client: LibCalClient, sim) -> None:
    booking = client.reserve(ONA, 302, at(10), at(11))
    assert booking.booking_id.startswith("cs_") and booking.start == at(10)
    client.check_in(booking.booking_id)
    client.cancel(booking.booking_id)
    (row,) = sim.model.bookings(NOW.date(), email=ONA.email)
    assert row.checked_in and not row.active


def test_refusals_carry_the_booking_systems_words(client: LibCalClient) -> None:
    with pytest.raises(BookingRefused, match="too_long"):
        client.reserve(ONA, 302, at(10), at(15))
    booking = client.reserve(ONA, 302, at(13), at(14))
    with pytest.raises(BookingRefused, match="check_in_too_early"):
        client.check_in(booking.booking_id)
    client.cancel(booking.booking_id)
    with pytest.raises(BookingRefused, match="already_cancelled"):
        client.cancel(booking.booking_id)


def test_server_errors_are_retried_with_backoff(client: LibCalClient, sim) -> None:
    client.locations()
    sim.actions()["fail"]({"count": 2})
    assert client.locations()[0].lid == 101
    assert client.sleeps == [0.5, 1.0]


def test_server_errors_beyond_the_retries(client: LibCalClient, sim) -> None:
    sim.actions()["fail"]({"count": 5, "status": 503})
    with pytest.raises(BookingSystemUnavailable, match="503"):
        client.locations()


def test_a_4xx_on_a_read_is_a_configuration_error_not_retried(client: LibCalClient, sim) -> None:
    sim.actions()["fail"]({"count": 1, "status": 404})
    with pytest.raises(LibCalRequestError, match="404"):
        client.locations()
    assert client.sleeps == []


def test_malformed_json(client: LibCalClient, sim) -> None:
    sim.actions()["malformed"]({"count": 1})
    assert client.locations()[0].lid == 101  # a read is tried again
    sim.actions()["malformed"]({"count": 9})
    with pytest.raises(RemoteProtocolError, match="not JSON"):
        client.locations()


def test_expired_tokens_are_renewed(client: LibCalClient, sim) -> None:
    client.locations()
    assert sim.expire_tokens() == {"expired": 1}
    assert client.locations()[0].lid == 101
    assert sim.requests["oauth/token"] == 2
    assert client.sleeps == []


def test_token_renewed_before_it_expires(sim) -> None:
    ticks = [0.0]
    client = LibCalClient(
        sim.url, "kiosk", "demo", tz=TZ, rules_for=rules_of(sim), monotonic=lambda: ticks[0]
    )
    client.locations()
    ticks[0] = 3600.0 - 29  # inside the 30 s margin
    client.locations()
    assert sim.requests["oauth/token"] == 2
    client.close()


def test_wrong_credentials(sim) -> None:
    client = LibCalClient(sim.url, "kiosk", "wrong", tz=TZ, rules_for=rules_of(sim))
    with pytest.raises(LibCalRequestError, match="client id/secret were refused"):
        client.locations()
    client.close()


def test_unreachable_and_nothing_listening(client: LibCalClient, sim) -> None:
    sim.actions()["unreachable"]({"on": True})
    with pytest.raises(BookingSystemUnavailable):
        client.locations()
    assert len(client.sleeps) == 2
    sim.stop()
    dead = LibCalClient(sim.url, "kiosk", "demo", tz=TZ, retries=0)
    with pytest.raises(BookingSystemUnavailable, match="cannot connect"):
        dead.reserve(ONA, 302, at(10), at(11))
    dead.close()


def test_slow_answers_time_out(sim) -> None:
    client = LibCalClient(sim.url, "kiosk", "demo", tz=TZ, timeout_s=0.2, retries=0)
    client.locations()
    sim.actions()["slow"]({"delay_s": 1.0})
    with pytest.raises(BookingSystemUnavailable, match="no answer"):
        client.locations()
    sim.actions()["slow"]({"delay_s": 0})
    client.close()


def test_lost_reserve_answer_is_found_not_booked_twice(client: LibCalClient, sim) -> None:
    client.locations()
    sim.actions()["lose"]({"count": 1})
    booking = client.reserve(ONA, 302, at(10), at(11))
    assert [b.booking_id for b in sim.model.bookings(NOW.date(), email=ONA.email)] == [
        booking.booking_id
    ]
    assert sim.requests["space/reserve"] == 1


def test_failed_reserve_not_applied_is_sent_again_after_looking(client: LibCalClient, sim) -> None:
    client.locations()
    sim.actions()["fail"]({"count": 1})
    booking = client.reserve(ONA, 302, at(10), at(11))
    assert sim.requests["space/reserve"] == 2 and sim.requests["space/bookings"] == 1
    assert len(sim.model.bookings(NOW.date(), email=ONA.email)) == 1
    assert booking.space_id == 302


def test_reserve_whose_fate_cannot_be_told(client: LibCalClient, sim) -> None:
    client.locations()
    sim.actions()["fail"]({"count": 9})
    with pytest.raises(BookingSystemUnavailable, match="booking state unknown"):
        client.reserve(ONA, 302, at(10), at(11))
    assert sim.requests["space/reserve"] == 1


def test_garbled_reserve_answer_is_checked_before_sending_again(client: LibCalClient, sim) -> None:
    client.locations()
    sim.actions()["malformed"]({"count": 1})
    booking = client.reserve(ONA, 302, at(10), at(11))
    assert sim.requests["space/reserve"] == 2 and sim.requests["space/bookings"] == 1
    assert [b.booking_id for b in sim.model.bookings(NOW.date(), email=ONA.email)] == [
        booking.booking_id
    ]
