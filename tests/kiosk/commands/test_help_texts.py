"""Every `kiosk` subcommand's --help reads as help for a technician: no internal notes (source
paths, RST double backticks, "until X takes over"), no description line over 100 characters."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from kiosk.cli import build_parser

INTERNAL = ("``", "kiosk/app.py", "takes rooms over")


def walk(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from walk(child)


def texts(parser: argparse.ArgumentParser) -> Iterator[str]:
    yield parser.description or ""
    yield parser.epilog or ""
    for action in parser._actions:
        yield action.help or ""
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield choice.help or ""


def test_the_walk_reaches_nested_subcommands() -> None:
    progs = {p.prog for p in walk(build_parser())}
    assert "kiosk ils patron" in progs and "kiosk sim ils" in progs and len(progs) > 50


def test_no_internal_notes_in_any_help_text() -> None:
    found = [
        f"{parser.prog}: {marker!r} in {text[:60]!r}"
        for parser in walk(build_parser())
        for text in texts(parser)
        for marker in INTERNAL
        if marker in text
    ]
    assert not found, "\n".join(found)


def test_help_fits_100_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a technician's terminal shows it: argparse wraps plain descriptions itself, a raw
    (pre-formatted) description must be wrapped in the source."""
    monkeypatch.setenv("COLUMNS", "100")
    found = [
        f"{parser.prog}: {line!r}"
        for parser in walk(build_parser())
        for line in parser.format_help().splitlines()
        if len(line) > 100
    ]
    assert not found, "\n".join(found)


def test_indented_tables_keep_their_lines() -> None:
    """A description with an indented table (a command per line) is shown as written, not
    run together into one paragraph."""
    found = [
        parser.prog
        for parser in walk(build_parser())
        if "\n\n    " in (parser.description or "")
        and not issubclass(parser.formatter_class, argparse.RawDescriptionHelpFormatter)
    ]
    assert not found, found


def test_printer_help_is_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    printer = next(p for p in walk(build_parser()) if p.prog == "kiosk printer")
    lines = printer.format_help().splitlines()
    assert any(line.strip().startswith("kiosk printer test") for line in lines)
    assert any(line.strip().startswith("kiosk printer status") for line in lines)
    assert any(line.startswith("Exit codes:") for line in lines)


def test_every_help_renders() -> None:
    for parser in walk(build_parser()):
        assert parser.format_help().startswith("usage:")
