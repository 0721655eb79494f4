"""Tags as other encoders write them (issue 16), built by hand from ISO 28560-2/-3
(standard_tags.py), never by our encoder: blank/half-programmed, CRC high byte first,
damaged, block orders, nibble orders, 3M and blank fills; what `kiosk rfid decode` prints;
and a damaged tag on the pad is refused by circulation with its security left on."""

from __future__ import annotations

import json

import pytest

from device_drivers.rfid import iso28560_2, iso28560_3
from device_drivers.rfid.interface import TagSighting
from device_drivers.rfid.library_tags import LibraryTags
from device_drivers.rfid.pad import TagsArrived, contents
from device_drivers.rfid.tag_data import UnknownTagFormat, UnprogrammedTag, decode_tag
from kiosk.cli import main
from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.offline_policy import OfflinePolicy
from kiosk.core.circulation.session import Activity
from kiosk.core.circulation.setup import CirculationRules, Ports
from kiosk.core.circulation.visit import Visit
from kiosk.core.circulation.visit_work import VisitWork
from kiosk.core.clock import ManualClock
from kiosk.wiring.rfid_pad import _pad_event
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.rfid_pad import PadModel
from simulators.rfid.fake import FakeReader
from simulators.rfid.tags import raw_tag
from tests.device_drivers.rfid.standard_tags import (
    blocks_reversed,
    ddm_block,
    oid_element,
    oid_tag,
)

ITEM, ISIL = "3010856677", "LT1000101"


def visit_work() -> VisitWork:
    """The core's visit bookkeeping for a patron who may not borrow: nothing reaches an ILS."""
    ports = Ports(library=None, outbox=FakeOutbox(), clock=ManualClock())  # type: ignore[arg-type]
    refusal = Notice("patron.blocked")
    visit = Visit("s1", card="2100000001", may_borrow=False, borrow_refusal=refusal)
    return VisitWork(
        ports, CirculationRules(), OfflinePolicy(), "kiosk-1", visit, lambda _: None, lambda: None
    )


def decode_cli(memory: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["rfid", "decode", memory.hex()])
    return code, json.loads(capsys.readouterr().out)


# ---- a blank or half-programmed ISO 28560-3 tag ------------------------------------------


@pytest.mark.parametrize("order", ["normal", "reversed"])
def test_half_programmed_ddm_tag_is_unprogrammed_not_item_1(order: str) -> None:
    memory = ddm_block("", ISIL)  # 11 01 01 00…: as ISO 28560-2 that is "item 1"
    if order == "reversed":
        memory = blocks_reversed(memory)
    with pytest.raises(UnprogrammedTag) as caught:
        decode_tag(memory)
    assert (caught.value.model, caught.value.owner_library) == ("iso28560-3", ISIL)
    assert (caught.value.crc_valid, caught.value.block_order) == (True, order)
    with pytest.raises(UnknownTagFormat, match="ISO 28560-3"):
        iso28560_2.decode(memory)


def test_half_programmed_tag_with_a_bad_crc_is_still_unprogrammed() -> None:
    memory = bytearray(ddm_block("", ISIL))
    memory[19:21] = b"\x00\x00"  # an encoder that never wrote the CRC
    with pytest.raises(UnprogrammedTag) as caught:
        decode_tag(bytes(memory))
    assert (caught.value.owner_library, caught.value.crc_valid) == (ISIL, False)


def test_decode_command_reports_an_unprogrammed_tag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = decode_cli(ddm_block("", ISIL), capsys)
    assert code == 0
    assert out["unprogrammed"] is True and out["model"] == "iso28560-3"
    assert (out["owner_library"], out["primary_item_id"], out["crc_valid"]) == (ISIL, "", True)


def test_unprogrammed_tag_on_the_pad_is_not_an_item() -> None:
    model = PadModel()
    tag = raw_tag(ddm_block("", ISIL))
    model.place(tag)
    read = LibraryTags(FakeReader(model)).read(TagSighting(tag.uid, 0))
    assert read.kind == "foreign" and read.item is None and ISIL in read.problem


# ---- CRC stored high byte first, block and nibble orders ---------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_crc_stored_high_byte_first_is_accepted_and_reported(reverse: bool) -> None:
    memory = ddm_block(ITEM, ISIL, parts=2, part=1, crc_msb_first=True)
    assert memory[19:21] != ddm_block(ITEM, ISIL, parts=2, part=1)[19:21]
    item = decode_tag(blocks_reversed(memory) if reverse else memory)
    assert (item.primary_item_id, item.owner_library, item.parts_in_set) == (ITEM, ISIL, 2)
    assert (item.crc_valid, item.crc_order) == (True, "msb-first")
    assert item.block_order == ("reversed" if reverse else "normal")


def test_decode_command_names_model_orders_and_crc(capsys: pytest.CaptureFixture[str]) -> None:
    memory = blocks_reversed(ddm_block(ITEM, ISIL, byte0=0x21, crc_msb_first=True))
    code, out = decode_cli(memory, capsys)
    assert code == 0
    assert {k: out[k] for k in ("model", "block_order", "nibble_order", "crc_order")} == {
        "model": "iso28560-3",
        "block_order": "reversed",
        "nibble_order": "version-low",  # Bibliotheca's nibble order: usage 2 in the high half
        "crc_order": "msb-first",
    }
    assert (out["crc_valid"], out["type_of_usage"]) == (True, 2)


# ---- a damaged tag ----------------------------------------------------------------------


def damaged_memory() -> bytes:
    memory = bytearray(ddm_block(ITEM, ISIL))
    memory[3 + 4] = ord("9")  # 3010956677: one digit of the item id changed after the CRC
    return bytes(memory)


def test_damaged_tag_decodes_with_its_fields_and_crc_valid_false() -> None:
    item = decode_tag(damaged_memory())
    assert (item.model, item.crc_valid, item.crc_order) == ("iso28560-3", False, None)
    assert (item.primary_item_id, item.owner_library) == ("3010956677", ISIL)
    assert decode_tag(damaged_memory(), "iso28560-3").crc_valid is False
    with pytest.raises(UnknownTagFormat):
        iso28560_2.decode(damaged_memory())
    with pytest.raises(UnknownTagFormat, match="CRC"):  # the plain decoder still refuses it
        iso28560_3.decode(damaged_memory())


def test_decode_command_shows_a_damaged_tag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = decode_cli(damaged_memory(), capsys)
    assert (code, out["crc_valid"], out["primary_item_id"]) == (0, False, "3010956677")


def test_damaged_tag_is_refused_by_circulation_and_keeps_security_on() -> None:
    model = PadModel()
    tag = raw_tag(damaged_memory(), afi=0x07)
    good = raw_tag(ddm_block("3010856678", ISIL), afi=0x07)
    model.place(tag)
    model.place(good)
    tags = LibraryTags(FakeReader(model))
    reads = tuple(tags.read(TagSighting(t.uid, 0)) for t in (tag, good))
    assert reads[0].kind == "damaged" and reads[0].item is None
    assert "3010956677" in reads[0].problem and ISIL in reads[0].problem
    assert not contents(reads).ready
    assert any("damaged" in line for line in contents(reads).problems)
    event = _pad_event(TagsArrived(reads, at=0.0))
    work = visit_work()
    notice = work.arrived(event.items, event.problems, Activity.BORROW)
    assert notice == Notice("item.damaged_tag")
    assert notice.text == "This tag is damaged." and "staff" in notice.where
    assert [line.item_id for line in work.visit.lines.values()] == ["3010856678"]
    assert model.tag(tag.uid).afi == 0x07  # nothing unsecured it


# ---- ISO 28560-2 tags and foreign ones ----------------------------------------------------


def test_hand_built_iso28560_2_tag() -> None:
    item = decode_tag(oid_tag(3010856677, "LT-1000101"))
    assert (item.model, item.primary_item_id, item.owner_library) == (
        "iso28560-2",
        "3010856677",
        "LT-1000101",
    )
    with pytest.raises(UnknownTagFormat, match="28560-2"):
        iso28560_3.decode(oid_tag(3010856677, "LT-1000101"), allow_bad_crc=True)


def test_iso28560_2_utf8_item_that_resembles_a_ddm_block() -> None:
    """71 08 'AB-12345': byte 0 has a 1 nibble and bytes 3-18 are text, as in 28560-3."""
    memory = (oid_element(1, 7, b"AB-12345") + b"\x00").ljust(36, b"\x00")
    item = decode_tag(memory)
    assert (item.model, item.primary_item_id) == ("iso28560-2", "AB-12345")


def test_iso28560_2_with_leftovers_after_its_end_is_refused() -> None:
    memory = bytearray(oid_tag(42))
    memory[20:29] = b"LT1000101"  # an old ISO 28560-3 ISIL left behind by a re-encoder
    with pytest.raises(UnknownTagFormat):
        decode_tag(bytes(memory))


@pytest.mark.parametrize(
    "memory",
    [
        bytes([0x04, 0x11, 0x00, 0x01]) + b"1301234567".ljust(16, b"\x00") + bytes(12),  # 3M
        b"\x55" * 24 + bytes(12),  # 3M blank fill
        bytes(36),
        b"\xff" * 36,
    ],
    ids=["3m-rfid501", "3m-blank", "zeros", "ff-fill"],
)
def test_foreign_and_blank_tags_are_refused(memory: bytes) -> None:
    with pytest.raises(UnknownTagFormat):
        decode_tag(memory)
