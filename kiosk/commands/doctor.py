"""`kiosk doctor`: check every device and service the configuration names, after wiring a
kiosk, and say in plain words what is wrong and what to do.

    kiosk doctor                   check everything configured (reads only)
    kiosk doctor --open-doors      also release each compartment's lock and see its door open
    kiosk doctor --print           also print the printer's code-page test page
    kiosk doctor --json            one JSON object instead of the table

Checks: the data directory; the library system (SIP2 login and SC status); the RFID reader
(one inventory, each test tag's data model and security state AFI/EAS); the receipt printer
(status; a test page with --print); each lock board and each compartment's door sensor
(each lock with --open-doors); the booking system (LibCal token); the mail server (SMTP
login); the payment terminal (status). Without --open-doors and --print nothing moves and
nothing is printed. Do not run it while the kiosk app runs: the app owns the serial devices.

Exit codes: 0 everything is fine, 1 something is wrong (listed), 2 configuration error.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict

from kiosk.commands import doctor_checks as devices
from kiosk.commands import doctor_services as services
from kiosk.commands.common import EXIT_OK, EXIT_REFUSED, settings_from
from kiosk.commands.doctor_checks import DOOR_WAIT_S, Check, Finding, Options
from kiosk.settings import Settings

CHECKS: tuple[Check, ...] = (
    devices.data_dir,
    services.library_system,
    devices.reader,
    devices.printer,
    devices.lockers,
    services.booking,
    services.smtp,
    services.payment_terminal,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check every configured device and service; say what is wrong and what to do",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", metavar="FILE", default=argparse.SUPPRESS,
        help="configuration file (as `kiosk --config`; default $KIOSK_CONFIG)",
    )  # fmt: skip
    parser.add_argument(
        "--open-doors", action="store_true",
        help="release every compartment's lock, one by one, and check its door opens",
    )  # fmt: skip
    parser.add_argument(
        "--print", dest="print_test", action="store_true",
        help="print the code-page test page (Lithuanian letters, quotes, €, QR)",
    )  # fmt: skip
    parser.add_argument(
        "--door-wait-s", type=float, default=DOOR_WAIT_S, metavar="SECONDS",
        help=f"how long a released door has to read open (default {DOOR_WAIT_S:g})",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def diagnose(
    settings: Settings, options: Options, show: Callable[[Finding], None] = lambda _: None
) -> list[Finding]:
    """Every check in order; ``show`` sees each finding as it comes (a slow board, a reader
    timing out: the technician sees progress)."""
    findings: list[Finding] = []
    for check in CHECKS:
        for finding in check(settings, options):
            findings.append(finding)
            show(finding)
    return findings


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    options = Options(args.open_doors, args.print_test, args.door_wait_s)
    show = (lambda _: None) if args.json else (lambda f: print(_line(f), flush=True))
    findings = diagnose(settings, options, show)
    problems = [f for f in findings if not f.ok]
    if args.json:
        body = {"ok": not problems, "findings": [asdict(f) for f in findings]}
        print(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        print(_summary(problems, findings, options))
    return EXIT_REFUSED if problems else EXIT_OK


def _line(finding: Finding) -> str:
    mark = "ok     " if finding.ok else "PROBLEM"
    text = f"{mark} {finding.part}: {finding.said}"
    return f"{text}\n        -> {finding.todo}" if finding.todo else text


def _summary(problems: list[Finding], findings: list[Finding], options: Options) -> str:
    opened = [f for f in findings if f.ok and "door opened" in f.said]
    tail = f"\n{len(opened)} door(s) were opened: close them." if opened else ""
    if not findings:
        return "nothing to check: the configuration names no device or service" + tail
    if not problems:
        return f"all {len(findings)} checks fine." + tail
    return f"{len(problems)} problem(s) of {len(findings)} checks; see PROBLEM lines." + tail
