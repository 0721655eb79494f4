"""The day's report for the accountant, as numbers: every payment of one day on one or more
kiosks, totals by card brand and by fee type, reversals, the reconciliation list, and the
reconciliation of what the kiosk charged against the terminal's end-of-day totals.

Pure: no I/O, no clock, no formatting of money (the renderers in backend_sync/payments/ write
"12,50 €"). Integer cents throughout. A mismatch with the terminal is reported with its
difference, never smoothed over: `Reconciliation.status` is MISMATCH and `difference_cents`
says by how much (terminal minus kiosk).

The terminal's end-of-day closes a batch, not a calendar day: a payment charged after the
last close of one day is in the next close. So a kiosk's day is compared over its batch
window, (the last close of the day before, the last close of this day]; the payments of
the day before that fall in the window are carried in, those after this day's last close
are carried out to the next report. A kiosk with payments and no close is NO_CLOSE.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from kiosk.core.payments.records import PaymentJournalReader, PaymentRecord, TerminalClose
from kiosk.core.privacy import mask_card
from kiosk.core.vocabulary import FeeType

FINAL_STATES = frozenset({"paid", "reversed", "not_charged", "to_staff"})
UNKNOWN_BRAND = "?"


class IlsAck(StrEnum):
    """What the library system said to the payment's Fee Paid messages."""

    RECORDED = "recorded"  # every posting accepted
    PARTLY = "partly"  # some accepted, some not
    REFUSED = "refused"  # postings sent, none accepted
    NONE = "none"  # nothing was sent (declined or aborted at the terminal)


class MatchStatus(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    NO_CLOSE = "no_close"  # payments charged, but the terminal ran no end-of-day
    NOTHING = "nothing"  # no payments and no close


def masked_bank_card(text: str) -> str:
    """The bank card as the report may show it: every digit but the last four hidden, even
    if a terminal (or a bug) handed over more."""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    hide = set(digits[:-4])
    return "".join("*" if i in hide else ch for i, ch in enumerate(text))


def masked_library_card(text: str) -> str:
    """The journal keeps the library card masked; mask again if something unmasked got in."""
    return text if "*" in text or not text else mask_card(text)


@dataclass(frozen=True)
class PaymentLine:
    payment_id: str
    kiosk_id: str
    at: datetime  # settled, or started while not final
    library_card: str
    bank_card: str
    card_brand: str
    state: str
    fee_types: tuple[FeeType, ...]
    asked_cents: int
    charged_cents: int
    recorded_cents: int
    currency: str
    trace_number: int | None
    receipt_number: int | None
    ils_ack: IlsAck
    ils_transaction_ids: tuple[str, ...]
    reason: str

    @property
    def on_reconciliation_list(self) -> bool:
        return self.state == "to_staff" or self.state not in FINAL_STATES


@dataclass(frozen=True)
class Total:
    key: str  # a card brand, or a FeeType value
    count: int
    amount_cents: int


@dataclass(frozen=True)
class Reconciliation:
    """One kiosk's charged total over its batch window against its terminal's closes."""

    kiosk_id: str
    charged_count: int  # paid payments in the window
    charged_cents: int
    terminal_count: int  # what the day's closes reported
    terminal_cents: int
    carried_in_cents: int  # of charged_cents: paid the day before, after its last close
    carried_out_cents: int  # paid today after the last close: the next report's
    closes: tuple[TerminalClose, ...]
    status: MatchStatus

    @property
    def difference_cents(self) -> int:
        """Terminal minus kiosk: positive when the terminal counted more than the kiosk."""
        return self.terminal_cents - self.charged_cents


@dataclass(frozen=True)
class KioskSection:
    kiosk_id: str
    lines: tuple[PaymentLine, ...]
    charged_cents: int
    by_brand: tuple[Total, ...]
    by_fee_type: tuple[Total, ...]
    reconciliation: Reconciliation


@dataclass(frozen=True)
class DayReport:
    day: date
    currency: str
    kiosks: tuple[KioskSection, ...]
    charged_cents: int
    by_brand: tuple[Total, ...]
    by_fee_type: tuple[Total, ...]
    reversals: tuple[PaymentLine, ...]
    reconciliation_list: tuple[PaymentLine, ...]  # to_staff or unfinished, any day
    mismatches: tuple[Reconciliation, ...] = field(default=())

    @property
    def lines(self) -> tuple[PaymentLine, ...]:
        return tuple(line for section in self.kiosks for line in section.lines)

    @property
    def balanced(self) -> bool:
        return not self.mismatches


def payment_line(record: PaymentRecord) -> PaymentLine:
    accepted = [p for p in record.postings if p.recorded]
    if not record.postings or record.state == "not_charged":  # the terminal said no first
        ack = IlsAck.NONE
    elif len(accepted) == len(record.postings):
        ack = IlsAck.RECORDED
    else:
        ack = IlsAck.PARTLY if accepted else IlsAck.REFUSED
    fee_types = tuple(dict.fromkeys(p.fee_type for p in record.postings))
    return PaymentLine(
        payment_id=record.payment_id,
        kiosk_id=record.kiosk_id,
        at=record.settled_at or record.started_at,
        library_card=masked_library_card(record.library_card_masked),
        bank_card=masked_bank_card(record.bank_card_masked),
        card_brand=record.card_brand,
        state=record.state,
        fee_types=fee_types,
        asked_cents=record.amount_cents,
        charged_cents=record.charged_cents,
        recorded_cents=record.recorded_cents,
        currency=record.currency,
        trace_number=record.trace_number,
        receipt_number=record.receipt_number,
        ils_ack=ack,
        ils_transaction_ids=tuple(p.ils_transaction_id for p in accepted if p.ils_transaction_id),
        reason=record.reason,
    )


def build_day_report(
    day: date,
    records: Iterable[PaymentRecord],
    closes: Iterable[TerminalClose],
    *,
    unsettled: Iterable[PaymentRecord] = (),
    day_before: Iterable[PaymentRecord] = (),
    closes_day_before: Iterable[TerminalClose] = (),
    currency: str | None = None,
) -> DayReport:
    """The report of `day` from the journal's payments_on(day) and closes_on(day);
    `unsettled` (the journal's reconciliation list, any day) and the day before's payments
    and closes (for the batch window) are optional. Records of another day are ignored."""
    records = [r for r in records if r.started_at.date() == day]
    closes = [c for c in closes if c.at.date() == day]
    before = [r for r in day_before if r.started_at.date() < day]
    closes_before = list(closes_day_before)
    kiosk_ids = sorted({r.kiosk_id for r in records} | {c.kiosk_id for c in closes})
    sections = tuple(
        _kiosk_section(
            kiosk_id,
            [r for r in records if r.kiosk_id == kiosk_id],
            [c for c in closes if c.kiosk_id == kiosk_id],
            [r for r in before if r.kiosk_id == kiosk_id],
            [c for c in closes_before if c.kiosk_id == kiosk_id],
            day,
        )
        for kiosk_id in kiosk_ids
    )
    paid = [r for r in records if r.state == "paid"]
    lines = [line for section in sections for line in section.lines]
    listed = {r.payment_id: payment_line(r) for r in unsettled}
    for line in lines:
        if line.on_reconciliation_list:
            listed.setdefault(line.payment_id, line)
    return DayReport(
        day=day,
        currency=currency or (records[0].currency if records else "EUR"),
        kiosks=sections,
        charged_cents=sum(r.charged_cents for r in paid),
        by_brand=_by_brand(paid),
        by_fee_type=_by_fee_type(paid),
        reversals=tuple(line for line in lines if line.state == "reversed"),
        reconciliation_list=tuple(sorted(listed.values(), key=lambda line: line.at)),
        mismatches=tuple(
            s.reconciliation
            for s in sections
            if s.reconciliation.status in (MatchStatus.MISMATCH, MatchStatus.NO_CLOSE)
        ),
    )


def _kiosk_section(
    kiosk_id: str,
    records: Sequence[PaymentRecord],
    closes: Sequence[TerminalClose],
    before: Sequence[PaymentRecord],
    closes_before: Sequence[TerminalClose],
    day: date,
) -> KioskSection:
    paid = [r for r in records if r.state == "paid"]
    return KioskSection(
        kiosk_id=kiosk_id,
        lines=tuple(payment_line(r) for r in sorted(records, key=lambda r: r.started_at)),
        charged_cents=sum(r.charged_cents for r in paid),
        by_brand=_by_brand(paid),
        by_fee_type=_by_fee_type(paid),
        reconciliation=_reconcile(kiosk_id, paid, closes, before, closes_before, day),
    )


def _charged_at(record: PaymentRecord) -> datetime:
    return record.settled_at or record.started_at


def _reconcile(
    kiosk_id: str,
    paid: Sequence[PaymentRecord],
    closes: Sequence[TerminalClose],
    before: Sequence[PaymentRecord],
    closes_before: Sequence[TerminalClose],
    day: date,
) -> Reconciliation:
    start = max((c.at for c in closes_before), default=datetime.combine(day, time.min))
    end = max((c.at for c in closes), default=None)
    carried_in = [
        r for r in before if r.state == "paid" and closes_before and _charged_at(r) > start
    ]
    today_in = [r for r in paid if end is None or _charged_at(r) <= end]
    carried_out = [r for r in paid if end is not None and _charged_at(r) > end]
    window = carried_in + today_in
    charged = sum(r.charged_cents for r in window)
    terminal_cents = sum(c.amount_cents for c in closes)
    terminal_count = sum(c.count for c in closes)
    if not closes:
        status = MatchStatus.NO_CLOSE if window else MatchStatus.NOTHING
    elif charged == terminal_cents and len(window) == terminal_count:
        status = MatchStatus.MATCH
    else:
        status = MatchStatus.MISMATCH
    return Reconciliation(
        kiosk_id=kiosk_id,
        charged_count=len(window),
        charged_cents=charged,
        terminal_count=terminal_count,
        terminal_cents=terminal_cents,
        carried_in_cents=sum(r.charged_cents for r in carried_in),
        carried_out_cents=sum(r.charged_cents for r in carried_out),
        closes=tuple(sorted(closes, key=lambda c: c.at)),
        status=status,
    )


def _by_brand(paid: Iterable[PaymentRecord]) -> tuple[Total, ...]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record in paid:
        entry = counts[record.card_brand or UNKNOWN_BRAND]
        entry[0] += 1
        entry[1] += record.charged_cents
    return tuple(Total(key, n, cents) for key, (n, cents) in sorted(counts.items()))


def _by_fee_type(paid: Iterable[PaymentRecord]) -> tuple[Total, ...]:
    """What the paid payments settled, by fee type: the postings the library system recorded
    (for a paid payment they add up to what was charged)."""
    counts: dict[FeeType, list[int]] = defaultdict(lambda: [0, 0])
    for record in paid:
        for posting in record.postings:
            if posting.recorded:
                entry = counts[posting.fee_type]
                entry[0] += 1
                entry[1] += posting.amount_cents
    order = list(FeeType)
    return tuple(
        Total(fee_type.value, n, cents)
        for fee_type, (n, cents) in sorted(counts.items(), key=lambda kv: order.index(kv[0]))
    )


def report_from_journal(journal: PaymentJournalReader, day: date) -> DayReport:
    """Read what the report needs from the journal: the day, the day before (for the batch
    window) and the reconciliation list."""
    before = day - timedelta(days=1)
    return build_day_report(
        day,
        journal.payments_on(day),
        journal.closes_on(day),
        unsettled=journal.unsettled(),
        day_before=journal.payments_on(before),
        closes_day_before=journal.closes_on(before),
    )
