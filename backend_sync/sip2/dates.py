"""SIP2 dates: the 18-character `YYYYMMDDZZZZHHMMSS` form, and the free formats ACSs put in AH.

Pure. Emitting is strict: four blanks for local time (what the spec prefers and FOLIO parses).
Reading is tolerant: `0000` and military-letter zones, ISO dates, `DD.MM.YYYY`, `M/D/YYYY,HH:MM`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

BLANK_DATE = " " * 18
_SIP = re.compile(r"(\d{8})([ 0-9A-Z]{4})(\d{6})")
_FREE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y,%H:%M",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%Y%m%d",
)


def format_sip_date(when: datetime) -> str:
    """Local time with a blank zone; an aware UTC datetime gets the `   Z` zone."""
    if when.tzinfo is not None and when.utcoffset() == UTC.utcoffset(None):
        return when.strftime("%Y%m%d   Z%H%M%S")
    return when.strftime("%Y%m%d    %H%M%S")


def parse_sip_date(text: str | None) -> datetime | None:
    """A naive local datetime (UTC-aware for the `Z` zone), or None when blank or unreadable."""
    if not text or not text.strip():
        return None
    text = text.strip()
    match = _SIP.fullmatch(text) or _SIP.fullmatch(text.ljust(18)[:18])
    if match:
        day, zone, clock = match.groups()
        try:
            parsed = datetime.strptime(day + clock, "%Y%m%d%H%M%S")
        except ValueError:
            return None
        return parsed.replace(tzinfo=UTC) if zone.strip() == "Z" else parsed
    for fmt in _FREE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None
