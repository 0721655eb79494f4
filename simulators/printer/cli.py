"""`kiosk sim printer`: run the receipt printer simulator, show what it printed, set faults.

kiosk sim printer [--port 9100] [--out DIR] [--width-mm 80] [--profile default]
kiosk sim printer --last [--out DIR]                 the newest receipt as text
kiosk sim printer fault NAME [--control URL]         paper-near-end, paper-out, cover-open,
                                                     offline, error, stall, clear
kiosk sim printer status [--control URL]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kiosk.commands.common import (
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    wait_for_stop,
)
from simulators.control import ControlClient, ControlError
from simulators.printer.server import STATE_FILE, PrinterSimulator, SimulatorOptions

DEFAULT_OUT = "var/sim-printer"
FAULTS: dict[str, tuple[str, dict[str, object]]] = {
    "paper-near-end": ("paper", {"level": "near_end"}),
    "paper-out": ("paper", {"level": "out"}),
    "cover-open": ("cover", {"open": True}),
    "offline": ("offline", {"offline": True}),
    "error": ("error", {"error": True}),
    "stall": ("stall", {"after_bytes": 0}),
    "clear": ("clear", {}),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "printer",
        help="ESC/POS receipt printer simulator (TCP 9100 and a serial pty)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=9100, help="TCP port (0: any free port)")
    parser.add_argument("--control-port", type=int, default=0, help="control API port (0: any)")
    parser.add_argument(
        "--out", default=DEFAULT_OUT, help=f"receipt folder (default {DEFAULT_OUT})"
    )
    parser.add_argument("--profile", default="default", help="python-escpos printer profile")
    parser.add_argument("--width-mm", type=int, choices=(58, 80), default=80, help="paper width")
    parser.add_argument("--no-pty", action="store_true", help="do not offer a serial pty")
    parser.add_argument("--line-delay-s", type=float, default=0.0, help="print time per line")
    parser.add_argument("--last", action="store_true", help="print the newest receipt as text")
    parser.set_defaults(func=run)
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    fault = sub.add_parser("fault", help="set or clear a fault on a running simulator")
    fault.add_argument("name", choices=sorted(FAULTS), help="the fault")
    fault.add_argument("--after-bytes", type=int, default=0, help="stall: bytes taken first")
    _control_option(fault)
    fault.set_defaults(func=run_fault)
    status = sub.add_parser("status", help="the running simulator's state as JSON")
    _control_option(status)
    status.set_defaults(func=run_status)


def _control_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--control", metavar="URL", help=f"control API (default: from OUT/{STATE_FILE})"
    )


def run(args: argparse.Namespace) -> int:
    if args.last:
        return _print_last(Path(args.out))
    options = SimulatorOptions(
        out_dir=Path(args.out),
        port=args.port,
        control_port=args.control_port,
        pty=not args.no_pty,
        profile=args.profile,
        width_mm=args.width_mm,
        line_delay_s=args.line_delay_s,
    )
    try:
        simulator = PrinterSimulator(options).start()
    except OSError as exc:
        raise CommandError(f"cannot listen on port {args.port}: {exc}", EXIT_UNREACHABLE) from None
    announce(json.dumps(simulator.describe(), indent=2))
    try:
        wait_for_stop()
    finally:
        simulator.stop()
    return EXIT_OK


def _print_last(out: Path) -> int:
    receipts = sorted(out.glob("receipt-*.txt"))
    if not receipts:
        raise CommandError(f"no receipts in {out}", EXIT_USAGE)
    print(receipts[-1].read_text(encoding="utf-8"), end="")
    print(f"# {receipts[-1].with_suffix('.png')}")
    return EXIT_OK


def _client(args: argparse.Namespace) -> ControlClient:
    url = args.control
    if not url:
        state = Path(args.out) / STATE_FILE
        try:
            url = json.loads(state.read_text())["control"]
        except (OSError, ValueError, KeyError):
            raise CommandError(f"no --control URL and no {state}", EXIT_USAGE) from None
    return ControlClient(url)


def run_fault(args: argparse.Namespace) -> int:
    action, params = FAULTS[args.name]
    if args.name == "stall":
        params = {"after_bytes": args.after_bytes}
    return _call(args, action, params)


def run_status(args: argparse.Namespace) -> int:
    return _call(args, "status", {})


def _call(args: argparse.Namespace, action: str, params: dict[str, object]) -> int:
    try:
        result = _client(args).call(action, **params)
    except ControlError as exc:
        raise CommandError(str(exc), EXIT_UNREACHABLE) from None
    print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK
