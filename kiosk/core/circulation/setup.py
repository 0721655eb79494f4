"""What the circulation service is built from: its rules (from the [circulation] settings)
and its ports (the ILS, the outbox, the clock, the pad, the receipt desk, and the callbacks the
UI and staff alerts listen on). Plain values; kiosk/wiring/core_parts.py fills them in.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.core.attempts import Lockout
from kiosk.core.circulation.pad import Pad
from kiosk.core.circulation.session import IdleTimer, SessionView
from kiosk.core.circulation.titles import TitleCache
from kiosk.core.circulation.visit import StaffAlert
from kiosk.core.clock import Clock
from kiosk.core.outbox import Outbox
from kiosk.core.ports import LibrarySystem
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.core.receipts import Receipt
from kiosk.core.stats import Statistics


@dataclass(frozen=True)
class CirculationRules:
    pin_required: bool = True
    pin_max_tries: int = 3
    lockout_s: float = 900.0
    idle: IdleTimer = field(default_factory=IdleTimer)
    return_without_login: bool = True
    returns_own_loans_only: bool = True
    barcode_items: bool = True
    card_pattern: str = r"^[0-9]{10}$"
    item_pattern: str = r"^[0-9]{13}$"
    staff_card_pattern: str = ""
    staff_pin_hash: str = field(default="", repr=False)  # the technician PIN (staff_auth.py)
    expired_markers: tuple[str, ...] = ()
    ils_connections: int = 1  # checkouts in flight side by side (a LibraryPool of this size)


@dataclass
class Ports:
    library: LibrarySystem
    outbox: Outbox
    clock: Clock
    pad: Pad | None = None
    receipts: Callable[[str, Receipt], ReceiptDesk] | None = None
    on_view: Callable[[SessionView], None] | None = None
    on_alert: Callable[[StaffAlert], None] | None = None
    stats: Statistics | None = None
    translate: Callable[[str], str] = field(default=lambda text: text)
    new_session_id: Callable[[], str] = field(default=lambda: secrets.token_hex(8))
    pin_lockout: Lockout | None = None  # shared with the commands (kiosk/core/attempts.py)
    titles: TitleCache = field(default_factory=TitleCache)  # titles seen, for offline lines
    # the receipt's footer in the screen's language now: (opening hours, message); the
    # composition root reads them from [ui] opening_hours and [receipts] message
    receipt_footer: Callable[[], tuple[tuple[str, ...], str]] | None = None
