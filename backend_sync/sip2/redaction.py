"""SIP2 text as it may be logged: the PIN and the passwords blanked. Pure.

Lives with the codec because only SIP2 knows which fields are secret; the kiosk's log filter
(kiosk/logs.py) and the ILS simulator's wire log call it.
"""

from __future__ import annotations

import re

# In SIP2 2.00 the PIN (AD), login password (CO) and terminal password (AC) never come first
# after the fixed part, so they always follow a field separator.
_SIP2_SECRETS = re.compile(r"\|(AD|CO|AC)[^|\r\n]+")


def redact_sip2(text: str) -> str:
    """Blank the PIN (AD), login password (CO) and terminal password (AC) in SIP2 text."""
    return _SIP2_SECRETS.sub(lambda m: f"|{m.group(1)}***", text)
