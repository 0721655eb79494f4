"""A kiosk's store on a disk that fills up: run in a child process with RLIMIT_FSIZE (a file
may grow only so far: the kernel answers EFBIG, as a full disk answers ENOSPC), so no mount
and no root are needed. Adds entries until the store refuses, then says what it saw:

    python full_disk_child.py DB LIMIT_BYTES

Prints "ack KEY" per add that returned (the patron was told), then "refused FAULT" for the
first add that raised, with FAULT what StoreWatch reported. Run by test_store_faults.py only.
"""

from __future__ import annotations

import resource
import signal
import sys
from datetime import datetime

from backend_sync.store.database import open_store
from backend_sync.store.faults import StoreWatch
from backend_sync.store.outbox import OutboxStore
from kiosk.core.outbox import EntryKind, OutboxEntry


def main(path: str, limit: int) -> None:
    engine = open_store(path)  # created and migrated before the disk "fills"
    seen: list[str | None] = []
    StoreWatch(engine, seen.append)
    store = OutboxStore(engine)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    for number in range(100_000):
        entry = OutboxEntry(
            f"kiosk-1/{number:06d}", EntryKind.CHECKOUT,
            {"item_id": f"item-{number}", "card": "2100000002", "pad": "x" * 200},
            datetime(2026, 11, 20, 10, 0), offline=True,
        )  # fmt: skip
        try:
            store.add(entry)
        except Exception as exc:
            print(f"refused {seen[-1] if seen else 'unreported'} ({type(exc).__name__})")
            break
        print(f"ack {entry.key}", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
