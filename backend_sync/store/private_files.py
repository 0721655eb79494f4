"""Files at rest: the kiosk's SQLite files (store, locker store, mail queue, rooms cache) hold
patron identifiers and e-mail addresses for a while, so nobody but the kiosk's user reads
them: created 0600, whatever the umask, and an older file found looser is tightened.

SQLite creates a database's -wal, -shm and -journal files with the database file's own
permission bits (it fchmods them to match, umask or not: tests/backend_sync/store/
test_private_files.py checks that), so making the main file private before SQLite first
opens it is enough for all of them. A technician may give a kiosk group read access
(chmod 640): group read is left as it is; group write and anything for others is removed.
Never deletes or truncates a file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE = 0o600
LOOSER_THAN_ALLOWED = 0o037  # group write/execute and every bit for others
SIDE_FILES = ("", "-wal", "-shm", "-journal")


def private_sqlite(path: str | Path) -> Path:
    """Make ``path`` (and its directory) exist with the file 0600 before SQLite opens it;
    tighten it and its side files if an older kiosk left them looser. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDONLY, PRIVATE))  # no truncation
    for suffix in SIDE_FILES:
        tighten(Path(f"{path}{suffix}"))
    return path


def private_opener(path: str, flags: int) -> int:
    """An ``opener`` for open(): a new file (a lock file, say) is created 0600; an older
    one found looser is tightened."""
    fd = os.open(path, flags, PRIVATE)
    tighten(Path(path))
    return fd


def tighten(path: Path) -> None:
    """Drop group write and all of others' bits from an existing file; leave others alone."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & LOOSER_THAN_ALLOWED:
        path.chmod(mode & ~LOOSER_THAN_ALLOWED)
