"""Pad behaviour: the debounce table, set completeness, what the patron is told."""

from device_drivers.rfid.pad import PadTracker, TagRead, contents, incomplete_sets
from device_drivers.rfid.tag_data import ItemData


def test_arrival_needs_consecutive_rounds() -> None:
    pad = PadTracker(arrive_rounds=2, leave_rounds=3)
    assert pad.observe({"A"}) == ((), ())
    assert pad.observe({"A"}) == (("A",), ())
    assert pad.observe({"A"}) == ((), ())
    assert pad.present == {"A"}


def test_a_flicker_is_not_an_arrival() -> None:
    pad = PadTracker(arrive_rounds=2, leave_rounds=3)
    pad.observe({"A"})
    pad.observe(set())
    assert pad.observe({"A"}) == ((), ())
    assert pad.observe({"A"}) == (("A",), ())


def test_departure_needs_consecutive_misses() -> None:
    pad = PadTracker(arrive_rounds=1, leave_rounds=3)
    pad.observe({"A", "B"})
    assert pad.observe({"B"}) == ((), ())
    assert pad.observe({"B"}) == ((), ())
    assert pad.observe({"A", "B"}) == ((), ())  # back in time: never left
    for _ in range(2):
        assert pad.observe({"B"}) == ((), ())
    assert pad.observe({"B"}) == ((), ("A",))
    assert pad.present == {"B"}


def test_reset_returns_what_was_present() -> None:
    pad = PadTracker(arrive_rounds=1)
    pad.observe({"B", "A"})
    assert pad.reset() == ("A", "B")
    assert pad.present == frozenset()


def part(n: int, of: int, item: str = "100") -> ItemData:
    return ItemData("iso28560-3", item, "LT1000101", part_number=n, parts_in_set=of)


def test_missing_part_of_a_set() -> None:
    found = incomplete_sets([part(1, 3), part(3, 3), part(1, 1, "200")])
    assert len(found) == 1
    assert found[0].missing == (2,)
    assert "part(s) 2 of 3" in found[0].message


def test_complete_sets_and_single_items() -> None:
    assert incomplete_sets([part(2, 2), part(1, 2), part(1, 1, "9"), part(0, 0, "8")]) == ()


def test_contents_reports_unreadable_and_foreign_tags() -> None:
    reads = [
        TagRead("E1", "item", part(1, 1)),
        TagRead("E2", "unreadable", problem="data false"),
        TagRead("E3", "foreign", problem="not a known library data model"),
    ]
    pad = contents(reads)
    assert not pad.ready
    assert len(pad.problems) == 2
    assert contents(reads[:1]).ready


def test_an_incomplete_set_is_not_ready() -> None:
    pad = contents([TagRead("E1", "item", part(1, 2))])
    assert not pad.ready
    assert pad.problems == (pad.incomplete[0].message,)
