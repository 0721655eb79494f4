"""What of a patron may be shown, logged or printed: masked card numbers, never PINs.

Pure functions; the rest of the kiosk calls these instead of formatting card numbers itself.
Blanking secrets in a protocol's wire text belongs to that protocol's package
(backend_sync/sip2/redaction.py).
"""

from __future__ import annotations


def mask_card(card: str, visible: int = 4) -> str:
    """Show only the last `visible` characters of a card number: ``"****5678"``."""
    card = card.strip()
    if not card:
        return ""
    shown = card[-visible:] if len(card) > visible else card[-1:]
    return "*" * max(4, len(card) - len(shown)) + shown
