"""Errors of the domain, named for who is at fault."""


class LibrarySystemError(Exception):
    """Base for failures talking to the library system (the ILS)."""


class LibraryUnavailable(LibrarySystemError):
    """The library system cannot be reached (network down, ACS offline, login refused)."""


class LibraryRefusesKiosk(LibraryUnavailable):
    """The library system answers but refuses this kiosk (login refused, or it asks for every
    request again, forever): the client stops asking until a back-off has passed."""


class LibraryProtocolError(LibrarySystemError):
    """The library system answered with something we cannot read."""


class OutcomeUnknown(LibrarySystemError):
    """A state-changing request was sent, its answer was lost, and querying could not tell
    whether it was applied. The caller must not repeat it blindly; staff should check."""


class NotSupported(LibrarySystemError):
    """The library system said it does not support this message."""


class OutcomeUnknownUnreachable(OutcomeUnknown, LibraryUnavailable):
    """A state-changing request was sent, its answer was lost, and the library system is now
    unreachable. Both at once: callers that go offline on LibraryUnavailable keep the
    transaction in the outbox, whose replayer asks the ILS before it sends anything again."""
