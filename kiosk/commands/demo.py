"""`kiosk demo`: the whole kiosk on one machine, in one command.

Starts every simulator the configuration names (library system, RFID pad, lock boards, receipt
printer, room booking system) on the ports the configuration expects, the technician web
console, the monitoring endpoint ([metrics]), and the touch app wired to them. With
`--autopilot DIR` the app is driven through a scripted visit under a virtual display and a
screenshot of each step is saved into DIR; the exit code says whether every step reached the
screen it expected. Without a display (a server, an SSH session) everything but the touch app
runs, and the console is where to look.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
from pathlib import Path

from kiosk.commands.common import (
    EXIT_USAGE,
    CommandError,
    catch_stop_signals,
    settings_from,
    wait_for_stop,
)
from kiosk.commands.demo_config import write_config
from kiosk.settings import Settings
from simulators.control import ControlClient
from simulators.fleet import Fleet, FleetError, FleetOptions
from simulators.fleet_cli import DEFAULT_CONSOLE_PORT, start_console
from simulators.jack import make_fifo


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="start every simulator, the technician console and the touch app, wired together",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--autopilot",
        metavar="DIR",
        help="drive a scripted visit (borrow, return, renew, locker pickup, language switch, "
        "staff screen), save a screenshot of each step into DIR, then exit",
    )
    parser.add_argument("--no-ui", action="store_true", help="everything but the touch app")
    parser.add_argument(
        "--console-port",
        type=int,
        default=DEFAULT_CONSOLE_PORT,
        help=f"technician web console on 127.0.0.1 (default {DEFAULT_CONSOLE_PORT}; 0: any)",
    )
    parser.add_argument(
        "--any-ports",
        action="store_true",
        help="pick free ports for every simulator and [metrics] instead of the configured ones,"
        ' and write the configuration used (its path is printed as "config") for other'
        " kiosk commands' --config",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    configured = settings_from(args)
    out_dir = Path(configured.kiosk.data_dir) / "sim-printer"
    try:
        fleet = Fleet(configured, FleetOptions(any_ports=args.any_ports, out_dir=out_dir)).start()
    except FleetError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    stack = contextlib.ExitStack()
    stack.callback(fleet.stop)
    with stack:
        settings = fleet.kiosk_settings()
        config_used = None
        if args.any_ports:  # /metrics moves too; the config goes where other commands find it
            settings, config_used = _any_ports_config(settings)
        console = start_console(fleet, 0 if args.any_ports else args.console_port)
        stack.callback(console.stop)
        where: dict[str, object] = {"simulators": fleet.describe(), "console": console.url}
        jack = _jack_fifo(settings)
        if jack:
            where["headphone_jack"] = f"kiosk sim jack plug --device {jack}"
        app_runs = bool(args.autopilot) or (not args.no_ui and bool(os.environ.get("DISPLAY")))
        if app_runs and settings.ils is not None:
            # the app serves /metrics itself, from its own adapters
            # (kiosk.wiring.assembly.build_kiosk)
            settings, monitor_url = _app_monitoring(settings)
        else:
            monitor_url = _start_monitoring(settings, stack)
        if config_used:
            where["config"] = str(config_used)
        if monitor_url:
            where["health"] = f"{monitor_url}/health"
            where["metrics"] = f"{monitor_url}/metrics"
        if not args.autopilot:  # the autopilot stops on Ctrl-C as any program does
            catch_stop_signals()
        print(json.dumps(where, ensure_ascii=False), flush=True)
        if args.autopilot:
            from kiosk.demo.autopilot import run_autopilot  # Kivy only when asked for
            from kiosk.wiring.assembly import build_kiosk

            controls = {name: ControlClient(url) for name, url in fleet.controls().items()}
            return run_autopilot(
                settings, Path(args.autopilot), controls=controls, build_kiosk=build_kiosk
            )
        if not args.no_ui and os.environ.get("DISPLAY"):
            from kiosk.commands.run import run_app

            return run_app(settings)
        if not args.no_ui:
            print(
                "kiosk demo: no display (DISPLAY is not set), so the touch app is not shown; "
                f"the simulators run and the console is at {console.url}. "
                "`kiosk demo --autopilot DIR` drives the app on a virtual display. "
                "Ctrl-C stops everything.",
                flush=True,
            )
        wait_for_stop()
    return 0


def _any_ports_config(settings: Settings) -> tuple[Settings, Path]:
    """With --any-ports: [metrics] on a free port too, and the settings the demo runs with
    written to DATA_DIR/demo-any-ports.toml, so `kiosk ils|lockers|rooms … --config THAT`
    reach the running simulators."""
    data_dir = str(Path(settings.kiosk.data_dir).absolute())
    kiosk = settings.kiosk.model_copy(update={"data_dir": data_dir})
    settings = settings.model_copy(update={"kiosk": kiosk})
    if settings.metrics is not None and settings.metrics.enabled:
        host = settings.metrics.address[0]
        listen = f"[{host}]:0" if ":" in host else f"{host}:0"
        metrics = settings.metrics.model_copy(update={"listen": listen})
        settings, _ = _app_monitoring(settings.model_copy(update={"metrics": metrics}))
    return settings, write_config(settings, Path(data_dir) / "demo-any-ports.toml")


def _jack_fifo(settings: Settings) -> str:
    """The headphone-jack simulator: the FIFO [ui] headphone_jack names, made if missing, so
    `kiosk sim jack plug` switches the demo's speech on (docs/speech.md)."""
    path = settings.ui.headphone_jack
    if not path.startswith("/"):
        return ""
    try:
        make_fifo(path)
    except FileExistsError:
        pass  # a real event node: the app reads it either way
    except OSError:
        return ""  # the app logs the jack as unavailable; the demo goes on
    return path


def _start_monitoring(settings: Settings, stack: contextlib.ExitStack) -> str | None:
    """The kiosk's /metrics and /health over the simulated devices, when [metrics] is on."""
    if settings.metrics is None or not settings.metrics.enabled:
        return None
    from kiosk.telemetry.endpoint import MonitoringEndpoint
    from kiosk.wiring.monitor import StandaloneProbes

    probes = StandaloneProbes(settings)
    stack.callback(probes.close)
    endpoint = MonitoringEndpoint.from_settings(settings, probes.probes)
    try:
        endpoint.start()
    except OSError as exc:
        raise CommandError(
            f"cannot listen on {settings.metrics.listen}: {exc}", EXIT_USAGE
        ) from None
    stack.callback(endpoint.stop)
    return endpoint.url


def _app_monitoring(settings: Settings) -> tuple[Settings, str | None]:
    """Where the app's /metrics will listen: "port 0" becomes a free port now, so the URL
    can be printed before the app starts."""
    if settings.metrics is None or not settings.metrics.enabled:
        return settings, None
    host, port = settings.metrics.address
    if port == 0:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        metrics = settings.metrics.model_copy(update={"listen": listen})
        settings = settings.model_copy(update={"metrics": metrics})
    return settings, f"http://{f'[{host}]' if ':' in host else host}:{port}"
