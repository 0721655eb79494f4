"""The running kiosk on a store that turns read-only mid-visit: the patron's next book is
refused with "This kiosk cannot record transactions now" (nothing reaches the ILS), /health
says the store is down (the whole kiosk "down"), and the first commit once the disk is
writable again brings it back. build_kiosk against the whole fleet, /health over HTTP."""

from __future__ import annotations

import asyncio
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

from kiosk.core.circulation.session import LineStatus
from kiosk.wiring.assembly import Kiosk
from simulators.fleet import Fleet

from . import test_kiosk_wiring as wiring
from .test_kiosk_wiring import STACK, lay, login, until, visit

sys.path.insert(0, str(Path(__file__).parents[1] / "backend_sync" / "store"))
from disk_faults import read_only  # the store tests' helper, beside them

fleet = wiring.fleet  # the wiring tests' fixture: the whole fleet on free ports


def health(kiosk: Kiosk) -> dict:
    try:
        with urllib.request.urlopen(f"{kiosk.monitoring.url}/health", timeout=10) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as refused:  # 503 when down: the body says why
        return json.loads(refused.read())


def test_a_read_only_store_refuses_the_next_book_and_health_says_so(fleet: Fleet) -> None:
    ils_sim = fleet.running["ils"].handle
    data = Path(fleet.kiosk_settings().kiosk.data_dir)

    async def body(kiosk: Kiosk) -> None:
        telemetry = kiosk.monitoring.telemetry
        await until(lambda: "store" in telemetry.health_document()["devices"], "store health")
        assert (await asyncio.to_thread(health, kiosk))["devices"]["store"]["state"] == "ok"
        await login(kiosk)
        with read_only(data):
            kiosk.store.engine.dispose()  # connections made from now on see the read-only disk
            await lay(fleet, kiosk, STACK[0])
            (line,) = kiosk.service.view.lines
            assert line.status is LineStatus.REFUSED and line.notice is not None
            assert line.notice.key == "kiosk.cannot_record"
            document = await asyncio.to_thread(health, kiosk)
        kiosk.store.engine.dispose()
        assert document["status"] == "down", document
        assert document["devices"]["store"]["state"] == "down"
        assert ils_sim.library.count("checkout", STACK[0]) == 0  # nothing went out
        # the disk is writable again: the next commit the kiosk makes (here a staff action
        # on the reconciliation list) brings the store back without a restart
        await asyncio.to_thread(kiosk.store.resolve, "no-such-key")
        document = await asyncio.to_thread(health, kiosk)
        assert document["devices"]["store"]["state"] == "ok", document

    visit(fleet.kiosk_settings(), body)
