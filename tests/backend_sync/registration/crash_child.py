"""The kiosk side of test_crash.py: sends one application through send_or_queue to the Koha
simulator (which runs in the test process) over loopback, until the test SIGKILLs it.

    python crash_child.py QUEUE_FILE BASE_URL KEY

Prints "ready" just before the write-ahead, then the outcome's class name.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

from backend_sync.registration.koha import KohaRegistration
from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.core.registration import send_or_queue
from simulators.models.registration import SAMPLE_APPLICATION


def main(queue_file: str, base_url: str, key: str) -> int:
    queue = RegistrationQueueFile(queue_file, "koha")
    port = KohaRegistration(
        base_url, "kiosk", "s3cret", category_id="TEMP", library_id="CPL", timeout_s=5.0
    )
    print("ready", flush=True)
    outcome = asyncio.run(send_or_queue(port, queue, SAMPLE_APPLICATION, key, datetime.now(UTC)))
    print(type(outcome).__name__, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
