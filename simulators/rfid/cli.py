"""`kiosk sim rfid`: run the FEIG reader simulator, or act on a running one.

Without an action it runs: FEIG ISO-host on TCP (`socket://127.0.0.1:PORT`) and, with
--pty/--pty-link, on a pseudo-terminal; prints one JSON line with the URLs and serves until
Ctrl-C. The actions (place, remove, fault, list, unplug, plug, corrupt, drop) call a running
simulator's control API (--control URL, or $KIOSK_SIM_RFID_CONTROL, default port 10081).
"""

from __future__ import annotations

import argparse
import json
import os

from kiosk.commands.common import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    wait_for_stop,
)
from simulators.control import ControlClient, ControlError
from simulators.models.rfid_pad import PadTimings

DEFAULT_PORT = 10001  # FEIG LAN readers listen on 10001
DEFAULT_CONTROL_PORT = 10081
CONTROL_ENV = "KIOSK_SIM_RFID_CONTROL"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rfid", help="FEIG ISO-host RFID reader with a pad of library tags", description=__doc__
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (0 = any)")
    parser.add_argument(
        "--control-port",
        type=int,
        default=DEFAULT_CONTROL_PORT,
        help="control API port on 127.0.0.1",
    )
    parser.add_argument("--pty", action="store_true", help="also serve on a pseudo-terminal")
    parser.add_argument(
        "--pty-link",
        metavar="PATH",
        help="symlink to the pty (kept pointing at it across unplug/plug)",
    )
    parser.add_argument("--address", type=int, default=0, help="reader bus address (COM-ADR)")
    _timing_args(parser)
    parser.set_defaults(func=run_simulator)
    actions = parser.add_subparsers(dest="rfid_action", metavar="ACTION")
    _register_place(actions)
    _register_faults(actions)


def _timing_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baud",
        type=int,
        default=38400,
        help="pty: emulate the serial line's transfer time at this rate, 8E1 (0 = none)",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every realism delay (0 = answer at once)",
    )
    defaults = PadTimings()
    parser.add_argument(
        "--inventory-ms",
        type=float,
        default=defaults.inventory_s * 1000,
        help="time of one inventory round without tags",
    )
    parser.add_argument(
        "--per-tag-ms",
        type=float,
        default=defaults.per_tag_s * 1000,
        help="added per tag reported, and per addressed command",
    )
    parser.add_argument(
        "--write-ms",
        type=float,
        default=defaults.write_block_s * 1000,
        help="EEPROM write time per block (and per AFI/EAS write)",
    )
    parser.add_argument(
        "--max-tags",
        type=int,
        default=defaults.max_tags_per_round,
        help="tags reported per inventory round before 'more data'",
    )


def _control_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--control",
        metavar="URL",
        default=os.environ.get(CONTROL_ENV, f"http://127.0.0.1:{DEFAULT_CONTROL_PORT}"),
        help=f"control API of the running simulator (default ${CONTROL_ENV} or port "
        f"{DEFAULT_CONTROL_PORT})",
    )


def _register_place(actions: argparse._SubParsersAction) -> None:
    place = actions.add_parser("place", help="put a tag on the pad; prints its UID")
    _control_arg(place)
    what = place.add_mutually_exclusive_group(required=True)
    what.add_argument("--item", help="library item id (written in --model)")
    what.add_argument("--hex", help="raw tag memory as hex")
    what.add_argument("--kind", choices=("3m", "blank"), help="a foreign (3M) or blank tag")
    place.add_argument("--library", default="LT1000101", help="owner library ISIL")
    place.add_argument("--part", type=int, default=1, help="part number in the set")
    place.add_argument("--of", type=int, default=1, help="parts in the set")
    place.add_argument(
        "--model",
        choices=("iso28560-3", "iso28560-2"),
        default="iso28560-3",
        help="data model of the tag",
    )
    place.add_argument("--uid", help="16 hex digits (default: the next free E004015…)")
    place.add_argument("--afi", type=lambda v: int(v, 0), help="AFI (default 0x07, secured)")
    place.add_argument(
        "--no-eas", dest="eas", action="store_false", default=None, help="EAS bit off"
    )
    place.set_defaults(func=run_action, action="place")


def _register_faults(actions: argparse._SubParsersAction) -> None:
    remove = actions.add_parser("remove", help="take tags off the pad")
    _control_arg(remove)
    which = remove.add_mutually_exclusive_group(required=True)
    which.add_argument("--uid", help="the tag's UID")
    which.add_argument("--item", help="every tag whose memory holds this item id")
    which.add_argument("--all", action="store_true", help="clear the pad")
    remove.set_defaults(func=run_action, action="remove")
    fault = actions.add_parser("fault", help="make a tag unreadable or fail its writes")
    _control_arg(fault)
    fault.add_argument("--uid", required=True, help="the tag's UID")
    fault.add_argument(
        "--unreadable",
        action="store_true",
        default=None,
        help="answers inventory, memory reads fail",
    )
    fault.add_argument(
        "--readable", dest="unreadable", action="store_false", help="clear --unreadable"
    )
    fault.add_argument(
        "--write-fault",
        choices=("none", "error", "silent", "leave"),
        help="error: reader reports it; silent: not stored; leave: tag leaves",
    )
    fault.add_argument(
        "--count",
        type=int,
        default=0,
        help="operations that fail before the fault heals (0 = until cleared)",
    )
    fault.set_defaults(func=run_action, action="fault")
    _register_link_actions(actions)


def _register_link_actions(actions: argparse._SubParsersAction) -> None:
    for name, text in (
        ("list", "print the simulator's state and the tags on the pad as JSON"),
        ("unplug", "drop every connection and stop answering (reader unplugged)"),
        ("plug", "answer again after unplug"),
    ):
        sub = actions.add_parser(name, help=text)
        _control_arg(sub)
        sub.set_defaults(func=run_action, action="status" if name == "list" else name)
    for name, text in (
        ("corrupt", "garble the CRC of the next replies (noise on the line)"),
        ("drop", "ignore the next requests, as if lost on the line"),
    ):
        line_fault = actions.add_parser(name, help=text)
        _control_arg(line_fault)
        line_fault.add_argument("--frames", type=int, default=1, help="how many frames")
        line_fault.set_defaults(func=run_action, action=name)


_PARAMS = (
    "item",
    "hex",
    "kind",
    "library",
    "part",
    "of",
    "model",
    "uid",
    "afi",
    "eas",
    "all",
    "unreadable",
    "write_fault",
    "count",
    "frames",
)


def run_action(args: argparse.Namespace) -> int:
    given = {k: getattr(args, k, None) for k in _PARAMS}
    # False only means "not given" for on/off flags; an AFI of 0 is a value
    params = {k: v for k, v in given.items() if v is not None and v is not False}
    if args.action == "fault" and args.unreadable is False:
        params["unreadable"] = False
    if args.action == "place" and args.eas is False:
        params["eas"] = False
    if args.action != "place":
        params.pop("model", None)
        params.pop("library", None)
        params.pop("part", None)
        params.pop("of", None)
    try:
        result = ControlClient(args.control).call(args.action, **params)
    except ControlError as exc:
        code = EXIT_UNREACHABLE if "not reachable" in str(exc) else EXIT_USAGE
        raise CommandError(str(exc), code) from None
    print(json.dumps(result, ensure_ascii=False))
    return 0


def run_simulator(args: argparse.Namespace) -> int:
    from simulators.rfid.app import RfidSimulator

    timings = PadTimings(
        inventory_s=args.inventory_ms / 1000,
        per_tag_s=args.per_tag_ms / 1000,
        write_block_s=args.write_ms / 1000,
        max_tags_per_round=args.max_tags,
    )
    try:
        sim = RfidSimulator(
            port=args.port,
            control_port=args.control_port,
            pty=args.pty,
            pty_link=args.pty_link,
            timings=timings,
            time_scale=args.time_scale,
            address=args.address,
            baudrate=args.baud or None,
        ).start()
    except OSError as exc:
        raise CommandError(f"cannot start the RFID simulator: {exc}", EXIT_USAGE) from None
    status = sim.status()
    announce(json.dumps({k: status[k] for k in ("tcp_url", "pty_path", "control_url")}))
    try:
        wait_for_stop()
    finally:
        sim.stop()
    return 0
