"""The patron as room booking needs them, from the ILS's patron record (SIP2 63/64).

The booking system wants a first name, a last name and an e-mail; the ILS gives one personal
name (AE, "Last, First" or "First Last") and an e-mail (BE). Pure; a card the ILS calls
invalid gives no patron, so nobody books under an unknown or blocked card.
"""

from __future__ import annotations

from kiosk.core import model as ils_model
from kiosk.core.rooms.model import Patron


def split_name(name: str) -> tuple[str, str]:
    """'Onaitė, Ona' or 'Ona Onaitė' -> ('Ona', 'Onaitė'); a single word is the last name."""
    name = " ".join(name.split())
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return first, last


def patron_from_ils(record: ils_model.Patron) -> Patron | None:
    if record.valid is False:
        return None
    first, last = split_name(record.name)
    return Patron(record.card, first, last, record.email.strip())


class KnownPatrons:
    """A PatronDirectory over patrons already looked up (a session's, or a test's)."""

    def __init__(self, *patrons: Patron) -> None:
        self._by_card = {p.card: p for p in patrons}

    def patron_by_card(self, card: str) -> Patron | None:
        return self._by_card.get(card)
