"""The payment desk on real parts: the ILS simulator over loopback SIP2 (the real client), the
in-process FakeTerminal on the terminal simulator's model, and the SQLite journal in tmp_path.

Tests reach the builder through the `desk_world` fixture (importlib mode: no conftest import)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from backend_sync.store.payments_journal import SqlitePaymentJournal
from kiosk.core.clock import ManualClock
from kiosk.core.payments.desk import PaymentDesk
from kiosk.core.payments.fees import FeeRules
from kiosk.core.payments.saga import PaymentHold
from kiosk.core.payments.terminal import EUR
from kiosk.demo.in_process import sip2_client
from simulators.ils.simulator import IlsSimulator
from simulators.models.payment_terminal import PaymentTerminalModel
from simulators.payment.fake import FakeTerminal

FINED, FINED_PIN = "2100000005", "5678"  # F0001 3.00 (oldest) + F0002 9.40 = 12.40
NOW = datetime(2026, 11, 25, 12, 0, 0)


@dataclass
class World:
    sim: IlsSimulator
    model: PaymentTerminalModel
    journal: SqlitePaymentJournal
    clock: ManualClock
    path: Path
    runner: asyncio.Runner  # one event loop per test: the SIP2 client's connection lives on it

    def run(self, coro):
        return self.runner.run(coro)

    def desk(self, mode: PaymentHold = PaymentHold.REVERSAL, rules: FeeRules | None = None,
             terminal=None, library=None, journal=None, **extra) -> PaymentDesk:  # fmt: skip
        ids = iter(f"pay-{n:04d}" for n in range(1, 10_000))
        return PaymentDesk(
            library=library or sip2_client(self.sim, self.clock),
            terminal=terminal or FakeTerminal(self.model),
            journal=journal or self.journal, rules=rules or FeeRules(), hold_mode=mode,
            currency=EUR, kiosk_id="kiosk-1", clock=self.clock, new_id=lambda: next(ids), **extra,
        )  # fmt: skip

    def owed_cents(self, patron: str = FINED) -> int:
        return int(self.sim.library.balance(patron) * 100)

    def booked_cents(self) -> int:
        return int(self.model.totals()["amount_cents"])  # type: ignore[arg-type]


@pytest.fixture(params=["koha", "evergreen"])
def dialect(request) -> str:
    return request.param


@pytest.fixture
def desk_world(tmp_path: Path) -> Iterator[World]:
    with ExitStack() as stack:
        yield _world(stack, tmp_path)


@pytest.fixture
def desk_world_factory(tmp_path: Path) -> Iterator[Callable[[], World]]:
    """Fresh worlds (simulator, terminal, journal), each in its own directory."""
    with ExitStack() as stack:
        count = iter(range(1, 10_000))
        yield lambda: _world(stack, tmp_path / f"world-{next(count)}")


def _world(stack: ExitStack, path: Path) -> World:
    clock = ManualClock(NOW)
    sim = stack.enter_context(IlsSimulator(encoding="utf-8", clock=clock.now, dialect="koha"))
    journal = SqlitePaymentJournal.open(path / "payments.sqlite")
    stack.callback(journal.close)
    runner = stack.enter_context(asyncio.Runner())
    return World(sim, PaymentTerminalModel(clock=clock.now), journal, clock, path, runner)
