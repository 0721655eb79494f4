"""The FEIG driver's note-only assumptions (issue 16): a reader whose answers differ (the
simulator's quirks, over real loopback TCP) is reported as ReaderMismatch naming the check
in docs/rfid.md, never read as tags or security states it does not hold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from device_drivers.rfid import feig_commands as fc
from device_drivers.rfid import feig_frames as ff
from device_drivers.rfid.feig_reader import FeigReader
from device_drivers.rfid.interface import ReaderMismatch, ReaderProtocolError
from device_drivers.rfid.library_tags import LibraryTags
from simulators.models.rfid_pad import PadTimings
from simulators.rfid.app import RfidSimulator

pytestmark = pytest.mark.timeout(60)
UID = bytes.fromhex("E004015000000001")


@pytest.fixture
def rig() -> Iterator[tuple[RfidSimulator, FeigReader]]:
    sim = RfidSimulator(
        timings=PadTimings(max_tags_per_round=2), time_scale=0.0, control_port=None
    ).start()
    reader = FeigReader(sim.tcp.url, timeout_s=2.0)
    yield sim, reader
    reader.close()
    sim.stop()


def place(sim: RfidSimulator, count: int) -> set[str]:
    return {sim.place({"item": f"B{i:03d}"})["uid"] for i in range(count)}


def test_the_notes_hold_for_the_simulator(rig: tuple[RfidSimulator, FeigReader]) -> None:
    sim, reader = rig
    placed = place(sim, 5)
    assert {s.uid for s in reader.inventory()} == placed  # 3 rounds with MORE
    uid = sorted(placed)[0]
    assert reader.system_info(uid).uid == uid and reader.system_info(uid).afi == 0x07


def test_a_reader_that_ignores_the_more_bit(rig: tuple[RfidSimulator, FeigReader]) -> None:
    sim, reader = rig
    place(sim, 5)
    sim.responder.set_quirk("ignore-more")
    with pytest.raises(ReaderMismatch, match=r"MORE .*0x80.*Checks on a real reader"):
        reader.inventory()
    assert sim.responder.requests == 2  # found on the first continuation, not 64 rounds later


def test_a_reader_that_sends_uids_lsb_first(rig: tuple[RfidSimulator, FeigReader]) -> None:
    sim, reader = rig
    place(sim, 1)
    sim.responder.set_quirk("uid-lsb-first")
    with pytest.raises(ReaderMismatch, match=r"does not begin with E0.*least significant"):
        reader.inventory()


def test_a_system_information_layout_with_flags(rig: tuple[RfidSimulator, FeigReader]) -> None:
    """With an INFO_FLAGS byte first, byte 9 (the AFI in the notes' layout) would be the
    UID's last byte: the security state would be misread without the UID echo check."""
    sim, reader = rig
    (uid,) = place(sim, 1)
    sim.responder.set_quirk("system-info-flags")
    with pytest.raises(ReaderMismatch, match="system information"):
        LibraryTags(reader).is_secured(uid)
    with pytest.raises(ReaderMismatch):
        LibraryTags(reader).security_state(uid)


def test_a_status_the_manual_does_not_list(rig: tuple[RfidSimulator, FeigReader]) -> None:
    sim, reader = rig
    place(sim, 1)
    sim.responder.set_quirk("odd-status")
    with pytest.raises(ReaderMismatch, match="status 0x42"):
        reader.inventory()


def test_a_mismatch_is_a_protocol_error_to_the_kiosk() -> None:
    assert issubclass(ReaderMismatch, ReaderProtocolError)  # pad: reader out of order


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (fc.inventory_reply_data([(0x3E, UID)]) + b"\x00", "1 tags"),  # one byte too many
        (bytes([1, 0x01, 0x3E]) + UID, "transponder type 0x01"),
        (fc.blocks_reply_data(bytes(8), 4) + b"\x00", "2 blocks of 4"),
    ],
)
def test_replies_longer_than_their_counts_are_mismatches(data: bytes, match: str) -> None:
    frame = ff.Frame(0, 0xB0, data, status=ff.STATUS_OK)
    parse = fc.parse_blocks if "blocks" in match else fc.parse_inventory
    with pytest.raises(fc.ReplyMismatch, match=match):
        parse(frame, 2) if parse is fc.parse_blocks else parse(frame)


def test_system_information_must_echo_the_uid() -> None:
    info = fc.SystemInfoReply(0x3E, bytes.fromhex("E004015000000002"), 0x07, 4, 28, 1)
    frame = ff.Frame(0, 0xB0, fc.system_info_reply_data(info), status=ff.STATUS_OK)
    assert fc.parse_system_info(frame).afi == 0x07
    with pytest.raises(fc.ReplyMismatch, match="where the UID belongs"):
        fc.parse_system_info(frame, UID)
