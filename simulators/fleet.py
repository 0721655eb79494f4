"""The fleet: every simulator a configuration file names, started together on loopback.

For each table of the kiosk's config that points at a simulated system ([ils], [rfid],
[lockers], [printer], [rooms], [smtp]; the feed when [ui] new_books_feed_url is on
loopback; [registration] when its backend is koha or folio on loopback; [payment_terminal]
when its url is tcp:// on loopback) it starts that
simulator on the port the table names (so a kiosk run with the same file finds them), each
with its control API on its usual port (the one the `kiosk sim X …` commands use by
default), and stops them all cleanly. With
``any_ports`` every port is picked free instead (tests run in parallel) and
``kiosk_settings()`` gives the config rewritten to point at them.

Owns no device behaviour: each simulator is built exactly as its own `kiosk sim X` builds
it. Never binds anything but 127.0.0.1; a table pointing elsewhere is a FleetError.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from kiosk.core.clock import wall_time
from kiosk.settings import Settings
from simulators.control import LOOPBACK, ControlServer
from simulators.feeds.model import demo_model
from simulators.feeds.server import FeedSimulator
from simulators.ils.simulator import IlsSimulator
from simulators.lockers.bank import LockerBankSimulator
from simulators.mail.sink import MailSink
from simulators.models.rfid_pad import PadTimings
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.printer.server import PrinterSimulator, SimulatorOptions
from simulators.registration.server import RegistrationSimulator
from simulators.rfid.app import RfidSimulator
from simulators.rooms.server import LibCalSimulator

ORDER = ("ils", "rfid", "lockers", "printer", "rooms", "smtp", "feed", "registration", "payment")
# the control ports `kiosk sim X ACTION` reaches by default (printer: its sim.json instead)
CONTROL_PORTS = {
    "ils": 6002, "rfid": 10081, "lockers": 8502, "printer": 9101, "rooms": 8094, "smtp": 8026,
    "feed": 8098, "registration": 8096, "payment": 10084,
}  # fmt: skip
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


class FleetError(Exception):
    """A simulator cannot start: the config points off loopback, or a port is taken."""


@dataclass
class Running:
    name: str
    address: str  # what the kiosk connects to: "127.0.0.1:6001", "socket://…", "tcp://…"
    control: str  # the control API URL
    stop: Callable[[], None]
    handle: Any  # the simulator object (tests and the console read it)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FleetOptions:
    any_ports: bool = False  # pick every port free (tests) instead of the configured ones
    out_dir: Path = Path("var/sim-printer")  # the printer's receipts
    time_scale: float = 1.0  # RFID realism delays (0 in tests)


def _port(name: str, url: str, default: int) -> int:
    parts = urlsplit(url if "://" in url else f"tcp://{url}")
    if parts.hostname not in LOOPBACK_NAMES:
        raise FleetError(f"[{name}] points at {parts.hostname!r}: the simulators serve loopback")
    return parts.port or default


class Fleet:
    def __init__(self, settings: Settings, options: FleetOptions = FleetOptions()) -> None:
        self.settings = settings
        self.options = options
        self.running: dict[str, Running] = {}

    def _wire(self, port: int) -> int:
        return 0 if self.options.any_ports else port

    def _control(self, name: str) -> int:
        return 0 if self.options.any_ports else CONTROL_PORTS[name]

    # -- one starter per simulator ------------------------------------------------------
    def _ils(self) -> Running:
        section = self.settings.ils
        assert section is not None
        _port("ils", f"{section.host}:{section.port}", section.port)
        sim = IlsSimulator(
            port=self._wire(section.port),
            encoding=section.encoding,
            terminator=b"\r\n" if section.terminator == "CRLF" else b"\r",
            clock=wall_time(self.settings.kiosk.timezone),
        ).start()
        control = sim.start_control(self._control("ils"))
        return Running("ils", f"{sim.host}:{sim.port}", control, sim.stop, sim)

    def _rfid(self) -> Running:
        section = self.settings.rfid
        assert section is not None
        tcp = section.url.startswith("socket://")
        port = _port("rfid", section.url, 10001) if tcp else 0
        sim = RfidSimulator(
            port=self._wire(port), control_port=self._control("rfid"), pty=not tcp,
            timings=PadTimings(), time_scale=self.options.time_scale,
        ).start()  # fmt: skip
        status = sim.status()
        address = status["tcp_url"] if tcp else status["pty_path"]
        return Running("rfid", address, status["control_url"], sim.stop, sim)

    def _lockers(self) -> Running:
        section = self.settings.lockers
        assert section is not None
        tcp = [b for b in section.boards if b.family == "modbus" and b.transport == "tcp"]
        port = _port("lockers", f"{tcp[0].host}:{tcp[0].port}", 502) if tcp else 0
        sim = LockerBankSimulator(
            modbus_port=self._wire(port), control_port=self._control("lockers")
        ).start()
        endpoints = sim.endpoints()
        return Running(
            "lockers", endpoints["modbus_tcp"], sim.control.url, sim.stop, sim, endpoints
        )

    def _printer(self) -> Running:
        section = self.settings.printer
        assert section is not None
        tcp = section.url.startswith("tcp://")
        port = _port("printer", section.url, 9100) if tcp else 0
        options = SimulatorOptions(
            out_dir=self.options.out_dir, port=self._wire(port),
            control_port=self._control("printer"), pty=not tcp,
        )  # fmt: skip
        sim = PrinterSimulator(options).start()
        described = sim.describe()
        address = described["tcp"] if tcp else described["serial"]

        return Running("printer", address, described["control"], sim.stop, sim, described)

    def _rooms(self) -> Running:
        section = self.settings.rooms
        assert section is not None
        port = _port("rooms", section.base_url, 80)
        tz = ZoneInfo(self.settings.kiosk.timezone)
        clock = SimClock(tz)
        model = RoomsModel(library_dataset(datetime.now(tz).date(), tz), clock)
        sim = LibCalSimulator(
            model, client_id=section.client_id,
            client_secret=section.client_secret.get_secret_value(), port=self._wire(port),
        ).start()  # fmt: skip
        control = ControlServer(sim.actions(), self._control("rooms")).start()

        def stop() -> None:
            control.stop()
            sim.stop()

        return Running("rooms", sim.url, control.url, stop, sim)

    def _smtp(self) -> Running:
        section = self.settings.smtp
        assert section is not None
        _port("smtp", f"{section.host}:{section.port}", section.port)
        out = self.options.out_dir.parent / "sim-mail"
        sink = MailSink(out, self._wire(section.port), self._control("smtp")).start()
        return Running("smtp", f"{LOOPBACK}:{sink.port}", sink.control.url, sink.stop, sink,
                       {"folder": str(out.resolve())})  # fmt: skip

    def _feed(self) -> Running:
        url = self.settings.ui.new_books_feed_url
        sim = FeedSimulator(demo_model(), self._wire(_port("feed", url, 80))).start()
        control = ControlServer(sim.actions(), self._control("feed")).start()

        def stop() -> None:
            control.stop()
            sim.stop()

        return Running("feed", sim.url, control.url, stop, sim)

    def _registration(self) -> Running:
        section = self.settings.registration
        assert section is not None
        port = _port("registration", section.base_url, 80)
        sim = RegistrationSimulator(
            section.backend, client_id=section.client_id,
            client_secret=section.client_secret.get_secret_value(),
            tenant=section.tenant or "diku", port=self._wire(port),
        ).start()  # fmt: skip
        control = ControlServer(sim.actions(), self._control("registration")).start()

        def stop() -> None:
            control.stop()
            sim.stop()

        return Running("registration", sim.url, control.url, stop, sim)

    def _payment(self) -> Running:
        from simulators.models.payment_terminal import PaymentTerminalModel
        from simulators.payment.app import PaymentSimulator

        section = self.settings.payment_terminal
        assert section is not None
        port = _port("payment_terminal", section.url, 20007)
        model = PaymentTerminalModel(password=section.password)
        sim = PaymentSimulator(model, port=self._wire(port), control_port=None).start()
        control = ControlServer(sim.actions(), self._control("payment")).start()

        def stop() -> None:
            control.stop()
            sim.stop()

        return Running("payment", sim.tcp_url, control.url, stop, sim)

    def _configured(self, name: str) -> bool:
        if name == "feed":  # no table of its own: [ui] names it; a real OPAC's feed stays real
            ui = self.settings.ui
            host = urlsplit(ui.new_books_feed_url).hostname
            return ui.new_books_source == "feed" and host in LOOPBACK_NAMES
        if name == "registration":  # koha / folio on loopback; the desk backend mails [smtp]
            section = self.settings.registration
            host = urlsplit(section.base_url).hostname if section else None
            return section is not None and section.backend != "desk" and host in LOOPBACK_NAMES
        if name == "payment":  # a ZVT terminal on loopback TCP; a serial or LAN one stays real
            terminal = self.settings.payment_terminal
            return terminal is not None and urlsplit(terminal.url).hostname in LOOPBACK_NAMES
        return getattr(self.settings, name) is not None

    # -- life cycle ---------------------------------------------------------------------
    def start(self) -> Fleet:
        starters = {"ils": self._ils, "rfid": self._rfid, "lockers": self._lockers,
                    "printer": self._printer, "rooms": self._rooms, "smtp": self._smtp,
                    "feed": self._feed, "registration": self._registration,
                    "payment": self._payment}  # fmt: skip
        for name in ORDER:
            if not self._configured(name):
                continue
            try:
                self.running[name] = starters[name]()
            except OSError as exc:
                self.stop()
                raise FleetError(f"cannot start the {name} simulator: {exc}") from None
            except FleetError:
                self.stop()
                raise
        return self

    def stop(self) -> None:
        for name in reversed(list(self.running)):
            with contextlib.suppress(Exception):  # stop the rest even if one stop fails
                self.running[name].stop()
        self.running.clear()

    def __enter__(self) -> Fleet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def describe(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"address": r.address, "control": r.control, **r.extra}
            for name, r in self.running.items()
        }

    def controls(self) -> dict[str, str]:
        return {name: r.control for name, r in self.running.items()}

    def catalogue(self) -> list[dict[str, str]]:
        """The ILS simulator's items (barcode, title, author) for the RFID pad's picker."""
        ils = self.running.get("ils")
        if ils is None:
            return []
        items = ils.handle.library.items()
        return [{"barcode": i.barcode, "title": i.title, "author": i.author} for i in items]

    def kiosk_settings(self) -> Settings:
        """The settings with every simulated system's address replaced by where it runs."""
        data = self.settings.model_dump(exclude_none=True)  # python mode keeps secrets
        for name, running in self.running.items():
            _point(data, name, running)
        return Settings.model_validate(data)


def _point(data: dict[str, Any], name: str, running: Running) -> None:
    section = data["ui"] if name == "feed" else data.get(name)
    match name:
        case "ils":
            section["host"], port = running.address.rsplit(":", 1)
            section["port"] = int(port)
        case "rfid" | "printer":
            section["url"] = running.address
        case "payment":
            data["payment_terminal"]["url"] = running.address
        case "lockers":
            port = int(running.address.rsplit(":", 1)[1])
            for board in section["boards"]:
                if board["family"] == "modbus" and board["transport"] == "tcp":
                    board["host"], board["port"] = LOOPBACK, port
        case "rooms" | "registration":
            section["base_url"] = running.address
        case "smtp":
            section["host"], port = running.address.rsplit(":", 1)
            section["port"] = int(port)
        case "feed":  # the configured path and query, on the simulator's address
            where = urlsplit(running.address).netloc
            section["new_books_feed_url"] = (
                urlsplit(section["new_books_feed_url"])._replace(netloc=where).geturl()
            )
