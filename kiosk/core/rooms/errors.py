"""What can go wrong in room booking, named for who is at fault.

The screens translate these; adapters raise the two that concern the booking system
(BookingSystemUnavailable, BookingRefused) so the core never sees an HTTP status.
"""

from __future__ import annotations

from kiosk.core.rooms.rules import Refusal


class RoomsError(Exception):
    """Base of every room-booking error the kiosk shows to a patron or technician."""


class BookingSystemUnavailable(RoomsError):
    """The booking system could not be reached or failed (timeouts, 5xx, connection refused)."""


class RemoteProtocolError(BookingSystemUnavailable):
    """The booking system answered with something that is not what its API promises."""


class BookingRefused(RoomsError):
    """The request breaks a rule: checked here first, or refused by the booking system."""

    def __init__(self, reasons: tuple[Refusal, ...], message: str = "") -> None:
        self.reasons = reasons
        text = message or "; ".join(r.describe() for r in reasons)
        super().__init__(text or "refused by the booking system")


class PatronUnknown(RoomsError):
    """The card is not known to the library system, or the patron has no e-mail on file."""


class NotYourBooking(RoomsError):
    """The card presented does not belong to the booking's patron."""


class UnknownSpace(RoomsError):
    """No space or booking with that id in today's picture."""
