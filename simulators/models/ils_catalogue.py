"""What the simulated library system holds and what it can tell: its state and its queries.

The base of the Library (ils.py), which adds the transactions. Holds the only mutable state
of the model, behind one re-entrant lock, because the SIP2 server and the control API call
it from different threads. Pure: no sockets, no clock (`now` is a parameter), no wire format.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from simulators.models.ils_records import (
    Circulation,
    Fine,
    Hold,
    Item,
    ItemState,
    Loan,
    Location,
    Patron,
    PatronFlags,
    Refusal,
    Rules,
)


@dataclass
class _State:
    patrons: dict[str, Patron] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    loans: dict[str, Loan] = field(default_factory=dict)  # by item barcode
    holds: list[Hold] = field(default_factory=list)  # queue order: placed first, first
    fines: dict[str, Fine] = field(default_factory=dict)


class LibraryCatalogue:
    """The state and the queries; build it with the add_* methods or simulators/ils/dataset.py."""

    def __init__(
        self,
        rules: Rules | None = None,
        locations: dict[str, Location] | None = None,
        institution: str = "AVB",
        name: str = "Apskrities viešoji biblioteka",
    ) -> None:
        self.rules = rules or Rules()
        self.locations = dict(locations or {})
        self.institution = institution
        self.name = name
        self.applied: Counter[tuple[str, str]] = Counter()
        self.lock = threading.RLock()
        self._s = _State()
        self._next_id = 1

    # -- building ---------------------------------------------------------------------
    def add_patron(self, patron: Patron) -> Patron:
        with self.lock:
            self._s.patrons[patron.barcode] = patron
            return patron

    def add_item(self, item: Item) -> Item:
        with self.lock:
            self._s.items[item.barcode] = item
            return item

    def add_loan(self, loan: Loan) -> Loan:
        with self.lock:
            self._require(loan.patron, loan.item)
            self._s.loans[loan.item] = loan
            return loan

    def add_hold(self, hold: Hold) -> Hold:
        with self.lock:
            self._require(hold.patron, hold.item)
            self._s.holds.append(hold)
            return hold

    def add_fine(self, fine: Fine) -> Fine:
        with self.lock:
            self._require(fine.patron, None)
            self._s.fines[fine.fine_id] = fine
            return fine

    def new_id(self, prefix: str) -> str:
        with self.lock:
            self._next_id += 1
            return f"{prefix}{self._next_id:05d}"

    def _require(self, patron: str, item: str | None) -> None:
        if patron not in self._s.patrons:
            raise ValueError(f"unknown patron {patron!r}")
        if item is not None and item not in self._s.items:
            raise ValueError(f"unknown item {item!r}")

    # -- reading ----------------------------------------------------------------------
    def patron(self, barcode: str) -> Patron | None:
        return self._s.patrons.get(barcode)

    def item(self, barcode: str) -> Item | None:
        return self._s.items.get(barcode)

    def patrons(self) -> list[Patron]:
        with self.lock:
            return list(self._s.patrons.values())

    def items(self) -> list[Item]:
        with self.lock:
            return list(self._s.items.values())

    def loan(self, item: str) -> Loan | None:
        return self._s.loans.get(item)

    def loans_of(self, patron: str) -> list[Loan]:
        with self.lock:
            return sorted(
                (loan for loan in self._s.loans.values() if loan.patron == patron),
                key=lambda loan: (loan.due, loan.item),
            )

    def holds_of(self, patron: str) -> list[Hold]:
        with self.lock:
            return [h for h in self._s.holds if h.patron == patron]

    def holds_on(self, item: str) -> list[Hold]:
        with self.lock:
            return [h for h in self._s.holds if h.item == item]

    def fines_of(self, patron: str) -> list[Fine]:
        with self.lock:
            return [f for f in self._s.fines.values() if f.patron == patron and f.outstanding]

    def balance(self, patron: str) -> Decimal:
        return sum((f.outstanding for f in self.fines_of(patron)), Decimal(0))

    def overdue_of(self, patron: str, now: datetime) -> list[Loan]:
        return [loan for loan in self.loans_of(patron) if loan.due < now]

    def circulation(self, barcode: str) -> Circulation:
        with self.lock:
            item = self._s.items[barcode]
            if item.state is ItemState.LOST:
                return Circulation.LOST
            if item.state is ItemState.MISSING:
                return Circulation.MISSING
            if barcode in self._s.loans:
                return Circulation.CHARGED
            first = next(iter(self.holds_on(barcode)), None)
            if first is not None and first.in_transit:
                return Circulation.IN_TRANSIT
            if first is not None and first.waiting_since is not None:
                return Circulation.ON_HOLD_SHELF
            if item.in_transit_to:
                return Circulation.IN_TRANSIT
            return Circulation.AVAILABLE

    def flags(self, barcode: str, now: datetime) -> PatronFlags:
        """What the patron may do now, and why not (the 14-character patron status)."""
        with self.lock:
            patron = self._s.patrons[barcode]
            expired = patron.expires is not None and patron.expires < now.date()
            fines = self.balance(barcode) >= self.rules.fine_limit
            at_limit = len(self.loans_of(barcode)) >= self.rules.max_loans_for(patron.category)
            overdue = len(self.overdue_of(barcode, now)) > self.rules.max_overdue
            barred = bool(patron.blocked) or expired or patron.card_lost or fines
            return PatronFlags(
                charge_denied=barred or at_limit,
                renewal_denied=barred,
                hold_denied=barred,
                card_lost=patron.card_lost,
                too_many_charged=at_limit,
                too_many_overdue=overdue,
                excessive_fines=fines,
                blocked=bool(patron.blocked),
                expired=expired,
            )

    def check_pin(self, barcode: str, pin: str) -> bool:
        patron = self._s.patrons.get(barcode)
        return patron is not None and patron.pin == pin

    def branch_of(self, location: str) -> str:
        known = self.locations.get(location)
        return known.branch if known else self.institution

    # -- circulation --------------------------------------------------------------------
    def refusal_for_patron(self, barcode: str, now: datetime, action: str) -> Refusal | None:
        """Why `barcode` may not `action` ("charge", "renew", "hold"), or None."""
        patron = self._s.patrons.get(barcode)
        if patron is None:
            return Refusal.UNKNOWN_PATRON
        flags = self.flags(barcode, now)
        for condition, refusal in (
            (flags.card_lost, Refusal.CARD_LOST),
            (flags.blocked, Refusal.PATRON_BLOCKED),
            (flags.expired, Refusal.CARD_EXPIRED),
            (flags.excessive_fines, Refusal.EXCESSIVE_FINES),
            (action == "charge" and flags.too_many_charged, Refusal.LOAN_LIMIT),
        ):
            if condition:
                return refusal
        return None

    def record(self, kind: str, key: str) -> None:
        self.applied[(kind, key)] += 1

    def count(self, kind: str, key: str | None = None) -> int:
        """How many times `kind` was applied (to `key`, or in all)."""
        with self.lock:
            if key is not None:
                return self.applied[(kind, key)]
            return sum(n for (k, _), n in self.applied.items() if k == kind)

    def due_date(self, item: Item, start: datetime) -> datetime:
        """End of the day `loan_days` after `start` (libraries lend to closing time)."""
        return end_of_day((start + timedelta(days=self.rules.loan_days_for(item.item_type))).date())

    # -- writing (for the transactions in ils.py; callers hold the lock) ----------------
    def _put_loan(self, loan: Loan) -> None:
        self._s.loans[loan.item] = loan

    def _drop_loan(self, item: str) -> Loan | None:
        return self._s.loans.pop(item, None)

    def _replace_hold(self, old: Hold, new: Hold | None) -> None:
        index = self._s.holds.index(old)
        if new is None:
            del self._s.holds[index]
        else:
            self._s.holds[index] = new

    def _put_item(self, item: Item) -> None:
        self._s.items[item.barcode] = item

    def _put_patron(self, patron: Patron) -> None:
        self._s.patrons[patron.barcode] = patron

    def _put_fine(self, fine: Fine) -> None:
        self._s.fines[fine.fine_id] = fine


def end_of_day(day: date) -> datetime:
    """Libraries lend to closing time: a loan is due at the end of its last day."""
    return datetime.combine(day, datetime.max.time()).replace(microsecond=0)
