"""The simulator on the wire, with literal frames any Modbus master or Kerong host sends."""

from __future__ import annotations

import os
import socket
import termios
import tty
from collections.abc import Iterator

import pytest

from simulators.lockers.bank import LockerBankSimulator


@pytest.fixture(scope="module")
def running() -> Iterator[LockerBankSimulator]:
    simulator = LockerBankSimulator().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def sim(running: LockerBankSimulator) -> LockerBankSimulator:
    running.model.reset()
    return running


def tcp_exchange(sim: LockerBankSimulator, frame: str) -> str:
    with socket.create_connection(("127.0.0.1", sim.tcp.port), timeout=5) as conn:
        conn.sendall(bytes.fromhex(frame))
        return conn.recv(256).hex(" ")


def pty_exchange(path: str, frame: str, reply_len: int) -> str:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        tty.setraw(fd)
        termios.tcflush(fd, termios.TCIFLUSH)
        os.write(fd, bytes.fromhex(frame))
        reply = b""
        while len(reply) < reply_len:
            reply += os.read(fd, reply_len - len(reply))
        return reply.hex(" ")
    finally:
        os.close(fd)


def test_modbus_tcp_write_coil_then_read_coils_and_inputs(sim: LockerBankSimulator) -> None:
    assert tcp_exchange(sim, "00 01 00 00 00 06 01 05 00 02 ff 00") == (
        "00 01 00 00 00 06 01 05 00 02 ff 00"
    )
    assert tcp_exchange(sim, "00 02 00 00 00 06 01 01 00 00 00 08") == (
        "00 02 00 00 00 04 01 01 01 04"
    )
    # compartment 3 popped open: door input 2 reads 0, the other 15 doors 1
    assert tcp_exchange(sim, "00 03 00 00 00 06 01 02 00 00 00 10") == (
        "00 03 00 00 00 05 01 02 02 fb ff"
    )


def test_modbus_tcp_exception_for_a_coil_beyond_the_board(sim: LockerBankSimulator) -> None:
    assert tcp_exchange(sim, "00 09 00 00 00 06 01 05 00 20 ff 00") == "00 09 00 00 00 03 01 85 02"


def test_modbus_rtu_on_the_pty(sim: LockerBankSimulator) -> None:
    assert pty_exchange(sim.rtu.path, "01 05 00 00 ff 00 8c 3a", 8) == "01 05 00 00 ff 00 8c 3a"
    assert sim.model.status()["compartments"]["1"]["door"] == "open"
    assert pty_exchange(sim.rtu.path, "01 01 00 00 00 08 3d cc", 6) == "01 01 01 01 90 48"


def test_kerong_unlock_and_status_on_the_pty(sim: LockerBankSimulator) -> None:
    reply = pty_exchange(sim.kerong.path, "02 00 31 03 36", 9)
    # lock 1 unlatched (bit 0 clear), locks 2..16 latched; no IR bits
    assert reply == "02 00 35 fe ff 00 00 03 37"
    assert sim.model.status()["compartments"]["17"]["door"] == "open"
