"""The FEIG driver against the wire simulator: real bytes over loopback TCP and a pty.

Every fault of the issue: reader unplugged mid-operation (and its return), a write that does
not verify, a tag leaving during a write, CRC errors on the line.
"""

import socket
import threading
from collections.abc import Iterator

import pytest

from device_drivers.rfid.feig_reader import FeigReader
from device_drivers.rfid.interface import (
    ReaderProtocolError,
    ReaderRefused,
    ReaderUnavailable,
    SecurityNotVerified,
    TagNotInField,
    TagUnreadable,
    TagWriteFailed,
)
from device_drivers.rfid.library_tags import LibraryTags, SecurityPair
from simulators.models.rfid_pad import PadTimings
from simulators.rfid.app import RfidSimulator

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(params=["tcp", "pty"])
def rig(request: pytest.FixtureRequest, tmp_path) -> Iterator[tuple[RfidSimulator, FeigReader]]:
    link = str(tmp_path / "ttyRFID") if request.param == "pty" else None
    sim = RfidSimulator(
        timings=PadTimings(max_tags_per_round=4), time_scale=0.0, pty_link=link, control_port=None
    ).start()
    url = link or sim.tcp.url
    reader = FeigReader(url, timeout_s=2.0)
    yield sim, reader
    reader.close()
    sim.stop()


def test_inventory_with_more_data_continuation(rig) -> None:
    sim, reader = rig
    placed = {sim.place({"item": f"B{i:03d}"})["uid"] for i in range(10)}
    seen = reader.inventory()
    assert {s.uid for s in seen} == placed
    assert all(s.dsfid == 0x3E for s in seen)
    assert sim.responder.requests >= 3  # 10 tags, 4 a round


def test_empty_pad(rig) -> None:
    _, reader = rig
    assert reader.inventory() == []


def test_read_item_and_write_blocks(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "3010856677", "library": "LT1000101", "part": 2, "of": 3})["uid"]
    library = LibraryTags(reader)
    [sighting] = reader.inventory()
    read = library.read(sighting)
    assert read.item.primary_item_id == "3010856677"
    assert read.item.block_order == "normal"  # the driver turned FEIG's MSB-first blocks back
    assert (read.item.part_number, read.item.parts_in_set) == (2, 3)
    reader.write_blocks(uid, 20, bytes.fromhex("DEADBEEF01020304"))
    assert reader.read_blocks(uid, 20, 2) == bytes.fromhex("DEADBEEF01020304")
    assert bytes(sim.model.tag(uid).memory[80:88]) == bytes.fromhex("DEADBEEF01020304")


def test_read_more_than_32_blocks_in_chunks(rig) -> None:
    sim, reader = rig
    uid = sim.place({"hex": bytes(range(112)).hex()})["uid"]
    assert reader.read_blocks(uid, 0, 28) == bytes(range(112))


def test_security_afi_eas_and_system_information(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "111"})["uid"]
    library = LibraryTags(reader, SecurityPair(0x07, 0xC2, use_eas=True))
    assert library.unsecure(uid) == 1
    info = reader.system_info(uid)
    assert (info.afi, info.block_size, info.block_count) == (0xC2, 4, 28)
    assert reader.eas_enabled(uid) is False
    assert library.secure(uid) == 1
    assert reader.eas_enabled(uid) is True
    assert library.is_secured(uid) is True


def test_lock_afi_then_writes_are_refused(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "111"})["uid"]
    reader.lock_afi(uid)
    assert sim.model.tag(uid).afi_locked
    with pytest.raises(TagWriteFailed, match="locked"):
        reader.write_afi(uid, 0xC2)


def test_reset_and_unknown_tag(rig) -> None:
    _, reader = rig
    reader.reset()
    with pytest.raises(TagNotInField):
        reader.system_info("E004015099999999")
    with pytest.raises(TagNotInField):
        reader.eas_enabled("E004015099999999")  # silence is not "EAS off" for a missing tag


def test_write_fault_reported_by_the_reader(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "111"})["uid"]
    sim.fault({"uid": uid, "write_fault": "error"})
    with pytest.raises(TagWriteFailed):
        reader.write_afi(uid, 0xC2)
    with pytest.raises(SecurityNotVerified):
        LibraryTags(reader, retries=1).unsecure(uid)


def test_write_that_does_not_verify(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "111"})["uid"]
    sim.fault({"uid": uid, "write_fault": "silent"})
    with pytest.raises(SecurityNotVerified, match="read back AFI 0x07"):
        LibraryTags(reader, retries=2).unsecure(uid)
    sim.fault({"uid": uid, "write_fault": "silent", "count": 1})
    assert LibraryTags(reader).unsecure(uid) == 2


def test_tag_leaving_during_a_write(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "111"})["uid"]
    sim.fault({"uid": uid, "write_fault": "leave"})
    with pytest.raises(TagNotInField):
        LibraryTags(reader).unsecure(uid)
    assert reader.inventory() == []


def test_unreadable_tag_is_reported(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "111"})["uid"]
    sim.fault({"uid": uid, "unreadable": True})
    with pytest.raises(TagUnreadable):
        reader.read_blocks(uid, 0, 9)
    [sighting] = reader.inventory()
    assert LibraryTags(reader).read(sighting).kind == "unreadable"


def test_crc_errors_on_the_line_are_retried(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "111"})["uid"]
    sim.responder.corrupt_replies(2)
    assert [s.uid for s in reader.inventory()] == [uid]


def test_persistent_crc_errors_are_a_typed_error(rig) -> None:
    sim, reader = rig
    sim.place({"item": "111"})
    sim.responder.corrupt_replies(10)
    with pytest.raises(ReaderProtocolError):
        reader.inventory()
    sim.responder.corrupt_replies(0)
    assert len(reader.inventory()) == 1


def test_unplugged_mid_session_then_reconnects_by_itself(rig) -> None:
    sim, reader = rig
    uid = sim.place({"item": "111"})["uid"]
    assert len(reader.inventory()) == 1
    sim.unplug()
    with pytest.raises(ReaderUnavailable):
        reader.read_blocks(uid, 0, 9)
    with pytest.raises(ReaderUnavailable):
        reader.inventory()  # still gone: the reopen fails, typed
    sim.plug()
    assert [s.uid for s in reader.inventory()] == [uid]


def test_wrong_bus_address_is_silence() -> None:
    sim = RfidSimulator(time_scale=0.0, address=3, control_port=None).start()
    try:
        reader = FeigReader(sim.tcp.url, address=4, timeout_s=0.3)
        with pytest.raises(ReaderUnavailable, match="silent"):
            reader.inventory()
        assert FeigReader(sim.tcp.url, address=3).inventory() == []
    finally:
        sim.stop()


def test_nothing_listening() -> None:
    with pytest.raises(ReaderUnavailable, match="cannot open"):
        FeigReader("socket://127.0.0.1:1", timeout_s=0.5).inventory()


def test_reader_refusal_is_typed() -> None:
    sim = RfidSimulator(time_scale=0.0, control_port=None).start()
    try:
        uid = sim.place({"item": "1"})["uid"]
        with pytest.raises(ReaderRefused):
            FeigReader(sim.tcp.url).write_blocks(uid, 0, b"\x00" * 8, block_size=8)
    finally:
        sim.stop()


def test_unplugged_while_the_driver_waits_for_a_reply() -> None:
    sim = RfidSimulator(
        timings=PadTimings(inventory_s=5.0), time_scale=1.0, control_port=None
    ).start()
    reader = FeigReader(sim.tcp.url, timeout_s=20)
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            reader.inventory()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    for _ in range(500):  # wait until the request reached the simulator
        if sim.responder.requests:
            break
        threading.Event().wait(0.01)
    sim.unplug()
    worker.join(timeout=20)
    sim.stop()
    assert isinstance(outcome[0], ReaderUnavailable)


def test_a_request_lost_on_the_line_is_sent_again() -> None:
    sim = RfidSimulator(time_scale=0.0, control_port=None).start()
    try:
        uid = sim.place({"item": "111"})["uid"]
        reader = FeigReader(sim.tcp.url, timeout_s=0.2, line_retries=2)
        sim.responder.drop_requests(2)
        assert [s.uid for s in reader.inventory()] == [uid]
        sim.responder.drop_requests(3)
        with pytest.raises(ReaderUnavailable, match="silent"):
            reader.inventory()
        assert [s.uid for s in reader.inventory()] == [uid]  # back by itself
    finally:
        sim.stop()


def test_a_reader_that_talks_garbage() -> None:
    """Something answers on the port, but never a FEIG frame: a typed error, no hang."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)

        def babble() -> None:
            conn, _ = server.accept()
            with conn:
                while conn.recv(256):
                    conn.sendall(b"\x03\x00\x00")  # a length no frame can have

        threading.Thread(target=babble, daemon=True).start()
        reader = FeigReader(f"socket://127.0.0.1:{server.getsockname()[1]}", timeout_s=1.0)
        with pytest.raises(ReaderProtocolError):
            reader.inventory()
        reader.close()
