"""The simulator's Modbus slave codec against spec vectors; garbage raises only its error."""

import struct

from hypothesis import given
from hypothesis import strategies as st

from simulators.lockers import modbus_frames as mf


def test_crc_vectors() -> None:
    assert struct.pack("<H", mf.crc16(b"123456789")).hex(" ") == "37 4b"
    assert mf.rtu_frame(0x11, bytes.fromhex("03006b0003"))[-2:].hex(" ") == "76 87"
    assert mf.rtu_frame(1, bytes.fromhex("050000ff00")).hex(" ") == "01 05 00 00 ff 00 8c 3a"
    assert mf.rtu_frame(1, bytes.fromhex("0100000008")).hex(" ") == "01 01 00 00 00 08 3d cc"


class Board:
    def __init__(self) -> None:
        self.coils = [False] * 16
        self.inputs = [False] * 32

    def slave(self) -> mf.Slave:
        return mf.Slave(lambda: self.coils, lambda: self.inputs, self.coils.__setitem__)


def test_write_single_coil_echoes_and_sets() -> None:
    board = Board()
    assert mf.answer(board.slave(), bytes.fromhex("050003ff00")) == bytes.fromhex("050003ff00")
    assert board.coils[3]


def test_read_inputs_packs_lsb_first() -> None:
    board = Board()
    board.inputs[0] = board.inputs[9] = True
    assert mf.answer(board.slave(), bytes.fromhex("0200000010")) == bytes.fromhex("02020102")


def test_write_multiple_coils() -> None:
    board = Board()
    pdu = bytes.fromhex("0f0000000a02ff01")
    assert mf.answer(board.slave(), pdu) == bytes.fromhex("0f0000000a")
    assert board.coils[:10] == [True] * 9 + [False]


def test_exceptions() -> None:
    board = Board()
    assert mf.answer(board.slave(), bytes.fromhex("0500100000")) == bytes([0x85, 0x02])
    assert mf.answer(board.slave(), bytes.fromhex("0500011234")) == bytes([0x85, 0x03])
    assert mf.answer(board.slave(), bytes.fromhex("0300000001")) == bytes([0x83, 0x01])
    assert mf.answer(board.slave(), bytes.fromhex("0100000021")) == bytes([0x81, 0x02])


def test_rtu_splitter_drops_bad_crc_and_keeps_going() -> None:
    good = mf.rtu_frame(1, bytes.fromhex("050000ff00"))
    bad = good[:-1] + b"\x00"
    splitter = mf.RtuSplitter()
    assert splitter.feed(bad + good[:3]) == []
    assert splitter.feed(good[3:]) == [mf.Request(1, good[1:-2])]
    assert splitter.crc_errors == 1


def test_tcp_splitter() -> None:
    frame = mf.tcp_frame(7, 1, bytes.fromhex("0200000020"))
    splitter = mf.TcpSplitter()
    assert splitter.feed(frame[:4]) == []
    assert splitter.feed(frame[4:] + frame) == [mf.Request(1, frame[7:], 7)] * 2


@given(st.binary(max_size=64))
def test_garbage_never_raises_anything_but_the_slave_error(data: bytes) -> None:
    board = Board()
    for request in mf.RtuSplitter().feed(data):
        mf.answer(board.slave(), request.pdu)
    try:
        for request in mf.TcpSplitter().feed(data):
            mf.answer(board.slave(), request.pdu)
    except mf.ModbusSlaveError:
        pass
    mf.answer(board.slave(), data)
