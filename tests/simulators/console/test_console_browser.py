"""The console in a real headless browser (Debian's chromium through Selenium and
chromium-driver): a technician places a tagged item on the pad and the RFID driver reads it;
jams a door and the locker alarm appears in the kiosk's metrics; pulls the printer's paper
out and the kiosk's /health turns degraded; panels follow changes made elsewhere, live.

The kiosk's app is not wired yet, so "the kiosk" here is its real parts: the FEIG driver,
the lock bank driver under the core's LockerService, the ESC/POS driver, and the telemetry
endpoint fed by the probes."""

from __future__ import annotations

import json
import os
import random
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from device_drivers.rfid.feig_reader import FeigReader
from device_drivers.rfid.library_tags import LibraryTags
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, HoldCheckin, PickupNotice
from kiosk.core.lockers.service import LockerService
from kiosk.telemetry.exposition import build_registry
from kiosk.telemetry.http import MetricsServer
from kiosk.telemetry.probes import Poller, printer_probe
from kiosk.telemetry.registry import Telemetry
from kiosk.wiring.locks import compartment_specs_from, lock_bank_from
from kiosk.wiring.printer import printer_from

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "headless browser tests need Debian's chromium and chromium-driver "
        "(scripts/debian-packages.txt)",
        allow_module_level=True,
    )
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

pytestmark = pytest.mark.timeout(90)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage")  # fmt: skip
T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium fetch a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def wait_for(driver, condition: Callable[..., object], timeout_s: float = 15.0):
    """Until ``condition`` holds; the live panels replace their elements every refresh, so a
    stale element only means "look again"."""
    return WebDriverWait(
        driver, timeout_s, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition)


def text_of(driver, element_id: str) -> str:
    return wait_for(driver, lambda d: d.find_element(By.ID, element_id).text)


def click(driver, css: str) -> None:
    """Click and wait for the page the form's answer leads back to. A live panel may be
    re-rendered between finding a button and clicking it: then find it again."""
    old = driver.find_element(By.TAG_NAME, "html")
    for attempt in range(3):
        try:
            driver.find_element(By.CSS_SELECTOR, css).click()
            break
        except StaleElementReferenceException:
            if attempt == 2:
                raise
    wait_for(driver, lambda d: old.id != d.find_element(By.TAG_NAME, "html").id)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_place_item_from_the_console_and_the_reader_reads_it(rig, browser) -> None:
    browser.get(rig.url + "/")
    Select(browser.find_element(By.ID, "rfid-item")).select_by_value("9786090100028")
    click(browser, "#rfid-place-button")
    row = wait_for(
        browser, lambda d: d.find_element(By.CSS_SELECTOR, "#rfid-tags tr[data-uid]").text
    )
    assert "9786090100028" in row and "Metai" in row
    reader = FeigReader(rig.fleet.kiosk_settings().rfid.url, timeout_s=2.0)
    try:
        [sighting] = reader.inventory()
        read = LibraryTags(reader).read(sighting)
        assert read.kind == "item" and read.item.primary_item_id == "9786090100028"
        click(browser, f'#rfid-tags tr[data-uid="{sighting.uid}"] form[action$="fault"] button')
        assert "unreadable" in text_of(browser, "rfid-tags")
        assert LibraryTags(reader).read(sighting).kind == "unreadable"
    finally:
        reader.close()


def test_place_item_from_the_console_and_the_kiosk_core_sees_it_arrive(rig, browser) -> None:
    """Through the core's own pad port (kiosk.wiring.rfid_pad.RfidPad over the FEIG driver)."""
    import asyncio

    from kiosk.core.circulation.pad import ItemsArrived
    from kiosk.wiring.rfid_pad import RfidPad

    settings = rig.fleet.kiosk_settings()
    reader = FeigReader(settings.rfid.url, timeout_s=2.0)
    pad = RfidPad(reader, settings.rfid)

    async def arrivals() -> list[str]:
        seen: asyncio.Queue[object] = asyncio.Queue()
        await pad.start(seen.put_nowait)
        try:
            await asyncio.to_thread(browser.get, rig.url + "/")
            await asyncio.to_thread(
                lambda: Select(browser.find_element(By.ID, "rfid-item")).select_by_value(
                    "9786090100172"
                )
            )
            await asyncio.to_thread(click, browser, "#rfid-place-button")
            while True:
                event = await asyncio.wait_for(seen.get(), 20)
                if isinstance(event, ItemsArrived):
                    return [item.item_id for item in event.items]
        finally:
            await pad.stop()

    try:
        assert "9786090100172" in asyncio.run(arrivals())
    finally:
        reader.close()


class StandInIls:
    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        return HoldCheckin(item_id, ok=True, screen_message="no hold")

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        return Checkout(item_id, ok=True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        return None


class NoMail:
    def send_pickup_code(self, notice: PickupNotice) -> None:
        raise AssertionError("no pickup notices here")


@pytest.fixture
def kiosk_lockers(rig) -> Iterator[tuple[LockerService, str]]:
    """The core's locker service over the lock bank driver, reporting into the telemetry
    registry behind a real /metrics endpoint."""
    section = rig.fleet.kiosk_settings().lockers
    bank = lock_bank_from(section)
    telemetry = Telemetry("demo-1")
    service = LockerService(
        compartment_specs_from(section), LockerPolicy(code_hash_iterations=1000), bank,
        StandInIls(), NoMail(), random.Random(7), health=telemetry, activity=telemetry,
    )  # fmt: skip
    server = MetricsServer(telemetry, build_registry(telemetry)).start()
    yield service, server.url
    server.stop()
    bank.close()


def test_jam_a_door_from_the_console_and_see_the_alarm_in_the_metrics(
    rig, browser, kiosk_lockers
) -> None:
    service, metrics_url = kiosk_lockers
    browser.get(rig.url + "/")
    click(browser, "#compartment-3 button.jam")
    assert "jammed" in text_of(browser, "compartment-3")
    service.poll(T0)
    service.release(service.compartments[3], T0)  # what a pickup does
    service.poll(T0 + timedelta(seconds=1))
    service.poll(T0 + timedelta(seconds=10))  # past release_timeout_s: the door stayed shut
    assert service.hardware.read(3).door_closed  # the lock board driver: still closed
    status, body = fetch(metrics_url + "/metrics")
    assert status == 200
    assert b'kiosk_locker_alarms_active{kind="door_jammed"} 1.0' in body
    assert json.loads(fetch(metrics_url + "/health")[1])["locker_alarms_active"] == {
        "door_jammed": 1
    }


def test_pull_the_paper_out_from_the_console_and_health_turns_degraded(rig, browser) -> None:
    printer = printer_from(rig.fleet.kiosk_settings().printer)
    telemetry = Telemetry("demo-1", essential={"reader"})
    poller = Poller(telemetry, [printer_probe(printer.printer)], interval_s=0.2).start()
    server = MetricsServer(telemetry, build_registry(telemetry)).start()
    health = lambda: json.loads(fetch(server.url + "/health")[1])  # noqa: E731
    try:
        wait_for(browser, lambda _: health()["devices"].get("printer"))
        assert health()["status"] == "ok"
        browser.get(rig.url + "/")
        click(browser, "#printer-paper-out")
        assert "paper: out" in text_of(browser, "printer-state")
        wait_for(browser, lambda _: health()["status"] == "degraded")
        assert health()["reasons"] == ["printer: degraded (paper out)"]
        assert b'kiosk_printer_paper{state="out"} 1.0' in fetch(server.url + "/metrics")[1]
        click(browser, "#printer-paper-ok")
        wait_for(browser, lambda _: health()["status"] == "ok")
    finally:
        poller.stop()
        server.stop()


def test_panels_follow_changes_made_elsewhere(rig, browser) -> None:
    browser.get(rig.url + "/")
    assert "online" in text_of(browser, "ils-state")
    rig.control("ils").call("offline", mode="status")  # as `kiosk sim ils fault offline` does
    rig.control("lockers").call("force_door", compartment=7)
    wait_for(browser, lambda d: "offline" in d.find_element(By.ID, "ils-state").text)
    wait_for(browser, lambda d: "open" in d.find_element(By.ID, "compartment-7").text)
