"""Paying fines on the touch screen: the view the payment screen renders and the intents its
taps send. Plain frozen values, like views.py; the words are pay_text.py's, the flow
pay_flow.py's.

Stages, in the order a patron meets them:
  loading     asking the library system what the patron owes
  choose      the fees, Pay all, and (when the library system names its fees) a tick per fee
  amount      "Pay another amount": an amount typed on a keypad (only when [payments]
              partial_allowed), refused in words below the minimum or above what is owed
  confirm     the amount to be charged, Pay / Back
  terminal    "follow the instructions on the card terminal", the terminal's own status text
  recording   the library system records the payment (the terminal holds it open)
  outcome     paid (new balance), or why not; the receipt decision after a payment
and, for staff (the staff screen's "Card payments"):
  staff       today's payments (library card and bank card masked), Run end-of-day
  closing     the terminal runs its end-of-day; then "staff" again with its totals
Our screen never asks for the bank card or its PIN: the terminal does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PayFeeLine:
    fee_id: str  # the library system's identifier, "" when it names none
    description: str
    fee_type: str  # kiosk.core.vocabulary.FeeType value
    amount_cents: int
    chosen: bool = False


@dataclass(frozen=True)
class StaffPaymentLine:
    """One of today's payments on the staff screen; both cards only ever masked."""

    at: str  # HH:MM, library time
    library_card: str  # masked
    bank_card: str  # as the terminal masked it
    amount_cents: int
    state: str  # paid | reversed | not_charged | to_staff | (in progress: the saga's state)
    reference: str


@dataclass(frozen=True)
class PayView:
    stage: str = "loading"  # loading | choose | amount | confirm | terminal | recording | …
    fees: tuple[PayFeeLine, ...] = ()
    owed_cents: int = 0
    can_choose: bool = False  # the library system names every fee: the patron may tick some
    amount_cents: int = 0  # what the card is charged (the chosen fees, or everything)
    refusal: str = ""  # why this choice cannot be paid (kiosk.core.payments.fees.REFUSALS)
    minimum_cents: int = 0
    can_type_amount: bool = False  # partial payments allowed: "Pay another amount" is offered
    terminal_text: str = ""  # the terminal's latest status text, as the terminal wrote it
    progress: str = ""  # terminal | recording | confirming | reversing
    outcome: str = ""  # paid | declined | aborted | card | busy | terminal_unavailable |
    #                    library_refused | offline | to_staff | failed
    detail: str = ""  # the bank's own text, which card schemes require to be shown
    new_balance_cents: int | None = None
    reference: str = ""  # trace / receipt number, for staff to find the payment
    receipt_choices: tuple[str, ...] = ()  # print | email | none, while the decision is open
    receipt_done: str = ""  # printed | email_queued | declined | print_failed
    spoken_receipt: str = ""  # the receipt's content, for "Read the receipt aloud"
    payments: tuple[StaffPaymentLine, ...] = ()  # staff: today's payments, oldest first
    close_count: int | None = None  # staff: the end-of-day's totals, once it ran
    close_cents: int = 0
    close_failed: bool = False

    @property
    def chosen_ids(self) -> tuple[str, ...]:
        return tuple(fee.fee_id for fee in self.fees if fee.chosen)


# -- intents (the payment screen's taps) ----------------------------------------------------


@dataclass(frozen=True)
class PayOpened:
    """ "Pay" on My account."""


@dataclass(frozen=True)
class PayFeeToggled:
    fee_id: str


@dataclass(frozen=True)
class PayAllChosen:
    """Pay everything owed."""


@dataclass(frozen=True)
class PayChosenChosen:
    """Pay the ticked fees."""


@dataclass(frozen=True)
class PayAmountOpened:
    """ "Pay another amount": the amount keypad."""


@dataclass(frozen=True)
class PayAmountEntered:
    """The amount typed on the keypad (the last two digits are the cents)."""

    amount_cents: int


@dataclass(frozen=True)
class PayConfirmed:
    """The patron confirmed the amount: the terminal takes over."""


@dataclass(frozen=True)
class PayBack:
    """Back one step (confirm -> choose -> My account), or leave after the outcome."""


@dataclass(frozen=True)
class PayEndOfDay:
    """Staff: close the terminal's day (its batch) now."""


@dataclass(frozen=True)
class PayReceiptChosen:
    kind: str  # print | email | none
    email: str = ""


PAY_INTENTS = (
    PayOpened,
    PayFeeToggled,
    PayAllChosen,
    PayChosenChosen,
    PayAmountOpened,
    PayAmountEntered,
    PayConfirmed,
    PayBack,
    PayReceiptChosen,
    PayEndOfDay,
)
