"""The running kiosk: every service of `kiosk run` / `kiosk demo`, assembled from the settings.

Owns the order in which the parts start and stop, and what connects them; kiosk/wiring/core_parts.py
builds each part. Only kiosk.commands (run, demo) and tests import this module: it reaches
the UI's port (kiosk.ui.core_session) and every adapter. Each part exists only when its
table is present:

    always      local store (outbox + statistics), circulation service, session timer,
                the UI's port (ui/core_session.CoreSession)
    [ils]       the SIP2 client(s) of the session, and a second one for the outbox replay
                worker (SyncWorker, woken by every new outbox entry)
    [rfid]      the RFID pad (FEIG reader, pad monitor thread, security writes)
    [printer]   the receipt printer   \\  a ReceiptDesk per session when either is set
    [smtp]      the e-mail receipts   /
    [lockers]   the locker runner (its poll thread) and the UI's pickup desk; a door seen
                closing reaches the pickup screen
    [metrics]   /metrics and /health fed by this kiosk's own adapters (never a second
                connection to a serial device), MetricsStatistics around the statistics

The core's idle timer is the only one that ends a visit: ``run_session_timer`` beats it once
a second, and the UI shows its warning (ui/core_session.py).

Must never: open a device the app already owns a second time, block the event loop (the
locker calls and probes run in their own threads), or keep anything of a patron.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.core.circulation.service import CirculationService
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, PaperState
from kiosk.core.lockers.doors import DoorEvent, Transition
from kiosk.core.receipt_delivery import ReceiptDesk, ReceiptEvent, ReceiptPrintFailed
from kiosk.core.receipts import Receipt
from kiosk.i18n import Catalogs
from kiosk.settings.model import Settings
from kiosk.wiring.core_parts import (
    build_circulation,
    build_local_store,
    build_sync_worker,
    run_session_timer,
)
from kiosk.wiring.library import library_from, session_library_from
from kiosk.wiring.lockers import build_lockers
from kiosk.wiring.loop_bridge import LoopBridge
from kiosk.wiring.rfid import reader_from
from kiosk.wiring.rfid_pad import RfidPad
from kiosk.wiring.staff_desk import StaffDesk, mail_server
from kiosk.wiring.store_health import watch_store

log = logging.getLogger("knygomatas.kiosk")


class HealthFanout:
    """One HealthReporter for many listeners (telemetry, the staff screen)."""

    def __init__(self) -> None:
        self.targets: list[Any] = []

    def report(self, health: DeviceHealth) -> None:
        for target in self.targets:
            target.report(health)

    def printer_paper(self, state: PaperState) -> None:
        for target in self.targets:
            target.printer_paper(state)


class _ProbeView:
    """What a probe writes to: the telemetry registry, with device health also fanned out."""

    def __init__(self, telemetry: Any, fanout: HealthFanout) -> None:
        self._telemetry = telemetry
        self._fanout = fanout

    def __getattr__(self, name: str) -> Any:
        return getattr(self._telemetry, name)

    def report(self, health: DeviceHealth) -> None:
        self._fanout.report(health)

    def printer_paper(self, state: PaperState) -> None:
        self._fanout.printer_paper(state)


class _OnLoop:
    """A health listener that must run on the event loop (the UI), fed from any thread."""

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    def report(self, health: DeviceHealth) -> None:
        self._loop.call_soon_threadsafe(self._target.report, health)

    def printer_paper(self, state: PaperState) -> None:
        self._loop.call_soon_threadsafe(self._target.printer_paper, state)


class LockerDesk:
    """The UI's PickupDesk over the locker runner (the logic is reached only through it)."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner

    def pickup_by_code(self, code: str, now: datetime) -> Any:
        # the runner's clock, not the UI's: one clock for the locker logic
        return self.runner.call(lambda service, at: service.pickup_by_code(code, at))

    def pickup_by_card(self, card: str, pin: str, now: datetime) -> Any:
        # asks the ILS (blocking): the UI's port calls this from a worker thread
        return self.runner.call(lambda service, at: service.pickup_by_card(card, pin, at))


@dataclass
class Kiosk:
    """The parts of a running kiosk (read-only for callers; ``build_kiosk`` owns them)."""

    settings: Settings
    service: CirculationService
    port: Any  # kiosk.ui.core_session.CoreSession
    store: Any  # backend_sync.store.outbox.OutboxStore
    health: HealthFanout
    language: ScreenLanguage  # receipts and the printer test in the screen's language
    pad: RfidPad | None = None
    printer: Any = None
    mailer: Any = None
    worker: Any = None
    lockers: Any = None  # backend_sync.lockers.runner.LockerRunner
    library: Any = None  # the library-system client the sessions use, on the app's loop
    monitoring: Any = None  # kiosk.telemetry.endpoint.MonitoringEndpoint
    tasks: list[asyncio.Task] = field(default_factory=list)
    receipt_desks: Callable[[str, Receipt], ReceiptDesk] | None = None  # one per receipt


class ScreenLanguage:
    """The translator for the language on the screen now (receipts follow the patron's
    switch), the kiosk's default before the app says otherwise."""

    def __init__(self, settings: Settings, port: Any) -> None:
        self.catalogs = Catalogs()
        self.default = settings.kiosk.language
        self.port = port
        self._loaded: dict[str, Any] = {}

    def texts(self) -> Any:
        language = self.port.language or self.default
        if language not in self._loaded:
            self._loaded[language] = self.catalogs.translator(language)
        return self._loaded[language]

    def gettext(self, message: str) -> str:
        return self.texts().gettext(message)


def _receipt_desks(
    language: ScreenLanguage, printer: Any, mailer: Any, health: HealthFanout
) -> Callable[[str, Receipt], ReceiptDesk] | None:
    if printer is None and mailer is None:
        return None

    def report(event: ReceiptEvent) -> None:
        if isinstance(event, ReceiptPrintFailed):
            fault = DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.DEGRADED, event.reason)
            health.report(fault)

    def desk(session_id: str, receipt: Receipt) -> ReceiptDesk:
        return ReceiptDesk(session_id, receipt, language.texts(), printer, mailer, report)

    return desk


def _devices(settings: Settings, stack: contextlib.ExitStack) -> tuple[Any, Any, Any]:
    """The pad, the printer and the mailer the tables name (None for the others)."""
    pad = printer = mailer = None
    if settings.rfid is not None:
        reader = reader_from(settings)
        stack.callback(reader.close)
        pad = RfidPad(reader, settings.rfid)
    if settings.printer is not None:
        from kiosk.wiring.printer import printer_from

        printer = printer_from(settings.printer)  # connects per job: nothing to close
    if settings.smtp is not None:
        from kiosk.wiring.notify import mailer_from

        mailer = mailer_from(settings)
        if mailer.worker is not None:
            stack.callback(mailer.worker.stop)
    return pad, printer, mailer


def _monitoring(settings: Settings) -> Any:
    if settings.metrics is None or not settings.metrics.enabled:
        return None
    from kiosk.telemetry.endpoint import MonitoringEndpoint

    return MonitoringEndpoint.from_settings(settings)


def _probes(kiosk: Kiosk, status_client: Any, loop: asyncio.AbstractEventLoop) -> list[Any]:
    """Probes over the kiosk's own adapters; the ILS status runs on the app's loop."""
    from kiosk.telemetry.probes import (
        ils_probe,
        outbox_probe,
        printer_probe,
        reader_probe,
        smtp_probe,
    )

    probes = [outbox_probe(kiosk.store.summary, datetime.now)]
    if kiosk.printer is not None:
        probes.append(printer_probe(kiosk.printer.printer))
    if kiosk.pad is not None:
        probes.append(reader_probe(kiosk.pad.reader))  # one caller at a time with the pad
    if kiosk.settings.smtp is not None:
        probes.append(smtp_probe(mail_server(kiosk.settings)))
    if status_client is not None:
        bridge = LoopBridge(loop, timeout_s=_ils_wait_s(kiosk.settings))
        probes.append(ils_probe(lambda: bridge.run(status_client.status())))
    return probes


def _start_nightly_report(kiosk: Kiosk, clock: Clock, stack: contextlib.AsyncExitStack) -> None:
    """The accountant's day report by e-mail at [payments] report_time, when report_to is set."""
    from kiosk.wiring.payments_report import nightly_report_from

    report = nightly_report_from(kiosk.settings, clock)
    if report is not None:
        task = asyncio.create_task(report.run(), name="nightly-report")
        kiosk.tasks.append(task)
        stack.callback(task.cancel)


def _ils_wait_s(settings: Settings) -> float:
    """How long a synchronous part waits for the library system on the app's loop."""
    return max(30.0, (settings.ils.timeout_s if settings.ils else 10.0) * 4)


def _door_watch(port: Any, loop: asyncio.AbstractEventLoop) -> Callable[[list[Transition]], None]:
    def seen(transitions: list[Transition]) -> None:
        for change in transitions:
            if change.event is DoorEvent.CLOSED:
                loop.call_soon_threadsafe(port.door_closed, str(change.compartment))

    return seen


async def _start_lockers(kiosk: Kiosk, telemetry: Any, stack: contextlib.AsyncExitStack) -> None:
    loop = asyncio.get_running_loop()
    bridge = LoopBridge.of_running_loop(timeout_s=_ils_wait_s(kiosk.settings))
    runner = build_lockers(
        kiosk.settings,
        library=kiosk.library,
        bridge=bridge,
        health=kiosk.health,
        activity=telemetry,
    )
    stack.callback(runner.close)
    runner.on_poll = _door_watch(kiosk.port, loop)
    await asyncio.to_thread(runner.start)
    kiosk.lockers = runner
    kiosk.port.lockers = LockerDesk(runner)
    kiosk.port.pickup_by_card = kiosk.settings.lockers.pickup_by_card


async def _start_worker(kiosk: Kiosk, outbox: Any, stack: contextlib.AsyncExitStack) -> None:
    assert kiosk.settings.ils is not None
    library = library_from(kiosk.settings)
    stack.push_async_callback(library.close)
    worker = build_sync_worker(kiosk.settings, kiosk.store, library)
    outbox.on_added = worker.wake
    task = asyncio.create_task(worker.run(), name="outbox-replay")

    async def stop() -> None:
        worker.stop()
        await task

    stack.push_async_callback(stop)
    kiosk.worker = worker


def _ui_port(settings: Settings, attract: Any, clock: Clock, health: HealthFanout) -> Any:
    from kiosk.ui.core_session import CoreSession
    from kiosk.ui.presenters.attract import attract_view

    port = CoreSession(None, attract or attract_view(settings), now=clock.now)  # type: ignore[arg-type]
    health.targets.append(_OnLoop(port, asyncio.get_running_loop()))
    return port


@contextlib.asynccontextmanager
async def build_kiosk(
    settings: Settings,
    *,
    attract: Any = None,
    clock: Clock | None = None,
    timer_interval_s: float = 1.0,
) -> AsyncIterator[Kiosk]:
    """Start every part the settings name, yield the Kiosk, stop them in reverse order."""
    if settings.ils is None:
        raise ValueError("a running kiosk needs an [ils] table (or the demo session)")
    clock = clock or SystemClock(settings.kiosk.timezone)
    async with contextlib.AsyncExitStack() as stack:
        devices = stack.enter_context(contextlib.ExitStack())
        store, outbox, stats = build_local_store(settings)
        stack.callback(store.engine.dispose)
        health = HealthFanout()
        monitoring = _monitoring(settings)
        telemetry = monitoring.telemetry if monitoring is not None else None
        if monitoring is not None:
            from kiosk.telemetry.statistics import MetricsStatistics

            health.targets.append(telemetry)
            stats = MetricsStatistics(telemetry, stats)
        pad, printer, mailer = _devices(settings, devices)
        port = _ui_port(settings, attract, clock, health)
        stack.callback(watch_store(settings, store, health))  # /health: device "store"
        library = session_library_from(settings)
        stack.push_async_callback(library.close)
        language = ScreenLanguage(settings, port)
        receipt_desks = _receipt_desks(language, printer, mailer, health)
        service = build_circulation(
            settings, outbox=outbox, library=library, pad=pad, clock=clock, stats=stats,
            receipts=receipt_desks, on_view=port.on_view, translate=language.gettext,
        )  # fmt: skip
        port.service = service
        service.ports.receipt_footer = lambda: (  # the screen's hours; issue 18
            settings.ui.hours_for(language.texts().language),
            settings.receipts.message_for(language.texts().language),
        )
        kiosk = Kiosk(settings, service, port, store, health, language, pad, printer, mailer)
        kiosk.receipt_desks = receipt_desks
        kiosk.library = library
        port.staff = StaffDesk(kiosk, library)
        await _start_worker(kiosk, outbox, stack)
        if settings.lockers is not None:
            await _start_lockers(kiosk, telemetry, stack)
        if monitoring is not None:
            await _start_monitoring(kiosk, monitoring, stack)
        _start_nightly_report(kiosk, clock, stack)
        timer = asyncio.create_task(run_session_timer(service, timer_interval_s), name="idle")
        kiosk.tasks.append(timer)
        stack.push_async_callback(_stop_session, service, pad, timer)
        yield kiosk


async def _start_monitoring(
    kiosk: Kiosk, monitoring: Any, stack: contextlib.AsyncExitStack
) -> None:
    """The endpoint with probes over the kiosk's own adapters, plus one SIP2 client of its
    own for the status probe (a status must not queue behind a patron's checkout)."""
    assert kiosk.settings.ils is not None
    status_client = library_from(kiosk.settings)
    stack.push_async_callback(status_client.close)
    probes = _probes(kiosk, status_client, asyncio.get_running_loop())
    if kiosk.settings.rooms is not None:  # /health asks the booking system, as `kiosk monitor`
        from kiosk.telemetry.probes import booking_probe
        from kiosk.wiring.rooms import libcal_client_from

        booking = libcal_client_from(kiosk.settings, retries=0)  # a probe answers at once
        stack.callback(booking.close)
        probes.append(booking_probe(booking))
    monitoring.poller.probes.extend(_fanned(probes, monitoring.telemetry, kiosk.health))
    await asyncio.to_thread(monitoring.start)
    # stopped off the loop: a probe may be waiting for the loop (the ILS status)
    stack.push_async_callback(asyncio.to_thread, monitoring.stop)
    kiosk.monitoring = monitoring


def _fanned(probes: Iterable[Any], telemetry: Any, health: HealthFanout) -> list[Any]:
    view = _ProbeView(telemetry, health)
    return [lambda _telemetry, probe=probe: probe(view) for probe in probes]


async def _stop_session(service: CirculationService, pad: RfidPad | None, timer: Any) -> None:
    """End any visit (End Patron Session at the ILS), then stop the timer and the pad."""
    timer.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await timer
    try:
        await asyncio.wait_for(service.cancel(), 10)
    except Exception as exc:  # shutting down: the rest must still stop
        log.warning("ending the visit at shutdown failed: %s", exc)
    if pad is not None:
        await pad.stop()
