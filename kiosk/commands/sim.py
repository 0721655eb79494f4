"""`kiosk sim …`: the simulators of the library system and of every device.

Each simulator module has `register(subparsers)`; add one by naming it in SIMULATORS.
"""

from __future__ import annotations

import argparse
import importlib

SIMULATORS: tuple[str, ...] = (
    "simulators.printer.cli",
    "simulators.jack.cli",
    "simulators.rooms.cli",
    "simulators.registration.cli",
    "simulators.feeds.cli",
    "simulators.rfid.cli",
    "simulators.lockers.cli",
    "simulators.ils.cli",
    "simulators.payment.cli",
    "simulators.fleet_cli",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sim",
        help="run a simulator of the ILS or a device (for tests, demos and technicians)",
        description=__doc__,
    )
    sub = parser.add_subparsers(dest="simulator", metavar="SIMULATOR", required=True)
    for name in SIMULATORS:
        importlib.import_module(name).register(sub)
