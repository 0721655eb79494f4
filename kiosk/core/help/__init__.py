"""Call a librarian: the patron taps, staff are told through the configured channels, a staff
card at the kiosk acknowledges (see desk.py)."""

from kiosk.core.help.desk import (
    CallResult,
    HelpCall,
    HelpChannel,
    HelpChannelError,
    HelpDesk,
    HelpRecorder,
    HelpRequest,
    HelpState,
)

__all__ = [
    "CallResult",
    "HelpCall",
    "HelpChannel",
    "HelpChannelError",
    "HelpDesk",
    "HelpRecorder",
    "HelpRequest",
    "HelpState",
]
