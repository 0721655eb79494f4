"""README's command table names every top-level `kiosk` command, quotes only commands that
exist, and its relative links (the architecture among them) point to files in the repository."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from kiosk.cli import build_parser

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _table_cells() -> list[str]:
    """The first cell of each row of the table under "What the `kiosk` command does"."""
    section = README.split("## What the `kiosk` command does", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [re.split(r"(?<!\\)\|", row)[1].strip() for row in rows]  # `a \| b` is one cell


def _quoted(cell: str) -> list[list[str]]:
    """Each `kiosk …` quoted in a cell as its words: `kiosk ils status / patron` gives
    [kiosk, ils, status], [kiosk, ils, patron]."""
    commands = []
    for quote in re.findall(r"`(kiosk [^`]+)`", cell):
        first, *others = (part.split() for part in quote.split(" / "))
        commands.append(first)
        commands.extend(first[:2] + other[:1] for other in others if other)
    return commands


def test_every_top_level_command_is_in_the_table() -> None:
    listed = {words[1] for cell in _table_cells() for words in _quoted(cell)}
    missing = set(_subparsers(build_parser())) - listed
    assert not missing, f"add a row to README's command table for: {sorted(missing)}"


def test_every_command_the_table_quotes_exists() -> None:
    top = _subparsers(build_parser())
    wrong = []
    for cell in _table_cells():
        for words in _quoted(cell):
            command = top.get(words[1])
            if command is None:
                wrong.append(" ".join(words))
                continue
            actions = _subparsers(command)
            action = words[2] if len(words) > 2 else ""
            if actions and re.fullmatch(r"[a-z0-9-]+", action) and action not in actions:
                wrong.append(" ".join(words[:3]))
    assert not wrong, wrong


def test_relative_links_point_to_files_that_exist() -> None:
    links = [
        target.split("#")[0]
        for target in re.findall(r"\]\(([^)\s]+)\)", README)
        if "://" not in target and not target.startswith(("#", "mailto:"))
    ]
    assert "docs/architecture.md" in links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, missing
