"""Fixtures and helpers for the ILS simulator tests: a fixed clock, SIP2 requests built with
the codec, a minimal raw-socket SIP2 client (deliberately not the project's SIP2 client, which
is tested against this simulator in its own tests), simulators on free ports.

Tests reach the helpers through the `sip` fixture (this module), since the suite imports test
files in importlib mode, where a conftest cannot be imported by name."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from types import ModuleType

import pytest

from backend_sync.sip2.codec import Message, decode, encode, make, with_sequence
from simulators.ils.simulator import IlsSimulator

NOW = datetime(2026, 11, 25, 12, 0, 0)
SIP_NOW = "20261125    120000"
BLANK = " " * 18


def clock() -> datetime:
    return NOW


def login(user: str = "kiosk1", password: str = "demo", location: str = "") -> Message:
    fields = [("CN", user), ("CO", password), ("CP", location or None)]
    return make("93", {"uid_algorithm": "0", "pwd_algorithm": "0"}, fields)


def sc_status() -> Message:
    return make(
        "99", {"status_code": "0", "max_print_width": "040", "protocol_version": "2.00"}, []
    )


def patron_info(
    patron: str, pin: str | None = None, summary: str = " " * 10, **extra: str
) -> Message:
    fields = [("AO", "AVB"), ("AA", patron), ("AC", ""), ("AD", pin), *extra.items()]
    return make("63", {"language": "000", "transaction_date": SIP_NOW, "summary": summary}, fields)


def patron_status(patron: str, pin: str | None = None) -> Message:
    fields = [("AO", "AVB"), ("AA", patron), ("AC", ""), ("AD", pin)]
    return make("23", {"language": "000", "transaction_date": SIP_NOW}, fields)


def checkout(
    patron: str, item: str, *, no_block: str = "N", date: str = SIP_NOW, nb_due: str = BLANK,
    policy: str = "N", pin: str | None = None,
) -> Message:  # fmt: skip
    fixed = {"sc_renewal_policy": policy, "no_block": no_block, "transaction_date": date,
             "nb_due_date": nb_due}  # fmt: skip
    fields = [("AO", "AVB"), ("AA", patron), ("AB", item), ("AC", ""), ("AD", pin)]
    return make("11", fixed, fields)


def checkin(item: str, location: str = "ABONEMENTAS", *, no_block: str = "N",
            returned: str = SIP_NOW) -> Message:  # fmt: skip
    fixed = {"no_block": no_block, "transaction_date": SIP_NOW, "return_date": returned}
    return make("09", fixed, [("AP", location), ("AO", "AVB"), ("AB", item), ("AC", "")])


def renew(patron: str, item: str) -> Message:
    fixed = {"third_party_allowed": "N", "no_block": "N", "transaction_date": SIP_NOW,
             "nb_due_date": BLANK}  # fmt: skip
    return make("29", fixed, [("AO", "AVB"), ("AA", patron), ("AB", item), ("AC", "")])


def fee_paid(patron: str, amount: str, fine_id: str | None = None) -> Message:
    fixed = {"transaction_date": SIP_NOW, "fee_type": "04", "payment_type": "00",
             "currency_type": "EUR"}  # fmt: skip
    return make("37", fixed, [("BV", amount), ("AO", "AVB"), ("AA", patron), ("CG", fine_id)])


def item_info(item: str) -> Message:
    return make("17", {"transaction_date": SIP_NOW}, [("AO", "AVB"), ("AB", item)])


def wire(message: Message, sequence: int | None = None, encoding: str = "utf-8") -> bytes:
    return encode(with_sequence(message, sequence, sequence is not None), encoding)


class RawSip:
    """A socket and a line reader: send bytes, read one reply up to CR (LF after it kept)."""

    def __init__(self, host: str, port: int, encoding: str = "utf-8") -> None:
        self.sock = socket.create_connection((host, port), timeout=5)
        self.encoding = encoding
        self._buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_raw(self) -> bytes:
        """One reply with its terminator; b"" when the server closed the connection."""
        while b"\r" not in self._buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                rest, self._buffer = self._buffer, b""
                return rest
            self._buffer += chunk
        end = self._buffer.index(b"\r") + 1
        if self._buffer[end : end + 1] == b"\n":
            end += 1
        reply, self._buffer = self._buffer[:end], self._buffer[end:]
        return reply

    def ask(self, message: Message, sequence: int | None = 0) -> Message:
        self.send(wire(message, sequence, self.encoding))
        reply = self.read_raw()
        assert reply, "the server closed the connection"
        return decode(reply, self.encoding).message

    def closed_by_server(self) -> bool:
        return self.read_raw() == b""

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def sip() -> ModuleType:
    """These helpers: request builders, NOW, RawSip."""
    return sys.modules[__name__]


@pytest.fixture
def start_sim() -> Iterator[Callable[..., IlsSimulator]]:
    """Start an IlsSimulator (demo library, fixed clock, a free port); stopped after the test."""
    started: list[IlsSimulator] = []

    def start(**kwargs: object) -> IlsSimulator:
        sim = IlsSimulator(clock=clock, **kwargs).start()  # type: ignore[arg-type]
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture
def connect() -> Iterator[Callable[..., RawSip]]:
    opened: list[RawSip] = []

    def open_(sim: IlsSimulator, encoding: str | None = None) -> RawSip:
        client = RawSip(sim.host, sim.port, encoding or sim.options.wire_encoding)
        opened.append(client)
        return client

    yield open_
    for client in opened:
        client.close()
