"""payment_terminal_from: the [payment_terminal] table → a PaymentTerminal (ZvtTerminal, or the
in-process fake for "fake:" urls). The only place that turns these settings into an adapter."""

from __future__ import annotations

from device_drivers.payment.zvt_session import Timeouts
from device_drivers.payment.zvt_terminal import ZvtTerminal
from kiosk.core.payments.terminal import PaymentTerminal
from kiosk.settings.payment import PaymentTerminalSection


def payment_terminal_from(section: PaymentTerminalSection | None) -> PaymentTerminal | None:
    if section is None:
        return None
    if section.url.startswith("fake:"):
        from simulators.payment.fake import FakeTerminal

        return FakeTerminal(currency=section.currency)
    return ZvtTerminal(
        section.url,
        password=section.password,
        currency=section.currency,
        timeouts=Timeouts(section.ack_timeout_s, section.completion_timeout_s),
        hold_answer_s=section.hold_answer_s,
        hold_repeats=section.hold_repeats,
        baudrate=section.baudrate,
        connect_timeout_s=section.connect_timeout_s,
    )
