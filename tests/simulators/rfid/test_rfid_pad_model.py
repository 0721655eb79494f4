"""The pad model: inventory continuation, faults and their healing, the timing model."""

import pytest

from simulators.models.rfid_pad import PadModel, PadTimings, SimTag, TagAbsent, TagFaulted
from simulators.rfid import tags


def test_inventory_rounds_and_continuation() -> None:
    pad = PadModel(PadTimings(max_tags_per_round=2))
    for i in range(5):
        pad.place(SimTag(uid=f"E0040150000000{i:02X}"))
    first, more = pad.inventory(more=False)
    second, more2 = pad.inventory(more=True)
    third, more3 = pad.inventory(more=True)
    assert (len(first), more, len(second), more2, len(third), more3) == (2, True, 2, True, 1, False)
    assert len({u for _, u in first + second + third}) == 5


def test_a_tag_removed_during_continuation_is_not_reported() -> None:
    pad = PadModel(PadTimings(max_tags_per_round=1))
    pad.place(SimTag(uid="E004015000000001"))
    pad.place(SimTag(uid="E004015000000002"))
    [(_, first)], _ = pad.inventory(more=False)
    pad.remove("E004015000000002" if first.endswith("1") else "E004015000000001")
    assert pad.inventory(more=True) == ([], False)


def test_limited_fault_heals() -> None:
    pad = PadModel()
    tag = tags.item_tag("1")
    pad.place(tag)
    pad.set_fault(tag.uid, unreadable=True, count=2)
    for _ in range(2):
        with pytest.raises(TagFaulted):
            pad.read_blocks(tag.uid, 0, 1)
    assert pad.read_blocks(tag.uid, 0, 1) == bytes(tag.memory[:4])


def test_leave_fault_removes_the_tag() -> None:
    pad = PadModel()
    tag = tags.item_tag("1")
    pad.place(tag)
    pad.set_fault(tag.uid, write_fault="leave")
    with pytest.raises(TagAbsent):
        pad.write_afi(tag.uid, 0xC2)
    assert pad.tags() == []


def test_bad_uid_and_address() -> None:
    pad = PadModel()
    with pytest.raises(ValueError):
        pad.place(SimTag(uid="E004"))
    tag = tags.item_tag("1")
    pad.place(tag)
    with pytest.raises(TagFaulted):
        pad.read_blocks(tag.uid, 27, 2)


def test_timing_model() -> None:
    timings = PadTimings(inventory_s=0.03, per_tag_s=0.01, write_block_s=0.02)
    pad = PadModel(timings)
    assert pad.cost_s("inventory", 4) == pytest.approx(0.07)
    assert pad.cost_s("write", 2) == pytest.approx(0.05)
