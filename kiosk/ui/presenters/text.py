"""Words on the screen: view models + a Translator -> the exact, translated strings to show.

Pure and window-free, so every wording rule is tested without Kivy: plain-word reasons for
every refusal code, plural counts through ngettext, dates, money and numbers per language.
Status texts always carry words, never colour alone (EN 301 549 5.1.x, "nothing depends on
colour"); the ``Tone`` only adds colour on top. Every msgid is marked with ``N_`` or passed to
``gettext``/``ngettext`` so Babel extracts it (kiosk/locale/babel.cfg).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from kiosk.core.circulation.offline_outcome import OfflineOutcome, outcome_sentences
from kiosk.ui.presenters.views import (
    AccountView,
    HoldLine,
    ItemLine,
    LineStatus,
    LoanLine,
)


class Texts(Protocol):
    language: str

    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
    def money(self, cents: int) -> str: ...
    def number(self, value: int) -> str: ...
    def long_date(self, day: date) -> str: ...
    def time(self, moment: datetime) -> str: ...


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated later, when the language is known."""
    return message


class Tone(StrEnum):
    NEUTRAL = "neutral"
    GOOD = "good"
    BAD = "bad"
    WAIT = "wait"


REFUSALS = {
    "on_hold": N_("Reserved for another reader. Please leave it here for the staff."),
    "not_for_loan": N_("This item cannot be borrowed. Please take it to the desk."),
    "limit_reached": N_("You have reached your loan limit."),
    "fines": N_("Your fines are over the limit. Please see a librarian."),
    "card_expired": N_("Your card has expired. Please see a librarian."),
    "unknown_item": N_("The library does not know this item. Please take it to the desk."),
    "already_yours": N_("You already have this item."),
    "not_renewable": N_("Cannot be renewed: another reader is waiting for it."),
    "offline": N_("The library system is not answering. Please try again later."),
    "tag_unreadable": N_("The label could not be read. Move the item and try again."),
}

IDENTIFY_ERRORS = {
    "unknown_card": N_("We do not recognise this card. Please see a librarian."),
    "wrong_pin": N_("The PIN is not right. Please try again."),
    "card_blocked": N_("This card is blocked. Please see a librarian."),
    "offline": N_("The library system is not answering. Please try again later."),
}

PICKUP_ERRORS = {
    "wrong_code": N_("This code is not right. Check the SMS and try again."),
    "expired": N_("This reservation has expired. Please see a librarian."),
    "door_failed": N_("The door did not open. Please see a librarian."),
    "keypad_locked": N_("Too many wrong codes. Please wait a few minutes or see a librarian."),
    "locker_fault": N_("The door did not open. Please see a librarian."),
    "wrong_card_or_pin": N_("The card number or PIN is not right. Please try again."),
    "nothing_to_collect": N_("Nothing is waiting for you in this locker."),
    "card_locked": N_("Too many wrong tries. Please wait a few minutes or see a librarian."),
    "ils_unreachable": N_(
        "The library system cannot check your card now. Please use the code from the SMS."
    ),
}

DEVICES = {
    "reader": N_("RFID reader"),
    "locks": N_("Lock boards"),
    "printer": N_("Receipt printer"),
    "ils": N_("Library system"),
    "smtp": N_("E-mail server"),
    "headphones": N_("Headphone jack"),
}

DEVICE_TESTS = {
    "reader": N_("Read the pad"),
    "locks": N_("Open a compartment"),
    "printer": N_("Print a test receipt"),
    "ils": N_("Ask for status"),
    "smtp": N_("Send a test e-mail"),
}

STAFF_RESULTS = {
    "test": N_("Test started: %(target)s"),
    "send_outbox": N_("Sending the outbox now."),
    "open_expired": N_("Expired compartments are open."),
    "restart": N_("The kiosk restarts when no one is using it."),
    "print_list": N_("The list is printing."),
}

# Why an item was not loaded into a compartment (LockerService.start_load's Refused reasons).
LOAD_REFUSALS = {
    "no_hold": N_("No hold for this pickup point."),
    "other_pickup_location": N_("No hold for this pickup point."),
    "no_free_compartment": N_("No free compartment fits this item."),
    "ils_unreachable": N_("The library system does not answer. Try again later."),
    "already_loaded": N_("This item is already in a compartment."),
    "not_kept": N_("The compartment reads empty: the item was not loaded."),
}

RECONCILIATION = {
    "returned_offline": N_("Returned while offline, not yet confirmed"),
    "borrowed_offline": N_("Borrowed while offline, not yet confirmed"),
    "rejected": N_("Rejected by the library system"),
}


@dataclass(frozen=True)
class RowText:
    title: str
    detail: str
    status: str
    tone: Tone


def item_row(line: ItemLine, tr: Texts) -> RowText:
    """One item on the borrow or return list."""
    match line.status:
        case LineStatus.READING:
            return RowText(line.title, "", tr.gettext("Checking…"), Tone.WAIT)
        case LineStatus.BORROWED | LineStatus.RENEWED:
            detail = _due(line.due, tr)
            borrowed = line.status is LineStatus.BORROWED
            label = tr.gettext("Borrowed") if borrowed else tr.gettext("Renewed")
            return RowText(line.title, detail, label, Tone.GOOD)
        case LineStatus.RETURNED:
            detail = tr.gettext(line.where) if line.where else sort_instruction(line.sort_bin, tr)
            return RowText(line.title, detail, tr.gettext("Returned"), Tone.GOOD)
        case LineStatus.WAITING_PARTS:
            detail = tr.gettext("Put all parts of the set on the pad: %(present)s of %(total)s") % {
                "present": tr.number(line.parts_present),
                "total": tr.number(line.parts_total),
            }
            return RowText(line.title, detail, tr.gettext("Waiting"), Tone.WAIT)
        case _:
            return RowText(
                line.title,
                refusal(line.reason, line.message, line.where, tr),
                tr.gettext("Not done"),
                Tone.BAD,
            )


def refusal(code: str, message: str, where: str, tr: Texts) -> str:
    """The reason in plain words: the core's own message and where to go, or a code's text."""
    if message:
        return " ".join(tr.gettext(text) for text in (message, where) if text)
    return tr.gettext(REFUSALS.get(code, N_("Please see a librarian.")))


def _due(day: date | None, tr: Texts) -> str:
    if day is None:
        return ""
    return tr.gettext("Due back %(date)s") % {"date": tr.long_date(day)}


def sort_instruction(sort_bin: str, tr: Texts) -> str:
    if not sort_bin:
        return tr.gettext("Put it in the return box.")
    return tr.gettext("Put it on shelf %(bin)s.") % {"bin": sort_bin}


def loan_row(loan: LoanLine, tr: Texts) -> RowText:
    due = _due(loan.due, tr)
    if loan.refusal or loan.message:
        reason = refusal(loan.refusal, loan.message, "", tr)
        return RowText(loan.title, f"{due} · {reason}", tr.gettext("Not renewed"), Tone.BAD)
    if loan.renewed:
        return RowText(loan.title, due, tr.gettext("Renewed"), Tone.GOOD)
    if loan.overdue:
        return RowText(loan.title, due, tr.gettext("Overdue"), Tone.BAD)
    return RowText(loan.title, due, tr.gettext("On loan"), Tone.NEUTRAL)


def hold_row(hold: HoldLine, tr: Texts) -> RowText:
    if hold.ready:
        where = tr.gettext("Collect at: %(where)s") % {"where": hold.where} if hold.where else ""
        if hold.until is not None:
            until = tr.gettext("until %(date)s") % {"date": tr.long_date(hold.until)}
            where = f"{where}, {until}" if where else until
        return RowText(hold.title, where, tr.gettext("Ready for pickup"), Tone.GOOD)
    detail = ""
    if hold.position is not None:
        detail = tr.gettext("Your place in the queue: %(n)s") % {"n": tr.number(hold.position)}
    return RowText(hold.title, detail, tr.gettext("Waiting"), Tone.WAIT)


def account_summary(view: AccountView, tr: Texts) -> str:
    loans = tr.ngettext("%(count)s loan", "%(count)s loans", len(view.loans))
    holds = tr.ngettext("%(count)s reservation", "%(count)s reservations", len(view.holds))
    parts = [loans % {"count": tr.number(len(view.loans))}]
    parts.append(holds % {"count": tr.number(len(view.holds))})
    return " · ".join(parts)


def fines_total(view: AccountView, tr: Texts) -> str:
    if not view.fines:
        return tr.gettext("No fines")
    return tr.gettext("Total to pay: %(amount)s") % {"amount": tr.money(view.fines_total_cents)}


def items_count(count: int, tr: Texts) -> str:
    return tr.ngettext("%(count)s item", "%(count)s items", count) % {"count": tr.number(count)}


def more_items(count: int, tr: Texts) -> str:
    text = tr.ngettext("…and %(count)s more item", "…and %(count)s more items", count)
    return text % {"count": tr.number(count)}


def session_summary(borrowed: int, returned: int, renewed: int, tr: Texts) -> str:
    """ "3 items borrowed · 1 item returned" with plural forms per language."""
    parts = []
    if borrowed:
        text = tr.ngettext("%(count)d item borrowed", "%(count)d items borrowed", borrowed)
        parts.append(text % {"count": borrowed})
    if returned:
        text = tr.ngettext("%(count)d item returned", "%(count)d items returned", returned)
        parts.append(text % {"count": returned})
    if renewed:
        text = tr.ngettext("%(count)d item renewed", "%(count)d items renewed", renewed)
        parts.append(text % {"count": renewed})
    return " · ".join(parts)


def staff_result(action: str, target: str, tr: Texts) -> str:
    """The outcome of a staff action in words ("" before the first one)."""
    message = STAFF_RESULTS.get(action)
    if message is None:
        return ""
    device = tr.gettext(DEVICES[target]) if target in DEVICES else target
    return (
        tr.gettext(message) % {"target": device} if "%(target)s" in message else tr.gettext(message)
    )


def offline_note(kept: int, not_offline: tuple[str, ...], tr: Texts) -> str:
    """With the library system offline: what was recorded on the kiosk and what could not be
    handled, in the receipt's very words (core/circulation/offline_outcome.py)."""
    outcome = OfflineOutcome(kept, not_offline)
    return " ".join(outcome_sentences(outcome, tr.gettext))


def alarm_summary(alarms: tuple[str, ...], tr: Texts) -> tuple[str, Tone]:
    """The staff screen's alarms in words and their tone: none is a good state (never red)."""
    if not alarms:
        return tr.gettext("No alarms."), Tone.GOOD
    return "\n".join(alarms), Tone.BAD


def countdown(seconds: int, tr: Texts) -> str:
    text = tr.ngettext(
        "Your session ends in %(count)d second.",
        "Your session ends in %(count)d seconds.",
        seconds,
    )
    return text % {"count": seconds}
