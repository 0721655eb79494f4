"""The fiscal port: every card payment the kiosk takes for good is also given to a cash
register, because Lithuanian cash-register rules may apply to fees a machine collects (not
settled yet: docs/payments.md says what an i.EKA or certified-register adapter plugs into).

The orchestrator calls `record_sale` once a payment is paid (charged and recorded at the
library system) and `record_refund` if a paid payment is later given back by staff. An
implementation must be idempotent per payment_id (a crash may repeat the call) and must not
raise for its own trouble after the payment is settled: it reports it through health instead.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.core.payments.records import PaymentRecord


class CashRegister(Protocol):
    def record_sale(self, record: PaymentRecord) -> None: ...

    def record_refund(self, record: PaymentRecord) -> None: ...


class NoCashRegister:
    """cash_register = "none": the library's accounting takes the day's report instead."""

    def record_sale(self, record: PaymentRecord) -> None:
        return None

    def record_refund(self, record: PaymentRecord) -> None:
        return None
