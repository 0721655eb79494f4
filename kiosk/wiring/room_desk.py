"""The composition root's room booking: ``build_rooms`` gives the touch app's room screens
(kiosk/ui/rooms_session.py) what they are bound to, as ``RoomsParts``: the LibCal client and
cache (as `kiosk rooms` builds them), the patrons from the kiosk's own ILS client
(``IlsPatrons``), and a refresh that reports whether the booking system answered.

Must never build anything when [rooms] is not configured, or open a second library-system
connection or event loop: the room desk is synchronous, its lookups reach the kiosk's loop
through kiosk/wiring/loop_bridge.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.settings.model import Settings
from kiosk.wiring.loop_bridge import LoopBridge


class IlsPatrons:
    """The rooms' PatronDirectory over the kiosk's library-system client. The room desk is
    synchronous (its calls run on the room worker thread); each lookup goes to the kiosk's
    event loop through the LoopBridge and waits there (bounded)."""

    def __init__(self, library: Any, bridge: LoopBridge) -> None:
        self.library = library
        self.bridge = bridge

    def patron_by_card(self, card: str) -> Any:
        from kiosk.core.errors import LibrarySystemError
        from kiosk.core.rooms.errors import BookingSystemUnavailable
        from kiosk.core.rooms.patrons import patron_from_ils

        try:
            record = self.bridge.run(self.library.patron(card))
        except (LibrarySystemError, TimeoutError) as exc:
            raise BookingSystemUnavailable(f"library system: {exc}") from None
        return patron_from_ils(record)


@dataclass(frozen=True)
class RoomsParts:
    """What the touch app's room screens are bound to (kiosk.ui.rooms_session.RoomsBackend)."""

    bookings: Any  # kiosk.core.rooms.ports.RoomBookings
    patrons: Any  # kiosk.core.rooms.ports.PatronDirectory
    refresh: Callable[[datetime, bool], bool]
    library_name: str = ""
    kiosk_id: str = ""
    offers_print: bool = False
    offers_email: bool = False


def build_rooms(
    settings: Settings,
    send_receipt: Callable[..., bool] | None = None,
    *,
    offers_print: bool | None = None,
    offers_email: bool | None = None,
    patrons: IlsPatrons | None = None,
) -> Any:
    """The touch app's room booking (kiosk/ui/rooms_session.py) when [rooms] is configured,
    else None: the LibCal client and cache (as `kiosk rooms` builds them), the ILS for
    patrons, a refresh that reports whether the booking system answered. Wrap the session
    port with it: ``RoomsFlow(port, build_rooms(settings), now=...)``."""
    if settings.rooms is None:
        return None
    from kiosk.core.rooms.patrons import KnownPatrons
    from kiosk.wiring.rooms import rooms_from

    rooms = rooms_from(settings)
    if patrons is None:  # no library system: only the cards the booking system knows
        patrons = KnownPatrons()
    return RoomsParts(
        rooms,
        patrons,
        refresh=lambda now, force: _refresh_rooms(rooms, now, force),
        library_name=settings.kiosk.library_name,
        kiosk_id=settings.kiosk.id,
        offers_print=send_receipt is not None if offers_print is None else offers_print,
        offers_email=send_receipt is not None if offers_email is None else offers_email,
    )


def _refresh_rooms(rooms: Any, now: datetime, force: bool) -> bool:
    """Refresh the rooms cache (when due, or now); True when the booking system answered."""
    report = rooms.refresh(now) if force else rooms.refresh_if_due(now)
    return report is None or report.ok
