"""SIP2 text as it may be logged: the PIN and the passwords blanked. Pure.

Lives with the codec because only SIP2 knows which fields are secret; the kiosk's log filter
(kiosk/logs.py) and the ILS simulator's wire log call it.
"""

from __future__ import annotations

import re

# In SIP2 2.00 the PIN (AD), login password (CO) and terminal password (AC) never come first
# after the fixed part, so they always follow a field separator.
_SIP2_SECRETS = re.compile(r"\|(AD|CO|AC)[^|\r\n]+")


# Card numbers: the patron identifier (AA), which follows the institution id (AO) in every
# message that carries it, and the hold patron id (CY) in item information; all but their last
# four characters are masked (as kiosk.core.privacy does).
_SIP2_CARD = re.compile(r"\|(AA|CY)([^|\r\n]+)")


def _mask(match: re.Match[str]) -> str:
    card = match.group(2)
    shown = card[-4:] if len(card) > 4 else card[-1:]
    return f"|{match.group(1)}{'*' * max(4, len(card) - len(shown))}{shown}"


def redact_sip2(text: str) -> str:
    """Blank the PIN (AD), login password (CO) and terminal password (AC) in SIP2 text, and
    mask card numbers (AA, CY) to their last four characters."""
    return _SIP2_CARD.sub(_mask, _SIP2_SECRETS.sub(lambda m: f"|{m.group(1)}***", text))
