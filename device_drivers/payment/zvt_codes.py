"""What ZVT's numbers mean (PA00P015 §10 result codes, §11 terminal status, §3.7 intermediate
status, §12 card types), in our own words, and which kind of "no" each result code is.

Result codes arrive as BMP 27 in a status information, as the first byte of an abort (06 1E),
as the xx of a negative answer 84 xx, and as the terminal status of a status enquiry.
01-63 (hex) come from the card issuer or host and pass through unchanged.
"""

from __future__ import annotations

from typing import Literal

Category = Literal[
    "approved",
    "bank",
    "card",
    "cancelled",
    "busy",
    "end_of_day_needed",
    "terminal_setup",
    "refused_request",
    "no_host",
    "reversal",
    "other",
]

RESULT_CODES: dict[int, tuple[str, Category]] = {
    0x00: ("approved", "approved"),
    0x05: ("declined by the card issuer", "bank"),
    0x37: ("wrong PIN", "bank"),
    0x51: ("terminal initialisation required", "terminal_setup"),
    0x62: ("terminal date or time wrong", "terminal_setup"),
    0x64: ("card not readable", "card"),
    0x65: ("card data missing", "card"),
    0x66: ("processing error (card reader)", "card"),
    0x67: ("function not possible with this card", "card"),
    0x6A: ("turnover file full, end-of-day needed", "end_of_day_needed"),
    0x6B: ("terminal not registered by the kiosk", "terminal_setup"),
    0x6C: ("cancelled or timed out at the terminal", "cancelled"),
    0x6E: ("card blocked", "card"),
    0x6F: ("wrong currency", "refused_request"),
    0x71: ("not enough credit on the chip", "card"),
    0x72: ("chip error", "card"),
    0x73: ("card data wrong", "card"),
    0x77: ("end-of-day batch not possible", "end_of_day_needed"),
    0x78: ("card expired", "card"),
    0x79: ("card not yet valid", "card"),
    0x7A: ("card unknown", "card"),
    0x7B: ("fallback to magnetic stripe not possible", "card"),
    0x7C: ("fallback not possible", "card"),
    0x7D: ("no connection to the host", "no_host"),
    0x7E: ("fallback not possible", "card"),
    0x83: ("function not possible", "refused_request"),
    0x9A: ("ZVT protocol error", "refused_request"),
    0x9B: ("error from the dial-up or host link", "no_host"),
    0x9C: ("please wait: terminal busy", "busy"),
    0xA0: ("receiver not ready", "busy"),
    0xA1: ("remote station does not respond", "no_host"),
    0xA3: ("no connection", "no_host"),
    0xB1: ("memory full, end-of-day needed", "end_of_day_needed"),
    0xB2: ("journal full, end-of-day needed", "end_of_day_needed"),
    0xB4: ("already reversed", "reversal"),
    0xB5: ("reversal not possible", "reversal"),
    0xB7: ("pre-authorisation amount wrong", "reversal"),
    0xB8: ("pre-authorisation error", "reversal"),
    0xC2: ("terminal diagnosis required", "terminal_setup"),
    0xC3: ("maximum amount exceeded", "refused_request"),
    0xC4: ("card profile invalid", "terminal_setup"),
    0xC5: ("payment method not supported", "refused_request"),
    0xC8: ("amount too small", "refused_request"),
    0xCC: ("printer not ready", "other"),
    0xDC: ("card inserted", "busy"),
    0xDF: ("terminal out of order", "terminal_setup"),
    0xE1: ("card not fully removed", "busy"),
    0xE4: ("terminal activation required", "terminal_setup"),
    0xF0: ("end-of-day required", "end_of_day_needed"),
    0xFF: ("system error", "other"),
}

INTERMEDIATE_STATUS: dict[int, str] = {
    0x00: "Waiting for the amount to be confirmed",
    0x01: "Please look at the PIN pad",
    0x02: "Please look at the PIN pad",
    0x03: "Not accepted",
    0x04: "Waiting for the bank",
    0x05: "Reversing automatically",
    0x06: "Sending post-bookings",
    0x07: "Card not accepted",
    0x08: "Card unknown",
    0x09: "Card expired",
    0x0A: "Insert card",
    0x0B: "Please remove card",
    0x0C: "Card not readable",
    0x0D: "Processing error",
    0x0E: "Please wait",
    0x0F: "Automatic end-of-day starting",
    0x10: "Invalid card",
    0x11: "Balance shown",
    0x12: "System fault",
    0x13: "Payment not possible",
    0x14: "Not enough credit",
    0x15: "Wrong PIN",
    0x16: "Limit not sufficient",
    0x17: "Please wait",
    0x18: "Too many wrong PINs",
    0x19: "Card data wrong",
    0x1A: "Service mode",
    0x1B: "Approved",
    0x1C: "Approved, please take the goods",
    0x1D: "Declined",
}

TERMINAL_STATUS: dict[int, str] = {
    0x00: "ready",
    0x51: "initialisation required",
    0x62: "date or time wrong",
    0x9C: "busy (update running)",
    0xB1: "memory full",
    0xB2: "journal full",
    0xC2: "diagnosis required",
    0xCC: "printer not ready",
    0xDC: "card inserted",
    0xDF: "out of order",
    0xE1: "card not fully removed",
    0xE4: "activation required",
    0xF0: "end-of-day required",
}

CARD_TYPES: dict[int, str] = {
    5: "girocard",
    6: "Mastercard",
    8: "American Express",
    10: "Visa",
    12: "Diners",
    13: "V PAY",
    14: "JCB",
    46: "Maestro",
}

# which bucket of BMP 60's end-of-day single totals a card type falls into
TOTALS_SCHEME_OF_CARD: dict[int, str] = {
    5: "girocard",
    14: "JCB",
    6: "Eurocard",
    46: "Eurocard",
    8: "Amex",
    10: "VISA",
    13: "VISA",
    12: "Diners",
}


def result_text(code: int) -> str:
    if code in RESULT_CODES:
        return RESULT_CODES[code][0]
    if 0x01 <= code <= 0x63:
        return f"declined by the card issuer or host (code {code:02X})"
    return f"result code {code:02X}"


def result_category(code: int) -> Category:
    if code in RESULT_CODES:
        return RESULT_CODES[code][1]
    return "bank" if 0x01 <= code <= 0x63 else "other"


def status_text(code: int) -> str:
    return INTERMEDIATE_STATUS.get(code, f"Terminal status {code:02X}")


def terminal_status_text(code: int) -> str:
    return TERMINAL_STATUS.get(code, f"status {code:02X}")


def card_type_name(card_type: int) -> str:
    return CARD_TYPES.get(card_type, f"card type {card_type}")
