"""What of a patron may be shown, logged or printed: masked card numbers, never PINs.

Pure functions; the rest of the kiosk calls these instead of formatting card numbers itself.
"""

from __future__ import annotations

import re

# In SIP2 2.00 the PIN (AD), login password (CO) and terminal password (AC) never come first
# after the fixed part, so they always follow a field separator.
_SIP2_SECRETS = re.compile(r"\|(AD|CO|AC)[^|\r\n]+")


def mask_card(card: str, visible: int = 4) -> str:
    """Show only the last `visible` characters of a card number: ``"****5678"``."""
    card = card.strip()
    if not card:
        return ""
    shown = card[-visible:] if len(card) > visible else card[-1:]
    return "*" * max(4, len(card) - len(shown)) + shown


def redact_sip2(text: str) -> str:
    """Blank the PIN (AD), login password (CO) and terminal password (AC) in SIP2 text."""
    return _SIP2_SECRETS.sub(lambda m: f"|{m.group(1)}***", text)
