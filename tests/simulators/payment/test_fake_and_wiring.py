"""FakeTerminal shares the model with the wire simulator; the wiring builds either."""

from __future__ import annotations

import asyncio

from device_drivers.payment.zvt_terminal import ZvtTerminal
from kiosk.core.payments.terminal import Aborted, Approved, Declined, EndOfDay, PaymentRequest
from kiosk.settings.model import Settings
from kiosk.wiring.payment import payment_terminal_from
from simulators.payment.fake import FakeTerminal


def test_fake_pays_declines_and_totals() -> None:
    fake = FakeTerminal()

    async def run() -> tuple:
        paid = await fake.authorise(PaymentRequest(500))
        fake.model.arm("decline")
        declined = await fake.authorise(PaymentRequest(700))
        refused = await fake.authorise(PaymentRequest(900), confirm=_no)
        return paid, declined, refused, await fake.end_of_day()

    paid, declined, refused, day = asyncio.run(run())
    assert isinstance(paid, Approved) and isinstance(declined, Declined)
    assert isinstance(refused, Aborted)
    assert isinstance(day, EndOfDay) and (day.count, day.amount_cents) == (1, 500)


async def _no(approved: Approved) -> bool:
    return False


def test_wiring_builds_from_settings() -> None:
    settings = Settings.model_validate(
        {
            "payment_terminal": {
                "url": "tcp://10.0.0.5:20007",
                "password": 123456,
                "hold_mode": "preauth",
                "ack_timeout_s": 7,
            }
        }
    )
    terminal = payment_terminal_from(settings.payment_terminal)
    assert isinstance(terminal, ZvtTerminal) and terminal.timeouts.ack_s == 7
    assert terminal.password == 123456
    fake = Settings.model_validate({"payment_terminal": {"url": "fake:"}}).payment_terminal
    assert isinstance(payment_terminal_from(fake), FakeTerminal)
    assert payment_terminal_from(None) is None
