"""payment_terminal_from: the [payment_terminal] table → a PaymentTerminal (ZvtTerminal, or the
in-process fake for "fake:" urls); payment_desk_from: that terminal, the [payments] table's
journal, rules and cash register → the PaymentDesk. The only place that turns these settings
into adapters."""

from __future__ import annotations

from pathlib import Path

from backend_sync.store.payments_journal import SqlitePaymentJournal
from device_drivers.payment.zvt_session import Timeouts
from device_drivers.payment.zvt_terminal import ZvtTerminal
from kiosk.core.clock import Clock
from kiosk.core.payments.cash_register import CashRegister, NoCashRegister
from kiosk.core.payments.desk import PaymentDesk
from kiosk.core.payments.fees import FeeRules
from kiosk.core.payments.metrics import PaymentRecorder
from kiosk.core.payments.saga import PaymentHold
from kiosk.core.payments.terminal import Currency, PaymentTerminal
from kiosk.core.ports import LibrarySystem
from kiosk.settings import ConfigError
from kiosk.settings.model import Settings
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


def payment_journal_path(settings: Settings) -> Path:
    """[payments] journal_file, under [kiosk] data_dir unless absolute."""
    path = Path(settings.payments.journal_file)
    return path if path.is_absolute() else Path(settings.kiosk.data_dir) / path


def payment_journal_from(settings: Settings) -> SqlitePaymentJournal:
    """The payment journal (created when missing). Raises StoreError."""
    return SqlitePaymentJournal.open(payment_journal_path(settings))


def cash_register_from(settings: Settings) -> CashRegister:
    """[payments] cash_register: "none", or "journal" (a JSON-lines file under data_dir)."""
    section = settings.payments
    if section.cash_register == "none":
        return NoCashRegister()
    from backend_sync.payments.cash_register_journal import JournalCashRegister

    path = Path(section.cash_register_file)
    return JournalCashRegister(path if path.is_absolute() else Path(settings.kiosk.data_dir) / path)


def payment_desk_from(
    settings: Settings,
    library: LibrarySystem,
    clock: Clock,
    *,
    terminal: PaymentTerminal | None = None,
    journal: SqlitePaymentJournal | None = None,
    recorder: PaymentRecorder | None = None,
) -> PaymentDesk:
    """The payment desk from [payment_terminal] and [payments]; ConfigError without a
    [payment_terminal] table (card payments are off)."""
    section = settings.payment_terminal
    if section is None:
        raise ConfigError("[payment_terminal] is missing: card payments are not set up")
    terminal = terminal or payment_terminal_from(section)
    assert terminal is not None
    payments = settings.payments
    return PaymentDesk(
        library=library,
        terminal=terminal,
        journal=journal or payment_journal_from(settings),
        rules=FeeRules(payments.minimum_cents, payments.partial_allowed),
        hold_mode=PaymentHold(section.hold_mode),
        currency=Currency.of(section.currency),
        kiosk_id=settings.kiosk.id,
        clock=clock,
        cash_register=cash_register_from(settings),
        recorder=recorder,  # kiosk.telemetry.payments.PaymentMetrics on a running kiosk
    )
