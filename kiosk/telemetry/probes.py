"""Probes: turn what the real drivers expose into health records and metrics, on a timer.

Each probe is a callable that asks one adapter (printer status over DLE EOT, the lock bank's
per-board health, one reader inventory round, SIP2 SC status, LibCal's locations, the outbox
summary) and reports into the Telemetry registry. (The core's LockerService reports its own
boards, occupancy and alarms when given the registry as its health and activity ports.)
Device failures the drivers raise are reported as that device's state. The Poller runs the
probes in one daemon thread every ``[metrics] probe_interval_s``; a probe that raises
anything else (a bug) is logged once until it works again and never stops the others.
Probes only read: no probe releases a lock, prints, or writes a tag.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Protocol

from backend_sync.notify.smtp_sender import MailError
from device_drivers.printers.errors import PrinterUnreachable
from device_drivers.printers.status import PrinterStatus
from device_drivers.rfid.interface import ReaderUnavailable, RfidError
from kiosk.core.errors import LibraryRefusesKiosk, LibrarySystemError
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, PaperState
from kiosk.core.lockers.ports import BoardHealth
from kiosk.core.model import LibraryStatus
from kiosk.core.receipt_delivery import PrinterFault
from kiosk.core.rooms.errors import BookingSystemUnavailable
from kiosk.telemetry.registry import Telemetry

log = logging.getLogger(__name__)
Probe = Callable[[Telemetry], None]


class StatusSource(Protocol):
    def status(self) -> PrinterStatus: ...


class BoardHealthSource(Protocol):
    def health(self) -> Mapping[str, BoardHealth]: ...


class InventorySource(Protocol):
    def inventory(self) -> list: ...


def printer_health(status: PrinterStatus) -> tuple[DeviceHealth, PaperState]:
    paper = (
        PaperState.OUT
        if status.paper_out
        else PaperState.NEAR_END
        if status.paper_near_end
        else PaperState.OK
    )
    problems = [
        text
        for flag, text in (
            (status.paper_out, "paper out"),
            (status.cover_open, "cover open"),
            (status.error, "printer error"),
        )
        if flag
    ]
    if not status.online and not problems:  # a printer out of paper also says "offline"
        problems.append("offline")
    state = DeviceState.DEGRADED if problems else DeviceState.OK
    reason = ", ".join(problems) or ("paper near end" if status.paper_near_end else "")
    return DeviceHealth("printer", DeviceKind.PRINTER, state, reason), paper


def printer_probe(printer: StatusSource) -> Probe:
    """Asks the printer's real-time status (DLE EOT 1–4) through the ESC/POS driver."""

    def probe(telemetry: Telemetry) -> None:
        try:
            health, paper = printer_health(printer.status())
        except (PrinterUnreachable, PrinterFault) as exc:
            health = DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.DOWN, str(exc))
            paper = PaperState.UNKNOWN
        telemetry.report(health)
        telemetry.printer_paper(paper)

    return probe


def board_health(health: BoardHealth) -> DeviceHealth:
    if health.ok:
        return DeviceHealth(f"board-{health.board}", DeviceKind.LOCK_BOARD, DeviceState.OK)
    reason = f"not answering: {health.last_error}" if health.last_error else "not answering"
    return DeviceHealth(f"board-{health.board}", DeviceKind.LOCK_BOARD, DeviceState.DOWN, reason)


def lock_bank_probe(bank: BoardHealthSource) -> Probe:
    """Reports each board's health as the lock bank driver keeps it (from its own polling)."""

    def probe(telemetry: Telemetry) -> None:
        for health in bank.health().values():
            telemetry.report(board_health(health))

    return probe


def reader_probe(reader: InventorySource, device: str = "reader") -> Probe:
    """One inventory round: answering is ok, a protocol error degraded, no answer down."""

    def probe(telemetry: Telemetry) -> None:
        try:
            reader.inventory()
            health = DeviceHealth(device, DeviceKind.READER, DeviceState.OK)
        except ReaderUnavailable as exc:
            health = DeviceHealth(device, DeviceKind.READER, DeviceState.DOWN, str(exc))
        except RfidError as exc:
            health = DeviceHealth(device, DeviceKind.READER, DeviceState.DEGRADED, str(exc))
        telemetry.report(health)

    return probe


def ils_health(status: LibraryStatus) -> DeviceHealth:
    if not status.online:
        return DeviceHealth("ils", DeviceKind.ILS, DeviceState.DOWN, "the ACS reports offline")
    refused = [name for name, ok in (("checkout", status.checkout_ok),
                                     ("checkin", status.checkin_ok),
                                     ("renewal", status.renewal_ok)) if not ok]  # fmt: skip
    if refused:
        reason = "the ACS refuses " + ", ".join(refused)
        return DeviceHealth("ils", DeviceKind.ILS, DeviceState.DEGRADED, reason)
    return DeviceHealth("ils", DeviceKind.ILS, DeviceState.OK)


def ils_probe(ask_status: Callable[[], LibraryStatus]) -> Probe:
    """``ask_status`` runs the SIP2 client's ``status()`` (SC/ACS status, 99/98) on the app's
    event loop and waits for it; an offline ACS and an unreachable one are both down. An ACS
    that refuses the kiosk (LibraryRefusesKiosk: 940 login, 96 forever) also puts the device
    "ils-login" down (alert KioskIlsRefusesKiosk); it is reported ok again once the ACS
    serves, and not at all before the first refusal."""
    refused_once = False

    def probe(telemetry: Telemetry) -> None:
        nonlocal refused_once
        refusal: LibraryRefusesKiosk | None = None
        try:
            health = ils_health(ask_status())
        except (LibrarySystemError, OSError, TimeoutError) as exc:
            reason = str(exc) or type(exc).__name__
            health = DeviceHealth("ils", DeviceKind.ILS, DeviceState.DOWN, reason)
            refusal = exc if isinstance(exc, LibraryRefusesKiosk) else None
        telemetry.report(health)
        if refusal is not None:
            refused_once = True
            telemetry.report(
                DeviceHealth("ils-login", DeviceKind.ILS, DeviceState.DOWN, str(refusal))
            )
        elif refused_once and health.state is not DeviceState.DOWN:
            telemetry.report(DeviceHealth("ils-login", DeviceKind.ILS, DeviceState.OK))

    return probe


class LocationsSource(Protocol):
    def locations(self) -> tuple: ...


def booking_probe(client: LocationsSource) -> Probe:
    """One cheap LibCal call (the locations): answering is ok, anything else down."""
    return _answers("booking", DeviceKind.BOOKING, client.locations, BookingSystemUnavailable)


class MailServerSource(Protocol):
    def check(self) -> None: ...


def smtp_probe(server: MailServerSource) -> Probe:
    """Connect, log in, NOOP (``SmtpSender.check``): ok, or down with the reason."""
    return _answers("smtp", DeviceKind.SMTP, server.check, MailError)


def _answers(
    device: str, kind: DeviceKind, ask: Callable[[], object], errors: type[Exception]
) -> Probe:
    """A service that answers ``ask`` is ok; one that raises ``errors`` is down, with why."""

    def probe(telemetry: Telemetry) -> None:
        try:
            ask()
            health = DeviceHealth(device, kind, DeviceState.OK)
        except errors as exc:
            health = DeviceHealth(device, kind, DeviceState.DOWN, str(exc))
        telemetry.report(health)

    return probe


class OutboxCounts(Protocol):
    pending: int
    oldest_pending: str  # ISO date-time of the oldest pending entry, "" when none


def _age_s(oldest_iso: str, now: datetime) -> float:
    oldest = datetime.fromisoformat(oldest_iso)
    if oldest.tzinfo is None and now.tzinfo is not None:
        now = now.astimezone().replace(tzinfo=None)  # the store keeps the kiosk's local time
    elif oldest.tzinfo is not None and now.tzinfo is None:
        now = now.astimezone()
    return max(0.0, (now - oldest).total_seconds())


def outbox_probe(summary: Callable[[], OutboxCounts], now: Callable[[], datetime]) -> Probe:
    """Depth and oldest-entry age of the transaction outbox (``OutboxStore.summary``)."""

    def probe(telemetry: Telemetry) -> None:
        counts = summary()
        age = (
            _age_s(counts.oldest_pending, now())
            if counts.pending and counts.oldest_pending
            else None
        )
        telemetry.outbox(counts.pending, age)

    return probe


class Poller:
    """Runs ``probes`` now and then every ``interval_s`` in a daemon thread until stop()."""

    def __init__(self, telemetry: Telemetry, probes: Iterable[Probe], interval_s: float) -> None:
        self.telemetry = telemetry
        self.probes = list(probes)
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing: set[int] = set()

    def run_once(self) -> None:
        for index, probe in enumerate(self.probes):
            try:
                probe(self.telemetry)
            except Exception:  # a broken probe must not stop the others
                if index not in self._failing:
                    log.exception("health probe %d failed", index)
                self._failing.add(index)
            else:
                self._failing.discard(index)

    def start(self) -> Poller:
        self._thread = threading.Thread(target=self._loop, name="kiosk-probes", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
