"""What can go wrong with a receipt printer, named for who is at fault.

The printer faults derive from kiosk.core's PrinterFault, so the session sees one error type
and offers e-mail or no receipt; ``reason`` is the short code for health, metrics and staff.
"""

from __future__ import annotations

from kiosk.core.receipt_delivery import PrinterFault


class PrinterConfigError(ValueError):
    """The [printer] settings name something that cannot work (bad URL, unknown profile)."""


class PrinterUnreachable(PrinterFault):
    """The printer could not be opened or the connection broke."""

    reason = "unreachable"


class PrinterOffline(PrinterFault):
    reason = "offline"


class PaperOut(PrinterFault):
    reason = "paper_out"


class CoverOpen(PrinterFault):
    reason = "cover_open"


class PrinterError(PrinterFault):
    """The printer reports an error state (cutter jam, overheating, …)."""

    reason = "printer_error"


class PrinterStalled(PrinterFault):
    """The printer stopped answering in the middle of a job."""

    reason = "stalled"
