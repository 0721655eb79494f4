"""FEIG commands both ways: request bytes, the simulator's parse, reply parsing."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.rfid import feig_commands as fc
from device_drivers.rfid import feig_frames as ff

UID = bytes.fromhex("E004015000000001")


def test_inventory_request_bytes() -> None:
    assert ff.encode(fc.request(fc.Inventory(), 0xFF)).hex().upper() == "07FFB001001C56"
    more = fc.request(fc.Inventory(more=True), 0xFF)
    assert more.data == bytes([0x01, 0x80])


def test_read_blocks_request_layout() -> None:
    frame = fc.request(fc.ReadBlocks(UID, 0, 4), 0xFF)
    assert frame.command == 0xB0
    assert frame.data == bytes([0x23, 0x01]) + UID + bytes([0x00, 0x04])


def test_write_blocks_go_on_the_wire_msb_first() -> None:
    frame = fc.request(fc.WriteBlocks(UID, 2, 4, bytes.fromhex("0102030405060708")), 0)
    assert frame.data[-8:] == bytes.fromhex("0403020108070605")
    assert frame.data[10:13] == bytes([2, 2, 4])


def test_nxp_eas_request() -> None:
    frame = fc.request(fc.Eas(UID, fc.EAS_SET), 0)
    assert (frame.command, frame.data[:3]) == (0xB1, bytes([0x04, 0xA2, 0x01]))


@pytest.mark.parametrize(
    "command",
    [
        fc.Inventory(),
        fc.Inventory(more=True),
        fc.ReadBlocks(UID, 3, 5),
        fc.WriteBlocks(UID, 1, 4, bytes(range(12))),
        fc.WriteAfi(UID, 0xC2),
        fc.LockAfi(UID),
        fc.SystemInfo(UID),
        fc.Eas(UID, fc.EAS_ALARM),
        fc.CpuReset(),
        fc.RfReset(),
        fc.SoftwareVersion(),
    ],
)
def test_simulator_parses_what_the_host_sends(command: fc.Command) -> None:
    assert fc.parse_request(fc.request(command, 0)) == command


def test_inventory_reply() -> None:
    other = bytes.fromhex("E0040150000000FF")
    data = fc.inventory_reply_data([(0x3E, UID), (0x00, other)])
    reply = fc.parse_inventory(ff.Frame(0, 0xB0, data, status=ff.STATUS_MORE_DATA))
    assert reply.tags == ((0x3E, UID), (0x00, other))
    assert reply.more is True


def test_blocks_reply_is_turned_back_into_tag_order() -> None:
    memory = bytes(range(8))
    data = fc.blocks_reply_data(memory, 4)
    assert data[:2] == bytes([2, 4])
    assert data[3:7] == bytes([3, 2, 1, 0])  # on the wire, MSB first
    assert fc.parse_blocks(ff.Frame(0, 0xB0, data, status=0), 2) == memory


def test_system_info_reply() -> None:
    info = fc.SystemInfoReply(0x3E, UID, 0xC2, 4, 28, 0x01)
    parsed = fc.parse_system_info(ff.Frame(0, 0xB0, fc.system_info_reply_data(info), status=0))
    assert parsed == info


def test_short_replies_are_protocol_errors() -> None:
    with pytest.raises(ff.FeigProtocolError):
        fc.parse_blocks(ff.Frame(0, 0xB0, bytes([2, 4, 0, 1]), status=0), 2)
    with pytest.raises(ff.FeigProtocolError):
        fc.parse_inventory(ff.Frame(0, 0xB0, bytes([3, 3, 0]), status=0))


@given(st.integers(0, 255), st.binary(max_size=60))
def test_arbitrary_requests_raise_only_the_typed_error(command: int, data: bytes) -> None:
    with contextlib.suppress(ff.FeigProtocolError):
        fc.parse_request(ff.Frame(0, command, data))


@given(st.binary(max_size=80), st.integers(1, 40))
def test_arbitrary_replies_raise_only_the_typed_error(data: bytes, count: int) -> None:
    for parse in (fc.parse_inventory, fc.parse_system_info, lambda f: fc.parse_blocks(f, count)):
        with contextlib.suppress(ff.FeigProtocolError):
            parse(ff.Frame(0, 0xB0, data, status=0))
