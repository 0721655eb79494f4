"""Disk faults for the store's tests (test_store_faults.py, tests/kiosk/commands/
test_store_cli.py): a read-only directory and pages overwritten with garbage."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """The directory (and its files) read-only: a read-only remount as root (root writes
    through chmod), chmod otherwise."""
    files = list(directory.iterdir())
    if os.geteuid() == 0:
        done = subprocess.run(["mount", "--bind", "-o", "ro", str(directory), str(directory)],
                              capture_output=True)  # fmt: skip
        if done.returncode != 0:
            pytest.skip("cannot make a read-only bind mount here")
        try:
            yield
        finally:
            subprocess.run(["umount", "-l", str(directory)], check=False)
        return
    for path in files:
        path.chmod(0o444)
    directory.chmod(0o555)
    try:
        yield
    finally:
        directory.chmod(0o755)
        for path in files:
            path.chmod(0o644)


def damage(db: Path, pages: range) -> None:
    """Overwrite whole pages of the file with garbage (as a bad sector or a torn write)."""
    with open(db, "r+b") as file:
        for page in pages:
            file.seek(page * 4096)
            file.write(bytes((page * 37 + i) % 251 for i in range(4096)))
