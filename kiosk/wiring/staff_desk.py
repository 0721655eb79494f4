"""The staff screen's actions on a running kiosk: a device test for each part the kiosk has,
"send the outbox now", the overview (outbox counts, configuration summary), the locker
work (load a held item, open every expired compartment and print the list) and restart.

Owns nothing but references to the parts kiosk/wiring/assembly.py built. Every test reports its
result as device health (the staff screen's rows, /health); a test that cannot run on this
kiosk (no such part, an action not wired here) answers False and the screen says nothing.
Must never: open a second connection to a device the app owns, block the event loop (blocking
driver calls run in a worker thread), or show a secret from the settings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kiosk.core.clock import wall_time
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState
from kiosk.core.receipt_delivery import PrinterFault
from kiosk.core.receipts import layout, printer_test_receipt
from kiosk.settings.model import Settings

RECONCILIATION_ROWS = 20
# Who the locker log names as loader: the signed-in staff card, masked, as the core shows it
# (SessionView.staff_id); this only if there is none.
SCREEN_STAFF = "staff-screen"


class StaffDesk:
    def __init__(
        self, kiosk: Any, library: Any, on_restart: Callable[[], object] | None = None
    ) -> None:
        self.kiosk = kiosk  # kiosk.wiring.assembly.Kiosk
        self.library = library  # the session's SIP2 client (status is one 99/98 exchange)
        self.on_restart = on_restart or stop_app
        self.restart_requested = False
        self.locker_work = LockerWork(
            lambda action: self.kiosk.lockers.call(action),
            lambda: self.kiosk.service.view.staff_id or SCREEN_STAFF,
        )

    def overview(self) -> dict[str, Any]:
        summary = self.kiosk.store.summary()
        lockers = self.locker_work.overview() if self.kiosk.lockers is not None else {}
        return {
            "outbox_pending": summary.pending + summary.in_doubt,
            "outbox_failed": summary.unresolved,
            "reconciliation": self._reconciliation(),
            "config": config_summary(self.kiosk.settings),
            "can_print": self.kiosk.printer is not None,
            **lockers,
        }

    def forget(self) -> None:
        """Staff left: the load and the retrieval list go with them."""
        self.locker_work.forget()

    def door_closed(self, compartment: str) -> bool:
        return self.kiosk.lockers is not None and self.locker_work.door_closed(compartment)

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
            case "load" | "open_expired", _ if self.kiosk.lockers is not None:
                await asyncio.to_thread(self.locker_work.act, action, target)
                return True
            case "print_list", _ if self.kiosk.printer and self.locker_work.retrieved:
                await self._print_list()
                return True
            case "restart", _:
                self.restart_requested = True
                self.on_restart()
                return True
        return False

    async def _print_list(self) -> None:
        texts, printer = self.kiosk.language.texts(), self.kiosk.printer
        blocks = retrieval_slip(self.locker_work.retrieved, texts)
        try:
            await printer.print_blocks(blocks)
        except PrinterFault as fault:
            down = DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.DOWN, fault.reason)
            self.kiosk.health.report(down)

    async def _test_printer(self) -> None:
        settings, texts = self.kiosk.settings, self.kiosk.language.texts()
        receipt = printer_test_receipt(
            settings.kiosk.library_name,
            settings.kiosk.id,
            wall_time(settings.kiosk.timezone)(),
            texts,
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


class LockerWork:
    """Loading and expired retrieval from the staff screen, through ``call`` (the locker
    runner's ``call``: the logic runs under its lock). Blocking: run it in a worker thread."""

    def __init__(
        self,
        call: Callable[[Callable[[Any, datetime], Any]], Any],
        who: Callable[[], str] = lambda: SCREEN_STAFF,
    ) -> None:
        self.call = call
        self.who = who  # the staff member signed in, masked
        self.forget()

    def forget(self) -> None:
        self.item = ""
        self.stage, self.compartment, self.refusal, self.notice_sent = "", "", "", True
        self.retrieved: tuple[Any, ...] = ()
        self.tab = ""

    def overview(self) -> dict[str, Any]:
        from kiosk.ui.presenters.views import RetrievedLine

        return {
            "tab": self.tab,
            "load_stage": self.stage,
            "load_compartment": self.compartment,
            "load_refusal": self.refusal,
            "notice_sent": self.notice_sent,
            "retrieved": tuple(
                RetrievedLine(str(r.compartment), r.item_id, r.title or r.item_id)
                for r in self.retrieved
            ),
        }

    def act(self, action: str, target: str) -> None:
        if action == "load":
            self.load(target)
        else:
            self.open_expired()

    def load(self, item_id: str) -> None:
        from backend_sync.lockers.ils_port import UNREACHABLE
        from kiosk.core.lockers.service import Refused

        self.tab, self.item = "lockers", item_id
        staff = self.who()
        started = self.call(lambda s, now: s.start_load(staff, item_id, now))
        if isinstance(started, Refused):
            unreachable = started.reason == "no_hold" and started.detail == UNREACHABLE
            self.stage, self.compartment = "refused", ""
            self.refusal = "ils_unreachable" if unreachable else started.reason
            return
        self.stage, self.compartment, self.refusal = "open", str(started.compartment), ""

    def door_closed(self, compartment: str) -> bool:
        """The loading compartment's door closed (after the logic's poll): loaded or not."""
        if self.stage != "open" or compartment != self.compartment:
            return False
        item = self.item

        def outcome(service: Any, _now: datetime) -> tuple[str | None, bool]:
            comp = service.compartments[int(compartment)]
            if comp.pending is not None and comp.pending.item_id == item:
                return "open", True  # a jam moved the load on: still waiting
            held = next((load for load in comp.loads if load.item_id == item), None)
            if held is None:
                return None, True
            return "loaded", not any(n.patron_id == held.patron_id for n in service.unsent)

        stage, self.notice_sent = self.call(outcome)
        self.stage = stage or "refused"
        self.refusal = "" if stage else "not_kept"
        return True

    def open_expired(self) -> None:
        staff = self.who()

        def retrieve(service: Any, now: datetime) -> list[Any]:
            service.mark_expired(now)
            return service.open_expired(staff, now)

        self.tab = "expired"
        self.retrieved = tuple(sorted(self.call(retrieve), key=lambda r: r.compartment))


def retrieval_slip(lines: tuple[Any, ...], texts: Any) -> tuple[Any, ...]:
    """The retrieval list on paper: compartment, item id and title, one line each."""
    from kiosk.core.receipts import Cut, Line, Rule

    blocks: list[Any] = [Line(texts.gettext("Expired pickups taken out"), bold=True), Rule()]
    blocks += [Line(f"{r.compartment:>3}  {r.item_id}  {r.title or ''}") for r in lines]
    return (*blocks, Rule(), Cut())


def stop_app() -> None:
    """Stop the touch app cleanly; the systemd unit (Restart=always) starts it again."""
    from kivy.app import App

    app = App.get_running_app()
    if app is not None:
        app.stop()


def mail_server(settings: Settings) -> Any:
    """An SMTP sender for health checks only (connect, log in, NOOP); receipts go through
    the mailer's own outbox."""
    from kiosk.wiring.notify import smtp_sender_from

    assert settings.smtp is not None
    return smtp_sender_from(settings.smtp)


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
