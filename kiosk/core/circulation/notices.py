"""Everything the circulation core tells a patron, as message keys with their English msgid
and, for refusals, where to go. The UI translates the msgid with gettext (``lt`` catalogue
first); the core only ever hands out keys, so screens, receipts and speech say the same thing.

Wording follows the peers' lessons (Koha 31488, 36615): friendly, specific, "on hold", and
always a next step. Never includes a card number or a PIN.
"""

from __future__ import annotations

from dataclasses import dataclass

DESK = "Please ask at the lending desk."
STAFF = "Please show it to a librarian."

# key -> (message, where to go)
MESSAGES: dict[str, tuple[str, str]] = {
    "patron.unknown_card": ("We do not recognise this card.", DESK),
    "patron.wrong_pin": ("The PIN is not right. Please try again.", ""),
    "patron.locked_out": (
        "Too many wrong PINs for this card. Please try again later.",
        DESK,
    ),
    "patron.blocked": ("Your account is blocked for borrowing.", DESK),
    "patron.expired": ("Your library card has expired.", "Please renew it at the lending desk."),
    "patron.card_lost": ("This card was reported lost.", DESK),
    "patron.too_many_items": ("You have reached the number of items you may borrow.", ""),
    "patron.too_many_overdue": ("Please return your overdue items first.", ""),
    "patron.excessive_fines": (
        "Your late fees are over the limit for borrowing.",
        "Please pay them at the cash register.",
    ),
    "patron.card_not_valid": ("This is not a library card number.", ""),
    "staff.no_local_pin": (
        "Staff sign-in is not possible: the library system cannot be reached "
        "and this kiosk has no technician PIN.",
        "A technician PIN can be set in the kiosk's configuration.",
    ),
    "item.on_hold_for_other": ("This item is on hold for another reader.", STAFF),
    "item.not_for_loan": ("This item can only be used in the library.", STAFF),
    "item.already_yours": ("You have already borrowed this item.", ""),
    "item.on_loan_to_other": ("This item is on loan to someone else.", STAFF),
    "item.refused": ("This item cannot be borrowed here.", STAFF),
    "item.unknown": ("We do not recognise this item.", STAFF),
    "item.incomplete_set": ("Please place every part of the set on the pad.", ""),
    "item.security_failed": (
        "The item is yours, but its security could not be switched.",
        STAFF,
    ),
    "item.outcome_unknown": ("We could not confirm this item with the library.", STAFF),
    "item.not_on_loan": ("This item was not on loan.", "You may leave it here."),
    "item.not_your_loan": ("This item is not on loan to you.", "Please use the return box."),
    "item.return_refused": ("This item could not be returned here.", STAFF),
    "item.hold_shelf": ("Someone is waiting for this item.", "Please leave it on the hold shelf."),
    "item.staff_bin": ("This item needs a librarian.", "Please leave it in the staff bin."),
    "item.renew_refused": ("This item could not be renewed.", DESK),
    "item.unreadable_tag": ("One tag on the pad could not be read.", STAFF),
    "item.damaged_tag": ("This tag is damaged.", "Please give the item to staff."),
    "offline.out_of_service": ("Sorry, this kiosk cannot reach the library system now.", DESK),
    "offline.no_checkouts": ("Borrowing is not possible while the library system is offline.", ""),
    "offline.checkout_cap": ("No more items can be borrowed while offline.", ""),
    "offline.no_renewals": ("Renewing is not possible while the library system is offline.", ""),
    "offline.recorded": ("Recorded offline; the library system will be updated later.", ""),
    "offline.kept": (
        "The library system could not be reached. What you did is recorded on this kiosk, "
        "and the library will be updated when the system is back.",
        "",
    ),
    "offline.not_handled": ("Not possible while the library system is offline: %(titles)s", DESK),
    "kiosk.cannot_record": ("This kiosk cannot record transactions now.", DESK),
    "session.timeout_warning": ("Are you still there? Touch the screen to continue.", ""),
    "session.pad_unavailable": ("The RFID pad is not working.", DESK),
}


@dataclass(frozen=True)
class Notice:
    """What the screen shows: a key of MESSAGES plus the ILS's own words, if any."""

    key: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.key not in MESSAGES:
            raise ValueError(f"unknown message key {self.key!r}")

    @property
    def text(self) -> str:
        return MESSAGES[self.key][0]

    @property
    def where(self) -> str:
        return MESSAGES[self.key][1]
