"""The composition root's room booking: ``build_rooms`` gives the touch app's room screens
(kiosk/ui/rooms_session.py) what they are bound to, as ``RoomsParts``: the LibCal client and
cache (as `kiosk rooms` builds them), the patrons from the ILS (``IlsPatrons``), and a refresh
that reports whether the booking system answered.

Must never build anything when [rooms] is not configured, or run the ILS lookup on the
caller's event loop (the room desk is synchronous: the lookup gets its own loop in a worker
thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.settings.model import Settings
from kiosk.wiring.library import library_from


class IlsPatrons:
    """The rooms' PatronDirectory over the ILS: one SIP2 patron lookup per card, on its own
    loop in a worker thread (the room desk is synchronous; the SIP2 client is async)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def patron_by_card(self, card: str) -> Any:
        from concurrent.futures import ThreadPoolExecutor

        from kiosk.core.errors import LibrarySystemError
        from kiosk.core.rooms.errors import BookingSystemUnavailable
        from kiosk.core.rooms.patrons import patron_from_ils

        async def lookup() -> Any:
            client = library_from(self.settings)
            try:
                return await client.patron(card)
            finally:
                await client.close()

        with ThreadPoolExecutor(1, thread_name_prefix="rooms-ils") as pool:
            try:
                record = pool.submit(asyncio.run, lookup()).result()
            except LibrarySystemError as exc:
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
    patrons = IlsPatrons(settings) if settings.ils is not None else KnownPatrons()
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
