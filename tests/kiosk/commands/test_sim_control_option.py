"""`--control URL` goes in the same place in every `kiosk sim` action: after the action and its
arguments (`kiosk sim NAME ACTION … --control URL`), nested actions included."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

import pytest

from kiosk.cli import build_parser, main
from simulators.ils.simulator import IlsSimulator

# No control API: the jack writes into a FIFO; `up` starts the fleet itself.
NO_CONTROL_API = {"jack", "up"}


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _leaves(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    children = _subparsers(parser)
    if not children:
        yield parser
    for child in dict.fromkeys(children.values()):
        yield from _leaves(child)


def _sims() -> dict[str, argparse.ArgumentParser]:
    return _subparsers(_subparsers(build_parser())["sim"])


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def test_every_action_of_every_simulator_takes_control() -> None:
    sims = {name: p for name, p in _sims().items() if name not in NO_CONTROL_API}
    assert {"ils", "rfid", "lockers", "printer", "payment", "rooms", "feed"} <= set(sims)
    missing = [
        leaf.prog
        for sim in sims.values()
        for action in dict.fromkeys(_subparsers(sim).values())
        for leaf in _leaves(action)
        if "--control" not in _options(leaf)
    ]
    assert not missing, missing


@pytest.mark.parametrize(
    "argv",
    [
        ["sim", "ils", "fault", "latency", "--ms", "5", "--control", "http://127.0.0.1:9"],
        ["sim", "ils", "fault", "--control", "http://127.0.0.1:9", "latency", "--ms", "5"],
        ["sim", "ils", "status", "--control", "http://127.0.0.1:9"],
        ["sim", "lockers", "jam", "3", "--control", "http://127.0.0.1:9"],
        ["sim", "rfid", "list", "--control", "http://127.0.0.1:9"],
        ["sim", "printer", "status", "--control", "http://127.0.0.1:9"],
        ["sim", "payment", "status", "--control", "http://127.0.0.1:9"],
        ["sim", "rooms", "status", "--control", "http://127.0.0.1:9"],
        ["sim", "registration", "status", "--control", "http://127.0.0.1:9"],
        ["sim", "feed", "status", "--control", "http://127.0.0.1:9"],
    ],
)
def test_control_after_the_action_parses(argv: list[str]) -> None:
    assert build_parser().parse_args(argv).control == "http://127.0.0.1:9"


def test_a_nested_fault_reaches_the_running_simulator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with IlsSimulator(encoding="utf-8") as sim:
        url = sim.start_control(0)
        assert main(["sim", "ils", "fault", "latency", "--ms", "0", "--control", url]) == 0
        capsys.readouterr()
        assert main(["sim", "ils", "status", "--control", url]) == 0
        assert isinstance(json.loads(capsys.readouterr().out), dict)
