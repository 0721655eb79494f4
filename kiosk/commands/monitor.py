"""`kiosk monitor`: probe the devices the config names and serve /metrics and /health, without
the kiosk app (kiosk/wiring/monitor.py).

    kiosk monitor [--config FILE] [--listen HOST:PORT]    serve /metrics and /health
    kiosk monitor --once                                  probe once, print /health, exit

--once exits 0 when the kiosk is ok, 1 when degraded, 3 when down, so scripts and cron
can use it. Never run it beside the kiosk app on the same serial devices.
"""

from __future__ import annotations

import argparse
import json

from kiosk.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    settings_from,
    wait_for_stop,
)
from kiosk.settings.metrics import MetricsSection
from kiosk.telemetry.endpoint import MonitoringEndpoint
from kiosk.wiring.monitor import StandaloneProbes

MONITOR_STARTS_FILE = "monitor-starts"  # not the app's count: a monitor start is no app restart
EXIT_FOR_STATUS = {"ok": EXIT_OK, "degraded": EXIT_REFUSED, "down": EXIT_UNREACHABLE}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "monitor",
        help="probe the configured devices and serve /metrics and /health without the app",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", metavar="FILE", default=argparse.SUPPRESS,
        help="configuration file (as `kiosk --config`; default $KIOSK_CONFIG)",
    )  # fmt: skip
    parser.add_argument(
        "--listen", metavar="HOST:PORT", help="override [metrics] listen (e.g. 127.0.0.1:9464)"
    )
    parser.add_argument(
        "--once", action="store_true", help="probe once, print the /health JSON and exit"
    )
    parser.add_argument(
        "--interval-s", type=float, help="override [metrics] probe_interval_s (seconds)"
    )
    parser.set_defaults(func=run)


def _section(base: MetricsSection | None, args: argparse.Namespace) -> MetricsSection:
    changes = {}
    if args.listen is not None:
        changes["listen"] = args.listen
    if args.interval_s is not None:
        changes["probe_interval_s"] = args.interval_s
    try:
        return MetricsSection.model_validate((base or MetricsSection()).model_dump() | changes)
    except ValueError as exc:
        first = str(exc).splitlines()[-1].strip()
        raise CommandError(f"--listen/--interval-s: {first}", EXIT_USAGE) from None


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    section = _section(settings.metrics, args)
    if not args.once and not section.enabled:
        raise CommandError("set [metrics] listen in the config or pass --listen", EXIT_USAGE)
    probes = StandaloneProbes(settings)
    try:
        endpoint = MonitoringEndpoint.from_settings(
            settings.model_copy(update={"metrics": section}),
            probes.probes,
            starts_file=MONITOR_STARTS_FILE,
        )
        if args.once:
            endpoint.poller.run_once()
            document = endpoint.telemetry.health_document()
            print(json.dumps(document, ensure_ascii=False, indent=2))
            return EXIT_FOR_STATUS[str(document["status"])]
        return _serve(endpoint)
    finally:
        probes.close()


def _serve(endpoint: MonitoringEndpoint) -> int:
    try:
        endpoint.start()
    except OSError as exc:
        raise CommandError(
            f"cannot listen on {endpoint.section.listen}: {exc}", EXIT_USAGE
        ) from None
    announce(json.dumps({"metrics": f"{endpoint.url}/metrics", "health": f"{endpoint.url}/health"}))
    try:
        wait_for_stop()
    finally:
        endpoint.stop()
    return EXIT_OK
