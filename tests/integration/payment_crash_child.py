"""The kiosk process the payment kill -9 test kills: the real payment desk built by the
composition root (kiosk/wiring/payment.py: the SIP2 client, the ZVT terminal adapter over
TCP, the SQLite payment journal) against simulators the test owns.

    python payment_crash_child.py CONFIG.toml PROGRESS COUNT

On start it settles what a killed predecessor left (`PaymentDesk.recover`, as the kiosk does
at start-up) and prints "recovered"; then patron n (card 23nnnnnnnn, PIN 1234) pays all they
owe, for every n < COUNT not yet in the progress file. A line "n outcome" is appended and
fsync'ed after each payment returns, so a restarted kiosk goes on with the next patron; a
payment killed midway is tried again (the patron tries again), which must never charge twice.
Run by test_payment_crash.py only; not a test module.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from kiosk.core.clock import SystemClock
from kiosk.core.payments.fees import PayAll
from kiosk.settings import load_settings
from kiosk.wiring.library import library_from
from kiosk.wiring.payment import payment_desk_from

PIN = "1234"


def card(n: int) -> str:
    return f"23{n:08d}"


def done(progress: Path) -> set[int]:
    if not progress.exists():
        return set()
    lines = progress.read_text(encoding="utf-8").splitlines()
    return {int(line.split()[0]) for line in lines if line.strip()}


async def run(config: Path, progress: Path, count: int) -> None:
    settings = load_settings(config)
    library = library_from(settings)
    desk = payment_desk_from(settings, library, SystemClock(settings.kiosk.timezone))
    await desk.recover()
    print("recovered", flush=True)
    finished = done(progress)
    with progress.open("a", encoding="utf-8") as out:
        for n in range(count):
            if n in finished:
                continue
            result = await desk.pay(card(n), PIN, PayAll())
            out.write(f"{n} {type(result).__name__} {getattr(result, 'why', '')}\n")
            out.flush()
            os.fsync(out.fileno())
    await desk.terminal.close()
    await library.close()


if __name__ == "__main__":
    asyncio.run(run(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])))
