"""`kiosk sim jack`: plug and unplug headphones on a kiosk without a sound card.

    kiosk sim jack fifo PATH                       create the FIFO ([ui] headphone_jack = PATH)
    kiosk sim jack plug --device PATH [--switch headphone|lineout|headset]
    kiosk sim jack unplug --device PATH [--switch …]

Writes exactly what the kernel writes to /dev/input/eventN for a jack (EV_SW events closed by
SYN_REPORT, native layout; device_drivers/speech/jack_events.py) into the FIFO that the kiosk's
HeadphoneJack reads. Never writes to anything but a FIFO: writing to a real event node would
inject a switch into the sound system of the machine.
"""

from __future__ import annotations

import argparse
import errno
import os
import stat
import time

from device_drivers.speech.jack_events import (
    SW_HEADPHONE_INSERT,
    SW_LINEOUT_INSERT,
    SW_MICROPHONE_INSERT,
    switch_report,
)
from kiosk.commands.common import EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, CommandError
from simulators.jack import make_fifo

SWITCHES: dict[str, tuple[int, ...]] = {
    "headphone": (SW_HEADPHONE_INSERT,),
    "lineout": (SW_LINEOUT_INSERT,),
    "headset": (SW_HEADPHONE_INSERT, SW_MICROPHONE_INSERT),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "jack",
        help="headphone-jack simulator: plug/unplug through a FIFO the kiosk reads",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    fifo = sub.add_parser("fifo", help="create the FIFO to name in [ui] headphone_jack")
    fifo.add_argument("path", help="where to create it, e.g. /run/knygomatas/jack")
    fifo.set_defaults(func=run_fifo)
    for action, plugged in (("plug", True), ("unplug", False)):
        switch = sub.add_parser(action, help=f"{action} headphones (write the kernel's events)")
        switch.add_argument("--device", required=True, help="the FIFO the kiosk reads")
        switch.add_argument(
            "--switch",
            choices=sorted(SWITCHES),
            default="headphone",
            help="which jack switch (headset: headphones and microphone; default headphone)",
        )
        switch.set_defaults(func=run_switch, plugged=plugged)


def run_fifo(args: argparse.Namespace) -> int:
    try:
        make_fifo(args.path)
    except FileExistsError:
        raise CommandError(f"{args.path} exists and is not a FIFO", EXIT_REFUSED) from None
    except OSError as error:
        raise CommandError(f"cannot create {args.path}: {error.strerror}", EXIT_REFUSED) from None
    print(f"FIFO ready: set [ui] headphone_jack = {args.path!r} and start the kiosk, then")
    print(f"  kiosk sim jack plug --device {args.path}")
    return EXIT_OK


def run_switch(args: argparse.Namespace) -> int:
    now = time.time()
    report = switch_report(
        {code: args.plugged for code in SWITCHES[args.switch]},
        sec=int(now),
        usec=int(now % 1 * 1_000_000),
    )
    fd = _open_fifo(args.device)
    try:
        os.write(fd, report)  # under PIPE_BUF: one atomic write, never half an event
    finally:
        os.close(fd)
    state = "plugged in" if args.plugged else "unplugged"
    print(f"{args.switch} {state}: {len(report)} bytes written to {args.device}")
    return EXIT_OK


def _open_fifo(path: str) -> int:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise CommandError(
            f"no FIFO at {path}: create it with `kiosk sim jack fifo {path}`", EXIT_USAGE
        ) from None
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise CommandError(
                f"nothing reads {path}: is the kiosk running with [ui] headphone_jack = {path!r}?",
                EXIT_UNREACHABLE,
            ) from None
        raise CommandError(f"cannot open {path}: {error.strerror}", EXIT_REFUSED) from None
    if not stat.S_ISFIFO(os.fstat(fd).st_mode):
        os.close(fd)
        raise CommandError(f"{path} is not a FIFO (the simulator writes only to FIFOs)", EXIT_USAGE)
    return fd
