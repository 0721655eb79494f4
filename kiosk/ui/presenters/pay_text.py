"""The payment screen's words: a PayView + a Translator -> the translated strings to show and
to speak. Pure and window-free (tested without Kivy). Every outcome the payment desk can
report, and every terminal fault behind it, has a sentence a patron can act on; every
outcome that did not end in "paid" says whether the card was charged.

The terminal's own status texts ("Karte einstecken", "PIN eingeben") are shown and spoken as
the terminal wrote them: card schemes require its words, not ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.ui.presenters.pay_views import PayFeeLine, PayView, StaffPaymentLine
from kiosk.ui.presenters.text import N_, Texts, Tone

FEE_TYPES = {
    "overdue": N_("Late fee"),
    "damage": N_("Damaged item"),
    "replacement": N_("Lost item"),
    "processing": N_("Processing fee"),
    "administrative": N_("Administrative fee"),
    "rental": N_("Rental"),
    "computer_access": N_("Computer use"),
    "hold_fee": N_("Reservation fee"),
    "other_unknown": N_("Fee"),
}

# What the patron is told, per outcome: the headline and what to do next.
OUTCOMES: dict[str, tuple[str, str]] = {
    "paid": (N_("Paid. Thank you!"), ""),
    "declined": (
        N_("The payment was declined."),
        N_("Your card was not charged. You can try another card."),
    ),
    "aborted": (
        N_("The payment was cancelled."),
        N_("Your card was not charged."),
    ),
    "card": (
        N_("The card could not be read."),
        N_(
            "Your card was not charged. Keep the card in until the terminal says to remove it, "
            "or try another card."
        ),
    ),
    "busy": (
        N_("The card terminal is busy."),
        N_("Your card was not charged. Please try again in a minute."),
    ),
    "terminal_unavailable": (
        N_("Card payment is not available right now."),
        N_("Your card was not charged. Please pay at the desk."),
    ),
    "library_refused": (
        N_("The library system did not accept the payment."),
        N_("Your card was not charged: the payment was cancelled. Please see a librarian."),
    ),
    "offline": (
        N_("Card payment is not available while the library system is offline."),
        N_("Please pay at the desk or try again later."),
    ),
    "to_staff": (
        N_("A librarian will settle this payment."),
        N_(
            "The terminal did not confirm it in time. Note the payment reference: a librarian "
            "will make sure you are charged only once."
        ),
    ),
    "failed": (
        N_("Something went wrong with the payment."),
        N_("Please see a librarian: they can check whether your card was charged."),
    ),
}
AGAIN = frozenset({"declined", "aborted", "card", "busy"})  # "Try again" is worth offering

# Why a choice of fees cannot be paid (kiosk.core.payments.fees.REFUSALS).
CHOICE_REFUSALS = {
    "below_minimum": N_("The smallest card payment is %(amount)s."),
    "more_than_owed": N_("That is more than you owe."),
    "partial_not_allowed": N_("Fees can only be paid whole."),
    "unknown_fee": N_("This fee is no longer owed. Please start again."),
    "fees_not_named": N_("Single fees cannot be paid here: please pay all."),
    "nothing_owed": N_("You owe nothing."),
    "nothing_chosen": N_("Choose at least one fee."),
    "not_positive": N_("Type an amount larger than zero."),
}

PROGRESS = {
    "terminal": N_("Follow the instructions on the card terminal."),
    "recording": N_("The library system is recording your payment…"),
    "confirming": N_("Finishing the payment…"),
    "reversing": N_("Giving the payment back to your card…"),
}

RECEIPT_DONE = {
    "printed": N_("Take your receipt from the printer."),
    "email_queued": N_("Your receipt is on its way to your e-mail."),
    "print_failed": N_("The printer is not working right now."),
}


@dataclass(frozen=True)
class PayTexts:
    title: str
    lines: tuple[str, ...]  # the body, top to bottom
    tone: Tone = Tone.NEUTRAL


def fee_text(fee: PayFeeLine, tr: Texts) -> str:
    """ "Late fee: Metai · 1,20 €" (the description when the library system gives one)."""
    return f"{fee_title(fee.fee_type, fee.description, tr)} · {tr.money(fee.amount_cents)}"


def fee_title(fee_type: str, description: str, tr: Texts) -> str:
    """What a fee is for: the library system's description, after the fee's kind when the
    library system names one ("Late fee: Metai"; "Delspinigiai: Šarūnas" as it came)."""
    if description and fee_type in ("", "other_unknown"):
        return description
    kind = tr.gettext(FEE_TYPES.get(fee_type, FEE_TYPES["other_unknown"]))
    return f"{kind}: {description}" if description else kind


def refusal_text(view: PayView, tr: Texts) -> str:
    if not view.refusal:
        return ""
    message = CHOICE_REFUSALS.get(view.refusal, N_("Choose at least one fee."))
    return tr.gettext(message) % {"amount": tr.money(view.minimum_cents)}


def amount_text(cents: int, tr: Texts) -> str:
    return tr.gettext("Amount to pay: %(amount)s") % {"amount": tr.money(cents)}


def balance_text(cents: int | None, tr: Texts) -> str:
    if cents is None:
        return ""
    if cents <= 0:
        return tr.gettext("You owe nothing now.")
    return tr.gettext("You still owe %(amount)s.") % {"amount": tr.money(cents)}


def pay_texts(view: PayView, tr: Texts) -> PayTexts:
    """The title and body lines of the payment screen at its stage."""
    match view.stage:
        case "loading":
            return PayTexts(tr.gettext("Pay fines"), (tr.gettext("Checking…"),), Tone.WAIT)
        case "choose":
            owed = tr.gettext("You owe %(amount)s.") % {"amount": tr.money(view.owed_cents)}
            hint = (
                tr.gettext("Tap the fees you want to pay, or pay all.") if view.can_choose else ""
            )
            lines = (owed, hint, refusal_text(view, tr))
            return PayTexts(tr.gettext("Pay fines"), _kept(lines), Tone.NEUTRAL)
        case "amount":
            return amount_entry_texts(view, tr)
        case "confirm":
            lines = (
                amount_text(view.amount_cents, tr),
                tr.gettext("You will pay with a bank card on the card terminal."),
            )
            return PayTexts(tr.gettext("Confirm the payment"), lines, Tone.NEUTRAL)
        case "terminal" | "recording":
            return _working(view, tr)
        case "staff" | "closing":
            return staff_texts(view, tr)
        case _:
            return _outcome(view, tr)


def amount_entry_texts(view: PayView, tr: Texts) -> PayTexts:
    """ "Pay another amount": what is owed, the range the kiosk takes, how to type it, and
    why the last amount typed was refused."""
    owed = tr.gettext("You owe %(amount)s.") % {"amount": tr.money(view.owed_cents)}
    bounds = {"minimum": tr.money(max(1, view.minimum_cents)), "owed": tr.money(view.owed_cents)}
    lines = (
        owed,
        tr.gettext("You can pay from %(minimum)s to %(owed)s.") % bounds,
        tr.gettext("Type the amount: the last two digits are the cents."),
        refusal_text(view, tr),
    )
    return PayTexts(tr.gettext("Pay another amount"), _kept(lines), Tone.NEUTRAL)


STAFF_STATES = {
    "paid": N_("Paid"),
    "reversed": N_("Given back"),
    "not_charged": N_("Not charged"),
    "to_staff": N_("To settle"),
}


def staff_texts(view: PayView, tr: Texts) -> PayTexts:
    paid = [p for p in view.payments if p.state == "paid"]
    count = tr.ngettext("%(count)d card payment today", "%(count)d card payments today",
                        len(paid))  # fmt: skip
    total = tr.gettext("Total: %(amount)s") % {
        "amount": tr.money(sum(p.amount_cents for p in paid))
    }
    lines = [f"{count % {'count': len(paid)}} · {total}"]
    if view.stage == "closing":
        lines.append(tr.gettext("The terminal is closing its day…"))
    elif view.close_failed:
        lines.append(tr.gettext("The terminal did not close its day. Try again or see the log."))
    elif view.close_count is not None:
        done = tr.ngettext(
            "End-of-day done: %(count)d payment, %(amount)s",
            "End-of-day done: %(count)d payments, %(amount)s",
            view.close_count,
        )
        lines.append(done % {"count": view.close_count, "amount": tr.money(view.close_cents)})
    tone = Tone.BAD if view.close_failed else Tone.NEUTRAL
    return PayTexts(tr.gettext("Card payments"), tuple(lines), tone)


def staff_row(line: StaffPaymentLine, tr: Texts) -> tuple[str, str, str]:
    """Title, detail and status word of one payment on the staff list."""
    title = f"{line.at} · {tr.money(line.amount_cents)} · {line.library_card}"
    detail = " · ".join(part for part in (line.bank_card, line.reference) if part)
    state = STAFF_STATES.get(line.state, N_("In progress"))
    return title, detail, tr.gettext(state)


def _working(view: PayView, tr: Texts) -> PayTexts:
    progress = tr.gettext(PROGRESS.get(view.progress or view.stage, PROGRESS["terminal"]))
    lines = [amount_text(view.amount_cents, tr), progress]
    if view.stage == "terminal" and view.terminal_text:
        lines.append(view.terminal_text)
    title = tr.gettext("Pay on the card terminal")
    return PayTexts(title, tuple(lines), Tone.WAIT)


def _outcome(view: PayView, tr: Texts) -> PayTexts:
    headline, advice = OUTCOMES.get(view.outcome, OUTCOMES["failed"])
    lines: list[str] = []
    if view.outcome == "paid":
        lines.append(tr.gettext("Paid: %(amount)s") % {"amount": tr.money(view.amount_cents)})
        lines.append(balance_text(view.new_balance_cents, tr))
    elif advice:
        lines.append(tr.gettext(advice))
    if view.detail and view.outcome != "paid":
        lines.append(view.detail)  # the bank's own words
    if view.reference and view.outcome in ("to_staff", "failed", "paid"):
        lines.append(tr.gettext("Payment reference: %(ref)s") % {"ref": view.reference})
    if view.receipt_done in RECEIPT_DONE:
        lines.append(tr.gettext(RECEIPT_DONE[view.receipt_done]))
    tone = Tone.GOOD if view.outcome == "paid" else Tone.BAD
    if view.outcome == "to_staff":
        tone = Tone.WAIT
    return PayTexts(tr.gettext(headline), _kept(lines), tone)


def _kept(lines: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(line for line in lines if line)


def spoken(view: PayView, tr: Texts) -> str:
    """What self-voicing says on this stage: the title, the amount, the instruction to follow
    the terminal, its status, progress, the outcome (never a card number or PIN)."""
    texts = pay_texts(view, tr)
    return "\n".join((texts.title, *texts.lines))
