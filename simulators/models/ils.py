"""The circulation model of the simulated library system (ILS): the transactions and their rules.

Shared by the SIP2 wire simulator (simulators/ils) and any in-process fake of the library
system, so the two cannot drift. Pure: no sockets, no clock (every transaction takes `now`),
no SIP2 wire format: the SIP2 handlers turn an Outcome into a response. Must never apply a
refused transaction in part, and counts every applied one in `applied` per (kind, key), so a
test can prove that a resent request was not applied twice.

Rules (Koha-like, the policy in Rules): loan period and renewal limit per item type; loan
limit per patron category; a librarian's block, an expired or lost card and fines at the
limit refuse loans, renewals and holds; a hold's owner or nobody may borrow an item with
holds; renewal is refused while others wait for the item; checkin traps the first queued
hold (on the hold shelf when the pickup is in this branch, else in transit) and charges an
overdue fine. No-block transactions (offline replays) skip the block checks and take the
kiosk's dates, because the loan has already happened.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from simulators.models.ils_catalogue import LibraryCatalogue
from simulators.models.ils_records import (
    Circulation,
    Fine,
    Hold,
    Item,
    ItemState,
    Loan,
    Location,
    Outcome,
    Patron,
    PatronFlags,
    Refusal,
    Rules,
)

__all__ = [
    "Circulation", "Fine", "Hold", "Item", "ItemState", "Library", "Loan", "Location",
    "Outcome", "Patron", "PatronFlags", "Refusal", "Rules",
]  # fmt: skip


class Library(LibraryCatalogue):
    """The library system: its records (LibraryCatalogue) and the transactions on them."""

    # -- loans --------------------------------------------------------------------------
    def checkout(
        self,
        patron: str,
        item: str,
        now: datetime,
        *,
        pin: str | None = None,
        no_block: bool = False,
        due: datetime | None = None,
        renew_own: bool = False,
    ) -> Outcome:
        """Lend `item` to `patron`. An item already on this patron's card is renewed when
        `renew_own` (what Koha does with a resent checkout) and refused otherwise."""
        with self.lock:
            refusal = self._identify(patron, item, pin)
            if refusal is not None:
                return Outcome(refusal)
            current = self.loan(item)
            if current is not None and current.patron == patron:
                if renew_own:
                    return self.renew(patron, item, now, no_block=no_block, due=due)
                return Outcome(Refusal.ALREADY_ON_YOUR_CARD, loan=current)
            if not no_block:
                refusal = self.refusal_for_patron(patron, now, "charge") or self._item_refusal(
                    item, patron
                )
                if refusal is not None:
                    return Outcome(refusal)
            return self._charge(patron, self._s.items[item], now, due)

    def _identify(self, patron: str, item: str | None, pin: str | None) -> Refusal | None:
        if patron not in self._s.patrons:
            return Refusal.UNKNOWN_PATRON
        if pin is not None and not self.check_pin(patron, pin):
            return Refusal.BAD_PIN
        if item is not None and item not in self._s.items:
            return Refusal.UNKNOWN_ITEM
        return None

    def _item_refusal(self, barcode: str, patron: str) -> Refusal | None:
        item = self._s.items[barcode]
        if self.rules.loan_days_for(item.item_type) <= 0:
            return Refusal.NOT_FOR_LOAN
        if item.state is not ItemState.ON_SHELF:
            return Refusal.ITEM_LOST
        if barcode in self._s.loans:
            return Refusal.ON_LOAN_TO_OTHER
        holds = self.holds_on(barcode)
        if holds and holds[0].patron != patron:
            return Refusal.ON_HOLD_FOR_OTHER
        return None

    def _charge(self, patron: str, item: Item, now: datetime, due: datetime | None) -> Outcome:
        previous = self._drop_loan(item.barcode)  # no-block: it was lent to someone else
        if previous is not None:
            self.record("checkin", item.barcode)
        filled = next((h for h in self.holds_on(item.barcode) if h.patron == patron), None)
        if filled is not None:
            self._replace_hold(filled, None)
        loan = Loan(item.barcode, patron, now, due or self.due_date(item, now))
        self._put_loan(loan)
        if item.in_transit_to:
            self._put_item(replace(item, in_transit_to=""))
        self.record("checkout", item.barcode)
        return Outcome(loan=loan, hold=filled)

    def renew(
        self,
        patron: str,
        item: str,
        now: datetime,
        *,
        no_block: bool = False,
        due: datetime | None = None,
    ) -> Outcome:
        with self.lock:
            refusal = self._identify(patron, item, None)
            if refusal is None and not no_block:
                refusal = self.refusal_for_patron(patron, now, "renew")
            if refusal is not None:
                return Outcome(refusal)
            loan = self.loan(item)
            if loan is None:
                return Outcome(Refusal.NOT_ON_LOAN)
            if loan.patron != patron:
                return Outcome(Refusal.NOT_YOUR_LOAN)
            record = self._s.items[item]
            if not no_block:
                if loan.renewals >= self.rules.renewals_for(record.item_type):
                    return Outcome(Refusal.RENEWAL_LIMIT, loan=loan)
                if any(h.patron != patron for h in self.holds_on(item)):
                    return Outcome(Refusal.HOLDS_QUEUED, loan=loan)
            new_due = due or max(self.due_date(record, now), loan.due)
            renewed = replace(loan, due=new_due, renewals=loan.renewals + 1)
            self._put_loan(renewed)
            self.record("renew", item)
            return Outcome(loan=renewed, renewed=True)

    def renew_all(self, patron: str, now: datetime) -> list[tuple[str, Outcome]]:
        """Renew every loan of `patron`; one outcome per item, in due-date order."""
        with self.lock:
            if patron not in self._s.patrons:
                return []
            return [
                (loan.item, self.renew(patron, loan.item, now)) for loan in self.loans_of(patron)
            ]

    def checkin(
        self,
        item: str,
        location: str,
        now: datetime,
        *,
        returned: datetime | None = None,
    ) -> Outcome:
        """Take `item` back at `location`; trap a hold or send it home; fine a late return.

        An item that was not on loan is refused (nothing to return), unless it arrives where
        it was travelling to."""
        with self.lock:
            record = self._s.items.get(item)
            if record is None:
                return Outcome(Refusal.UNKNOWN_ITEM)
            loan = self._drop_loan(item)
            if loan is None:
                return self._receive(record, location, now)
            fine = self._overdue_fine(loan, record, returned or now)
            routed = self._route(record, location, now)
            self.record("checkin", item)
            return replace(routed, loan=loan, fine=fine)

    def _overdue_fine(self, loan: Loan, item: Item, returned: datetime) -> Fine | None:
        days = (returned.date() - loan.due.date()).days
        if days <= 0:
            return None
        amount = min(self.rules.daily_fine * days, self.rules.max_fine_per_item)
        fine = Fine(
            self.new_id("F"), loan.patron, amount, f"Delspinigiai: {item.title}", "04", item.barcode
        )
        self._put_fine(fine)
        return fine

    def _route(self, item: Item, location: str, now: datetime) -> Outcome:
        queued = next(iter(self.holds_on(item.barcode)), None)
        here = self.branch_of(location)
        if queued is not None:
            if self.branch_of(queued.pickup) == here:
                trapped = self._on_shelf(queued, now)
            else:
                trapped = replace(queued, in_transit=True)
            self._replace_hold(queued, trapped)
            return Outcome(hold=trapped, transit_to=queued.pickup)
        if self.branch_of(item.home) != here:
            self._put_item(replace(item, in_transit_to=item.home))
            return Outcome(transit_to=item.home)
        return Outcome()

    def _on_shelf(self, hold: Hold, now: datetime) -> Hold:
        expires = (now + timedelta(days=self.rules.hold_shelf_days)).date()
        return replace(hold, waiting_since=now, in_transit=False, expires=expires)

    def _receive(self, item: Item, location: str, now: datetime) -> Outcome:
        first = next(iter(self.holds_on(item.barcode)), None)
        if first is not None and first.in_transit and first.pickup == location:
            arrived = self._on_shelf(first, now)
            self._replace_hold(first, arrived)
            self.record("checkin", item.barcode)
            return Outcome(hold=arrived, transit_to=location)
        if item.in_transit_to and item.in_transit_to == location:
            self._put_item(replace(item, in_transit_to=""))
            self.record("checkin", item.barcode)
            return Outcome()
        return Outcome(Refusal.NOT_ON_LOAN)

    # -- fines ------------------------------------------------------------------------
    def pay(
        self, patron: str, amount: Decimal, now: datetime, *, fine_id: str | None = None
    ) -> Outcome:
        """Pay `amount` towards one fine (`fine_id`) or the oldest fines first."""
        with self.lock:
            if patron not in self._s.patrons:
                return Outcome(Refusal.UNKNOWN_PATRON)
            if amount <= 0:
                return Outcome(Refusal.BAD_AMOUNT)
            fines = self.fines_of(patron)
            if fine_id:
                fines = [f for f in fines if f.fine_id == fine_id]
                if not fines:
                    return Outcome(Refusal.UNKNOWN_FINE)
            if not fines:
                return Outcome(Refusal.NO_FINES)
            if amount > sum((f.outstanding for f in fines), Decimal(0)):
                return Outcome(Refusal.OVERPAYMENT)
            left = amount
            for fine in fines:
                part = min(left, fine.outstanding)
                self._put_fine(replace(fine, paid=fine.paid + part))
                left -= part
                if left <= 0:
                    break
            self.record("fee_paid", patron)
            return Outcome(paid=amount)

    # -- holds ------------------------------------------------------------------------
    def place_hold(self, patron: str, item: str, pickup: str, now: datetime) -> Outcome:
        with self.lock:
            refusal = self._identify(patron, item, None) or self.refusal_for_patron(
                patron, now, "hold"
            )
            if refusal is not None:
                return Outcome(refusal)
            if self.rules.loan_days_for(self._s.items[item].item_type) <= 0:
                return Outcome(Refusal.NOT_FOR_LOAN)
            if any(h.item == item for h in self.holds_of(patron)):
                return Outcome(Refusal.HOLD_EXISTS)
            if len(self.holds_of(patron)) >= self.rules.max_holds:
                return Outcome(Refusal.HOLD_LIMIT)
            hold = Hold(self.new_id("H"), patron, item, now, pickup or self._s.items[item].home)
            self._s.holds.append(hold)
            self.record("hold_placed", item)
            return Outcome(hold=hold)

    def cancel_hold(self, patron: str, item: str) -> Outcome:
        with self.lock:
            hold = next((h for h in self.holds_of(patron) if h.item == item), None)
            if hold is None:
                return Outcome(Refusal.HOLD_NOT_FOUND)
            self._replace_hold(hold, None)
            self.record("hold_cancelled", item)
            return Outcome(hold=hold)

    def change_hold(self, patron: str, item: str, pickup: str) -> Outcome:
        with self.lock:
            hold = next((h for h in self.holds_of(patron) if h.item == item), None)
            if hold is None:
                return Outcome(Refusal.HOLD_NOT_FOUND)
            changed = replace(hold, pickup=pickup or hold.pickup)
            self._replace_hold(hold, changed)
            self.record("hold_changed", item)
            return Outcome(hold=changed)

    def queue_position(self, hold: Hold) -> int:
        with self.lock:
            return 1 + [h.hold_id for h in self.holds_on(hold.item)].index(hold.hold_id)

    # -- patron and item records ------------------------------------------------------
    def block(self, patron: str, reason: str) -> Outcome:
        with self.lock:
            record = self._s.patrons.get(patron)
            if record is None:
                return Outcome(Refusal.UNKNOWN_PATRON)
            self._put_patron(replace(record, blocked=reason or "Užblokuota savitarnos stotelėje"))
            self.record("block", patron)
            return Outcome()

    def enable(self, patron: str) -> Outcome:
        with self.lock:
            record = self._s.patrons.get(patron)
            if record is None:
                return Outcome(Refusal.UNKNOWN_PATRON)
            self._put_patron(replace(record, blocked=""))
            self.record("enable", patron)
            return Outcome()

    def set_properties(self, item: str, properties: str) -> Outcome:
        with self.lock:
            record = self._s.items.get(item)
            if record is None:
                return Outcome(Refusal.UNKNOWN_ITEM)
            self._put_item(replace(record, properties=properties))
            self.record("item_status_update", item)
            return Outcome()

    def due_from(self, item: str, start: datetime) -> datetime:
        """The due date a loan of `item` starting at `start` gets (for reports and tests)."""
        return self.due_date(self._s.items[item], start)
