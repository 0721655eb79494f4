"""The staff screen's actions on a running kiosk: a device test for each part the kiosk has,
"send the outbox now", and the overview (outbox counts, configuration summary).

Owns nothing but references to the parts kiosk/assembly.py built. Every test reports its
result as device health (the staff screen's rows, /health); a test that cannot run on this
kiosk (no such part, an action not wired here) answers False and the screen says nothing.
Must never: open a second connection to a device the app owns, block the event loop (blocking
driver calls run in a worker thread), or show a secret from the settings.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState
from kiosk.core.receipt_delivery import PrinterFault
from kiosk.core.receipts import layout, printer_test_receipt
from kiosk.settings.model import Settings

RECONCILIATION_ROWS = 20


class StaffDesk:
    def __init__(self, kiosk: Any, library: Any) -> None:
        self.kiosk = kiosk  # kiosk.assembly.Kiosk
        self.library = library  # the session's SIP2 client (status is one 99/98 exchange)

    def overview(self) -> dict[str, Any]:
        summary = self.kiosk.store.summary()
        return {
            "outbox_pending": summary.pending + summary.in_doubt,
            "outbox_failed": summary.unresolved,
            "reconciliation": self._reconciliation(),
            "config": config_summary(self.kiosk.settings),
        }

    def _reconciliation(self) -> tuple[Any, ...]:
        """The rejected replays staff have not resolved (as `kiosk sync report`), newest
        first, at most a screenful; item ids only, never a card number."""
        from kiosk.ui.presenters.views import ReconciliationLine

        rejected = self.kiosk.store.rejected()[-RECONCILIATION_ROWS:]
        return tuple(
            ReconciliationLine(str(r.entry.payload.get("item_id", "")), r.entry.reason, "rejected")
            for r in reversed(rejected)
        )

    async def act(self, action: str, target: str) -> bool:
        match action, target:
            case "send_outbox", _ if self.kiosk.worker is not None:
                self.kiosk.worker.wake()
                return True
            case "test", "printer" if self.kiosk.printer is not None:
                await self._test_printer()
                return True
            case "test", "reader" if self.kiosk.pad is not None:
                from kiosk.telemetry.probes import reader_probe

                await asyncio.to_thread(reader_probe(self.kiosk.pad.reader), self.kiosk.health)
                return True
            case "test", "ils":
                await self._test_ils()
                return True
            case "test", "smtp" if self.kiosk.settings.smtp is not None:
                from kiosk.telemetry.probes import smtp_probe

                probe = smtp_probe(mail_server(self.kiosk.settings))
                await asyncio.to_thread(probe, self.kiosk.health)
                return True
            case "test", "locks" if self.kiosk.lockers is not None:
                # one poll: the bank reports each board's health on the way
                await asyncio.to_thread(self.kiosk.lockers.poll_once)
                return True
        return False

    async def _test_printer(self) -> None:
        settings, texts = self.kiosk.settings, self.kiosk.language.texts()
        receipt = printer_test_receipt(
            settings.kiosk.library_name, settings.kiosk.id, datetime.now(), texts
        )
        printer = self.kiosk.printer
        try:
            await printer.print_blocks(layout(receipt, texts, printer.columns))
            health = DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.OK)
        except PrinterFault as fault:
            health = DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.DOWN, fault.reason)
        self.kiosk.health.report(health)

    async def _test_ils(self) -> None:
        from kiosk.core.errors import LibrarySystemError
        from kiosk.telemetry.probes import ils_health

        try:
            health = ils_health(await self.library.status())
        except (LibrarySystemError, OSError, TimeoutError) as exc:
            reason = str(exc) or type(exc).__name__
            health = DeviceHealth("ils", DeviceKind.ILS, DeviceState.DOWN, reason)
        self.kiosk.health.report(health)


def mail_server(settings: Settings) -> Any:
    """An SMTP sender for health checks only (connect, log in, NOOP); receipts go through
    the mailer's own outbox."""
    from backend_sync.notify.receipt_mailer import smtp_options
    from backend_sync.notify.smtp_sender import SmtpSender

    assert settings.smtp is not None
    return SmtpSender(smtp_options(settings.smtp))


def config_summary(settings: Settings) -> tuple[tuple[str, str], ...]:
    """What a technician checks first; addresses only, never a password or token."""
    rows = [
        ("kiosk.id", settings.kiosk.id),
        ("kiosk.language", settings.kiosk.language),
        ("ui.orientation", settings.ui.orientation),
        ("circulation.offline_policy", str(settings.circulation.offline_policy)),
    ]
    if settings.ils is not None:
        rows.append(("ils", f"SIP2 {settings.ils.host}:{settings.ils.port}"))
    if settings.rfid is not None:
        rows.append(("rfid", settings.rfid.url))
    if settings.printer is not None:
        rows.append(("printer", settings.printer.url))
    if settings.smtp is not None:
        rows.append(("smtp", f"{settings.smtp.host}:{settings.smtp.port}"))
    if settings.lockers is not None:
        rows.append(("lockers", f"{len(settings.lockers.compartments)} compartments"))
    return tuple(rows)
