"""The metrics endpoint scraped after a whole visit against the simulators: the circulation
service built by the composition root (SIP2 client, FEIG driver, ESC/POS printer, SQLite
outbox and statistics), its statistics teed into the metrics, the printer and outbox probed.
Two loans and one refusal must show as exactly that; the session as one, ended "done"."""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore, SqliteOutbox
from backend_sync.store.statistics import SqliteStatistics, StoreStatistics
from device_drivers.rfid.feig_reader import FeigReader
from kiosk.core.circulation.session import LineStatus
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.i18n import Catalogs
from kiosk.settings.model import Settings
from kiosk.telemetry.exposition import build_registry
from kiosk.telemetry.http import MetricsServer
from kiosk.telemetry.probes import Poller, outbox_probe, printer_probe
from kiosk.telemetry.registry import Telemetry
from kiosk.telemetry.statistics import MetricsStatistics
from kiosk.wiring.core_parts import build_circulation
from kiosk.wiring.library import library_from
from kiosk.wiring.printer import printer_from
from kiosk.wiring.rfid_pad import RfidPad
from simulators.ils.simulator import IlsSimulator
from simulators.models.rfid_pad import PadTimings
from simulators.printer.server import PrinterSimulator, SimulatorOptions
from simulators.rfid import tags
from simulators.rfid.app import RfidSimulator

pytestmark = pytest.mark.timeout(90)
ONA, ONA_PIN = "2100000001", "1234"
METAI, KURMELIS, METAI_REFERENCE = "9786090100011", "9786090100042", "9786090100028"


@pytest.fixture
def sims(tmp_path: Path) -> Iterator[tuple[IlsSimulator, RfidSimulator, PrinterSimulator]]:
    with IlsSimulator(encoding="utf-8") as ils:
        rfid = RfidSimulator(timings=PadTimings(), time_scale=0.0, control_port=None).start()
        printer = PrinterSimulator(
            SimulatorOptions(out_dir=tmp_path / "printed", port=0, pty=False, png=False)
        ).start()
        try:
            yield ils, rfid, printer
        finally:
            printer.stop()
            rfid.stop()


def settings_for(ils: IlsSimulator, rfid: RfidSimulator, printer: PrinterSimulator) -> Settings:
    return Settings.model_validate(
        {
            "kiosk": {"id": "kiosk-e2e"},
            "ils": {"host": ils.host, "port": ils.port, "username": "kiosk1", "password": "demo",
                    "institution": "AVB", "location": "KNYGOMATAS-1", "encoding": "utf-8",
                    "timeout_s": 2.0, "retries": 1, "keepalive_s": 0},
            "rfid": {"url": rfid.tcp.url, "timeout_s": 2.0, "inventory_interval_s": 0.02,
                     "arrive_rounds": 1, "leave_rounds": 1},
            "printer": {"url": f"tcp://127.0.0.1:{printer.port}", "status_timeout_s": 1.0},
        }
    )  # fmt: skip


async def all_done(service, count: int) -> None:
    for _ in range(1000):
        await service.settle()
        lines = service.view.lines
        if len(lines) >= count and all(line.status is not LineStatus.WORKING for line in lines):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the items were not handled")


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_visit_counts_in_the_scraped_metrics(sims, tmp_path: Path) -> None:
    ils, rfid, printer_sim = sims
    settings = settings_for(ils, rfid, printer_sim)
    store = OutboxStore(open_store(tmp_path / "store.sqlite"))
    telemetry = Telemetry("kiosk-e2e")
    stats = MetricsStatistics(telemetry, SqliteStatistics(StoreStatistics(store.engine, "e2e")))
    printer = printer_from(settings.printer)
    probes = [printer_probe(printer.printer), outbox_probe(store.summary, ils.clock)]
    poller = Poller(telemetry, probes, interval_s=60)
    server = MetricsServer(telemetry, build_registry(telemetry)).start()

    async def main() -> None:
        reader = FeigReader(settings.rfid.url, timeout_s=2.0)
        texts = Catalogs().translator("lt")
        library = library_from(settings)
        service = build_circulation(
            settings, outbox=SqliteOutbox(store), library=library,
            pad=RfidPad(reader, settings.rfid),
            receipts=lambda sid, receipt: ReceiptDesk(sid, receipt, texts, printer, None,
                                                      lambda e: None),
            on_alert=lambda alert: None, translate=texts.gettext, stats=stats,
        )  # fmt: skip
        try:
            await service.present_card(ONA)
            await service.enter_pin(ONA_PIN)
            for item in (METAI, KURMELIS, METAI_REFERENCE):
                rfid.model.place(tags.item_tag(item))
            await all_done(service, 3)
            await service.done()
            await service.receipt("print")
        finally:
            await service.cancel()
            await library.close()
            reader.close()

    try:
        asyncio.run(asyncio.wait_for(main(), 60))
        poller.run_once()
        got = scrape(server.url)
    finally:
        server.stop()
    assert got[("kiosk_transactions_total", (("kind", "checkout"), ("result", "ok")))] == 2
    assert got[("kiosk_transactions_total", (("kind", "checkout"), ("result", "refused")))] == 1
    assert sum(v for (name, _), v in got.items() if name == "kiosk_refusals_total") == 1
    assert got[("kiosk_sessions_total", (("reason", "done"),))] == 1
    assert got[("kiosk_device_up", (("device", "printer"), ("kind", "printer")))] == 1
    assert got[("kiosk_outbox_depth", ())] == 0
    assert ils.library.count("checkout", METAI) == 1
