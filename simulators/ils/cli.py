"""`kiosk sim ils`: run the SIP2 ILS simulator, or switch faults and read state in a running one.

    kiosk sim ils [--port 6001] [--dialect koha] [--data FILE] ...     run (Ctrl-C stops)
    kiosk sim ils fault [--control URL] latency --ms 500                 a fault, at run time
    kiosk sim ils status | counters | patron CARD | item BARCODE | reset | supported --off 15

Thin: parses, builds an IlsSimulator or calls the control API, prints JSON. Errors are one
line (CommandError), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import ssl
from typing import Any

from kiosk.commands.common import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    setup_logging_without_config,
    wait_for_stop,
)
from simulators.control import ControlClient, ControlError
from simulators.ils.dataset import DEMO_LIBRARY, DatasetError
from simulators.ils.dialects import DIALECTS
from simulators.ils.simulator import IlsSimulator

DEFAULT_PORT = 6001
DEFAULT_CONTROL_PORT = 6002
DEFAULT_CONTROL = f"http://127.0.0.1:{DEFAULT_CONTROL_PORT}"
ENCODINGS = ("cp850", "utf-8", "latin-1", "ascii", "cp1257")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ils",
        help="the library system: a SIP2 2.00 server with a Lithuanian demo library",
        description="Without a subcommand: run the SIP2 ILS simulator until Ctrl-C. "
        "With one: talk to a running simulator's control API.",
    )
    _run_options(parser)
    parser.set_defaults(func=run)
    sub = parser.add_subparsers(dest="ils_command", metavar="ACTION")
    _register_control_commands(sub)


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="SIP2 TCP port (0: any)")
    parser.add_argument(
        "--data", metavar="FILE", default=str(DEMO_LIBRARY),
        help="library data file (JSON, see docs/simulators.md); default: the demo library",
    )  # fmt: skip
    parser.add_argument(
        "--dialect", choices=sorted(DIALECTS), default="generic",
        help="behave like this ILS's SIP2 server (terminator, encoding, resends, login)",
    )  # fmt: skip
    parser.add_argument("--encoding", choices=ENCODINGS, help="override the dialect's encoding")
    parser.add_argument(
        "--terminator", choices=("CR", "CRLF"), help="override the dialect's terminator"
    )
    parser.add_argument("--tls-cert", metavar="FILE", help="serve TLS with this PEM certificate")
    parser.add_argument("--tls-key", metavar="FILE", help="the certificate's PEM private key")
    parser.add_argument(
        "--control-port", type=int, default=DEFAULT_CONTROL_PORT,
        help=f"control API port on 127.0.0.1 (default {DEFAULT_CONTROL_PORT}; 0: any)",
    )  # fmt: skip
    parser.add_argument(
        "--latency-ms", type=int, default=0, help="delay every response (realism; default 0)"
    )
    parser.add_argument(
        "--disable", metavar="CMD", nargs="+", default=[],
        help="SIP2 requests to switch off (N in 98 BX, left unanswered), e.g. 15 37",
    )  # fmt: skip
    parser.add_argument(
        "--timeout-period", type=int, default=100,
        help="98 timeout period in tenths of a second (default 100 = 10 s)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    if args.ils_command is not None:
        return args.control_func(args)
    if bool(args.tls_cert) != bool(args.tls_key):
        raise CommandError("--tls-cert and --tls-key go together", EXIT_USAGE)
    setup_logging_without_config(args)
    terminator = {"CR": b"\r", "CRLF": b"\r\n"}.get(args.terminator or "")
    sim = _start(args, terminator)
    try:
        announce(
            json.dumps(_banner(sim, sim.control.url if sim.control else ""), ensure_ascii=False)
        )
        wait_for_stop()
    finally:
        sim.stop()
    return 0


def _start(args: argparse.Namespace, terminator: bytes | None) -> IlsSimulator:
    try:
        sim = IlsSimulator(
            args.data, dialect=args.dialect, host=args.host, port=args.port,
            tls_cert=args.tls_cert, tls_key=args.tls_key, encoding=args.encoding,
            terminator=terminator, latency_ms=args.latency_ms,
            timeout_period=args.timeout_period,
        )  # fmt: skip
        sim.set_supported(off=args.disable)
    except (DatasetError, ssl.SSLError, OSError) as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    try:
        sim.start()
    except OSError as exc:
        raise CommandError(
            f"cannot serve SIP2 on {args.host}:{args.port}: {exc}", EXIT_USAGE
        ) from None
    try:
        sim.start_control(args.control_port)
    except OSError as exc:
        sim.stop()
        raise CommandError(
            f"cannot serve the control API on port {args.control_port}: {exc}", EXIT_USAGE
        ) from None
    return sim


def _banner(sim: IlsSimulator, control_url: str) -> dict[str, Any]:
    return {
        "simulator": "ils",
        "sip2": f"{sim.host}:{sim.port}",
        "tls": sim.server.tls is not None,
        "dialect": sim.options.dialect.name,
        "encoding": sim.options.wire_encoding,
        "control": control_url,
        "accounts": sorted(sim.acs.accounts),
    }


def _register_control_commands(sub: argparse._SubParsersAction) -> None:
    def add(name: str, help_text: str, func: Any) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text, description=help_text)
        parser.add_argument(
            "--control", metavar="URL", default=DEFAULT_CONTROL,
            help=f"the simulator's control API (default {DEFAULT_CONTROL})",
        )  # fmt: skip
        parser.set_defaults(control_func=func)
        return parser

    add("status", "show the running simulator's status and faults", _simple("status"))
    add("counters", "show applied transactions per item/patron and protocol events",
        _simple("counters"))  # fmt: skip
    add("reset", "reload the library data (loans, holds, fines, counters)", _simple("reset"))
    patron = add("patron", "show one patron's loans, holds, fines and flags", _lookup("patron"))
    patron.add_argument("barcode", help="library card number")
    item = add("item", "show one item's circulation state and counters", _lookup("item"))
    item.add_argument("barcode", help="item barcode")
    supported = add("supported", "switch SIP2 requests off or on (98 BX)", _supported)
    supported.add_argument("--off", nargs="+", default=[], metavar="CMD", help="e.g. 15 37")
    supported.add_argument("--on", nargs="+", default=[], metavar="CMD", help="e.g. 15")
    fault = add("fault", "switch a fault on (or clear them all)", _fault)
    _fault_kinds(fault)


def _fault_kinds(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="fault", metavar="FAULT", required=True)
    latency = kinds.add_parser("latency", help="delay every response")
    latency.add_argument("--ms", type=int, required=True, help="milliseconds (0: none)")
    drop = kinds.add_parser("drop", help="close the connection on the next request(s)")
    drop.add_argument(
        "--when", choices=("before", "after"), default="after",
        help="before applying the request, or after (applied, response lost; default)",
    )  # fmt: skip
    swallow = kinds.add_parser("swallow", help="read requests and never answer them")
    swallow.add_argument(
        "--when", choices=("before", "after"), default="before",
        help="before applying the request (default), or after (applied, answer lost)",
    )  # fmt: skip
    for name, help_text in (
        ("garble", "corrupt replies"),
        ("bad-checksum", "send replies with a wrong AZ checksum"),
    ):
        kinds.add_parser(name, help=help_text)
    resend = kinds.add_parser("resend", help="answer requests with 96 and apply nothing")
    resend.add_argument("--command", metavar="CMD", help="only this request (e.g. 17); default all")
    for name in ("drop", "swallow", "garble", "bad-checksum", "resend"):
        kinds.choices[name].add_argument(
            "--count", type=int, default=1, help="how many requests (0: until cleared)"
        )
    offline = kinds.add_parser("offline", help="go offline")
    offline.add_argument(
        "--mode", choices=("refuse", "status"), default="refuse",
        help="refuse: close and refuse connections; status: answer 98 on-line N, refuse all",
    )  # fmt: skip
    kinds.add_parser("online", help="come back on-line")
    kinds.add_parser("clear", help="back to normal: every fault off, on-line")
    for kind in kinds.choices.values():  # `fault latency --ms 5 --control URL` as well
        kind.add_argument(
            "--control", metavar="URL", default=argparse.SUPPRESS,
            help=f"the simulator's control API (default {DEFAULT_CONTROL})",
        )  # fmt: skip


def _call(args: argparse.Namespace, action: str, **params: Any) -> int:
    try:
        result = ControlClient(args.control).call(action, **params)
    except ControlError as exc:
        unreachable = "not reachable" in str(exc)
        raise CommandError(str(exc), EXIT_UNREACHABLE if unreachable else 1) from None
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _simple(action: str) -> Any:
    return lambda args: _call(args, action)


def _lookup(action: str) -> Any:
    return lambda args: _call(args, action, barcode=args.barcode)


def _supported(args: argparse.Namespace) -> int:
    return _call(args, "supported", off=args.off, on=args.on)


def _fault(args: argparse.Namespace) -> int:
    match args.fault:
        case "latency":
            return _call(args, "latency", ms=args.ms)
        case "drop" | "swallow":
            return _call(args, args.fault, when=args.when, count=args.count)
        case "garble" | "bad-checksum":
            return _call(args, args.fault.replace("-", "_"), count=args.count)
        case "resend":
            return _call(args, "resend", count=args.count, command=args.command)
        case "offline":
            return _call(args, "offline", mode=args.mode)
        case other:
            return _call(args, other)
