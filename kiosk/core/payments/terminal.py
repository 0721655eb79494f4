"""The payment-terminal port: what the kiosk asks of a card terminal, in domain words.

Owns the request and result types and the `PaymentTerminal` protocol. It never names a wire
protocol's codes (no ZVT bitmaps, no nexo XML) and never does I/O; adapters in device_drivers
translate. Money is integer cents in the request's currency.

Outcomes of a money-moving operation:
  Approved        the terminal charged (or reserved, booked, reversed) as asked
  Declined        the terminal or the bank said no; nothing was charged
  Aborted         the patron or the kiosk cancelled, or the terminal reversed on its own
  OutcomeUnknown  the link broke or timed out where the terminal may have charged: the flow must
                  settle it (reverse by receipt number, or compare with end-of-day) before anything
                  else. `approved` carries what the terminal had already reported, if anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

CURRENCIES: dict[str, int] = {"EUR": 978, "USD": 840, "GBP": 826, "PLN": 985, "SEK": 752}


@dataclass(frozen=True)
class Currency:
    """An ISO 4217 currency: alphabetic code and its numeric code."""

    alpha: str
    numeric: int

    @classmethod
    def of(cls, code: str | int) -> Currency:
        """From "EUR" or 978; ValueError for a currency this kiosk does not know."""
        for alpha, numeric in CURRENCIES.items():
            if code in (alpha, numeric) or str(code).upper() == alpha:
                return cls(alpha, numeric)
        raise ValueError(f"unknown currency {code!r}; known: {', '.join(CURRENCIES)}")


EUR = Currency("EUR", 978)


@dataclass(frozen=True)
class PaymentRequest:
    amount_cents: int
    reference: str = ""  # ours (e.g. the fee-payment envelope id); logged, not sent to the bank
    currency: Currency = EUR

    def __post_init__(self) -> None:
        if not 0 < self.amount_cents <= 999_999_999_99:
            raise ValueError("amount_cents must be positive and fit 12 digits")


@dataclass(frozen=True)
class Approved:
    trace_number: int
    receipt_number: int
    amount_cents: int
    masked_card: str = ""  # e.g. "************1234": every digit but the last four hidden
    card_brand: str = ""
    auth_code: str = ""
    terminal_id: str = ""
    receipt_lines: tuple[str, ...] = ()  # the cardholder's copy, as the terminal wrote it
    merchant_lines: tuple[str, ...] = ()  # the merchant's copy, for the journal


DeclineCategory = Literal[
    "bank",  # the issuer or host said no
    "card",  # unreadable, expired, blocked: try another card
    "busy",  # terminal busy: try again in a minute
    "end_of_day_needed",  # staff must run end-of-day
    "terminal_setup",  # terminal not registered, not activated, date wrong …: staff alert
    "no_host",  # terminal cannot reach its host: card payment unavailable
    "refused_request",  # the terminal refused what we asked (wrong currency, unknown receipt …)
    "unreachable",  # the kiosk could not reach the terminal at all: nothing was started
    "already_reversed",  # a reversal or release of what the terminal had given back already
    "other",
]


@dataclass(frozen=True)
class Declined:
    reason: str  # in words, for the log and the staff screen
    category: DeclineCategory = "other"
    result_code: int | None = None  # the terminal's own code, for the journal
    host_text: str = ""  # the bank's text, which PSPs require to be shown when present


@dataclass(frozen=True)
class Aborted:
    reason: str


@dataclass(frozen=True)
class OutcomeUnknown:
    reason: str
    approved: Approved | None = None  # what the terminal reported before the link broke


Outcome = Approved | Declined | Aborted | OutcomeUnknown


@dataclass(frozen=True)
class StatusShown:
    """An intermediate status the terminal displays ("Insert card", "Enter PIN"); show it."""

    text: str


StatusListener = Callable[[StatusShown], None]
# Asked once the terminal reports an approval in "confirm" (hold-by-reversal) mode: True books
# the payment, False makes the terminal reverse it. May take a while (one ILS round trip).
Confirmation = Callable[[Approved], Awaitable[bool]]


@dataclass(frozen=True)
class TerminalStatus:
    ready: bool
    text: str  # in words: "ready", "end-of-day required", …
    software_version: str = ""


@dataclass(frozen=True)
class BrandTotal:
    brand: str
    count: int
    amount_cents: int


@dataclass(frozen=True)
class EndOfDay:
    amount_cents: int
    count: int
    by_brand: tuple[BrandTotal, ...] = ()
    receipt_lines: tuple[str, ...] = field(default=())


class PaymentTerminal(Protocol):
    """A card terminal, one operation at a time. No method raises for a terminal's "no": that
    is an outcome. Methods raise only for the kiosk's own mistakes (ValueError)."""

    async def authorise(
        self,
        request: PaymentRequest,
        on_status: StatusListener | None = None,
        confirm: Confirmation | None = None,
    ) -> Outcome:
        """Charge the card. With `confirm`, the terminal holds the approved payment open until
        `confirm` answers, and reverses it on False (the "reversal" hold mode)."""
        ...

    async def pre_authorise(
        self, request: PaymentRequest, on_status: StatusListener | None = None
    ) -> Outcome:
        """Reserve up to the amount; nothing is charged until `book` (the "preauth" hold mode)."""
        ...

    async def book(
        self, reservation: Approved, amount_cents: int, on_status: StatusListener | None = None
    ) -> Outcome:
        """Charge `amount_cents` (≤ the reserved amount) of a pre-authorisation for good."""
        ...

    async def release(
        self, reservation: Approved, on_status: StatusListener | None = None
    ) -> Outcome:
        """Give back a whole pre-authorisation (the library system refused)."""
        ...

    async def reverse(
        self, receipt_number: int, on_status: StatusListener | None = None
    ) -> Outcome:
        """Cancel a payment of today's batch by its receipt number."""
        ...

    async def abort(self) -> bool:
        """Ask the terminal to cancel the running operation; True when the request was sent.
        The running operation's own outcome says whether it worked."""
        ...

    async def status(self) -> TerminalStatus: ...

    async def end_of_day(
        self, on_status: StatusListener | None = None
    ) -> EndOfDay | Declined | OutcomeUnknown:
        """Close the day's batch at the terminal and report its totals."""
        ...

    async def close(self) -> None: ...
