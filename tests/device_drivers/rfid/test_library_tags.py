"""Item data and security on top of a reader, against the in-process fake (shared model)."""

import pytest

from device_drivers.rfid.interface import (
    SecurityNotVerified,
    TagNotInField,
    TagSighting,
)
from device_drivers.rfid.library_tags import LibraryTags, SecurityPair
from simulators.models.rfid_pad import PadModel, PadTimings
from simulators.rfid import tags
from simulators.rfid.fake import FakeReader


@pytest.fixture
def pad() -> PadModel:
    return PadModel(PadTimings(max_tags_per_round=2))


def sighting(pad: PadModel, uid: str) -> TagSighting:
    return TagSighting(uid, pad.tag(uid).dsfid)


def test_reads_items_in_both_models_and_reports_the_rest(pad: PadModel) -> None:
    a = tags.item_tag("111", model="iso28560-3")
    b = tags.item_tag("222", "LT-1000101", model="iso28560-2", part=1, of=2)
    c = tags.foreign_3m_tag()
    d = tags.item_tag("333")
    for tag in (a, b, c, d):
        pad.place(tag)
    pad.set_fault(d.uid, unreadable=True)
    reader = FakeReader(pad)
    library = LibraryTags(reader)
    assert {s.uid for s in reader.inventory()} == {a.uid, b.uid, c.uid, d.uid}
    reads = {uid: library.read(sighting(pad, uid)) for uid in (a.uid, b.uid, c.uid, d.uid)}
    assert reads[a.uid].item.primary_item_id == "111"
    assert reads[b.uid].item.parts_in_set == 2
    assert reads[c.uid].kind == "foreign"
    assert reads[d.uid].kind == "unreadable"


def test_unsecure_and_secure_with_verification(pad: PadModel) -> None:
    tag = tags.item_tag("111")
    pad.place(tag)
    library = LibraryTags(FakeReader(pad), SecurityPair(0xD7, 0xDA, use_eas=True))
    assert library.unsecure(tag.uid) == 1
    assert (pad.tag(tag.uid).afi, pad.tag(tag.uid).eas) == (0xDA, False)
    assert library.is_secured(tag.uid) is False
    assert library.secure(tag.uid) == 1
    assert (pad.tag(tag.uid).afi, pad.tag(tag.uid).eas) == (0xD7, True)


@pytest.mark.parametrize("fault", ["silent", "error"])
def test_a_write_that_fails_once_is_retried(pad: PadModel, fault: str) -> None:
    tag = tags.item_tag("111")
    pad.place(tag)
    pad.set_fault(tag.uid, write_fault=fault, count=1)
    assert LibraryTags(FakeReader(pad)).unsecure(tag.uid) == 2
    assert pad.tag(tag.uid).afi == 0xC2


def test_a_write_that_never_verifies_is_a_typed_error(pad: PadModel) -> None:
    tag = tags.item_tag("111")
    pad.place(tag)
    pad.set_fault(tag.uid, write_fault="silent")
    reader = FakeReader(pad)
    with pytest.raises(SecurityNotVerified) as err:
        LibraryTags(reader, retries=2).unsecure(tag.uid)
    assert err.value.uid == tag.uid
    assert "3 attempts" in str(err.value)


def test_a_tag_leaving_during_the_write(pad: PadModel) -> None:
    tag = tags.item_tag("111")
    pad.place(tag)
    pad.set_fault(tag.uid, write_fault="leave")
    with pytest.raises(TagNotInField):
        LibraryTags(FakeReader(pad)).unsecure(tag.uid)


def test_equal_security_states_are_refused() -> None:
    with pytest.raises(ValueError):
        SecurityPair(0x07, 0x07)


def test_iso28560_2_data_beyond_the_first_blocks_is_still_read(pad: PadModel) -> None:
    tag = tags.item_tag("ŽŪČĖĄ-ŠĮŲŽŪ-ČĖ", "LT-1000101", model="iso28560-2")
    pad.place(tag)
    read = LibraryTags(FakeReader(pad), item_blocks=9).read(sighting(pad, tag.uid))
    assert read.kind == "item"
    assert read.item.primary_item_id == "ŽŪČĖĄ-ŠĮŲŽŪ-ČĖ"
