"""The console over real HTTP (no browser): each panel's forms change the simulator behind
it through its control API; bad input is reported and changes nothing; printed receipts are
served as images; the status API is scriptable."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kiosk.core.receipts import Cut, Line
from kiosk.wiring.printer import printer_from
from simulators.control import ControlClient

pytestmark = pytest.mark.timeout(60)


def post(url: str, **form: str) -> int:
    """A form posted as the console's own page posts it: with the page's CSRF token."""
    data = urllib.parse.urlencode({"csrf_token": page_token(url), **form}).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status  # after the 303 back to the page
    except urllib.error.HTTPError as exc:
        return exc.code


def page_token(url: str) -> str:
    root = url.split("/act/")[0]
    with urllib.request.urlopen(root + "/", timeout=10) as response:
        page = response.read().decode()
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers["Content-Type"]


def test_page_shows_every_device(rig) -> None:
    status, body, _ = get(rig.url + "/")
    page = body.decode()
    assert status == 200
    for section in ("rfid", "lockers", "printer", "ils", "rooms"):
        assert f'<section id="{section}">' in page
    assert "9786090100011 — Metai" in page  # the ILS catalogue in the pad's picker
    assert "built-in method" not in page


def test_lockers_forms(rig) -> None:
    assert post(rig.url + "/act/lockers/force_door", compartment="4") == 200
    assert post(rig.url + "/act/lockers/put_item", compartment="4", count="2") == 200
    assert post(rig.url + "/act/lockers/jam", compartment="5", jammed="1") == 200
    assert post(rig.url + "/act/lockers/silence", board="k1", silent="1") == 200
    status = rig.control("lockers").call("status")
    assert status["compartments"]["4"]["door"] == "open"
    assert status["compartments"]["4"]["items"] == 2
    assert status["compartments"]["5"]["jammed"] is True
    assert status["boards"]["k1"]["silent"] is True


def test_rfid_forms(rig) -> None:
    post(rig.url + "/act/rfid/place", item="9786090100028")
    [tag] = rig.control("rfid").call("status")["tags"]
    post(rig.url + "/act/rfid/fault", uid=tag["uid"], unreadable="1")
    assert rig.control("rfid").call("status")["tags"][0]["unreadable"] is True
    post(rig.url + "/act/rfid/unplug")
    assert rig.control("rfid").call("status")["plugged"] is False
    post(rig.url + "/act/rfid/plug")
    post(rig.url + "/act/rfid/remove", all="1")
    assert rig.control("rfid").call("status")["tags"] == []


def test_ils_and_rooms_forms(rig) -> None:
    post(rig.url + "/act/ils/offline", mode="status")
    post(rig.url + "/act/ils/latency", ms="250")
    faults = rig.control("ils").call("status")["faults"]
    assert faults["offline"] == "status"
    assert faults["latency_ms"] == 250
    post(rig.url + "/act/rooms/unreachable", on="1")
    post(rig.url + "/act/rooms/fail", count="2", status="503")
    faults = rig.control("rooms").call("status")["faults"]
    assert faults["unreachable"] is True
    assert (faults["fail_next"], faults["fail_status"]) == (2, 503)
    _, body, _ = get(rig.url + "/")
    page = body.decode()
    assert "offline (status)" in page
    assert "built-in method" not in page  # every value rendered, none a Python repr


def test_any_action_form(rig) -> None:
    post(rig.url + "/act/_any", target="lockers/stick_sensor",
         params="compartment=2 sensor=door value=0")  # fmt: skip
    assert rig.control("lockers").call("status")["compartments"]["2"]["stuck"] == {"door": False}


def test_bad_input_is_logged_and_changes_nothing(rig) -> None:
    before = rig.control("lockers").call("status")
    post(rig.url + "/act/lockers/jam", compartment="three")
    post(rig.url + "/act/lockers/jam", compartment="99")
    assert rig.control("lockers").call("status") == before
    results = [entry["result"] for entry in rig.console.log]
    assert len(results) == 2 and all(r.startswith("failed") for r in results)
    _, body, _ = get(rig.url + "/panels")
    assert "three" in json.loads(body)["log"]


def test_unknown_device_is_404(rig) -> None:
    assert post(rig.url + "/act/toaster/status") == 404
    assert get(rig.url + "/api/toaster/status")[0] == 404


def test_status_api_is_the_simulators_status(rig) -> None:
    status, body, kind = get(rig.url + "/api/printer/status")
    assert status == 200 and kind == "application/json"
    assert json.loads(body)["paper"] == "ok"


def test_printed_receipt_is_shown_as_an_image(rig) -> None:
    printer = printer_from(rig.fleet.kiosk_settings().printer)
    printer.print_now((Line("Ačiū, kad naudojatės biblioteka!"), Cut()))
    number = ControlClient(rig.fleet.running["printer"].control).call("last")["number"]
    _, body, _ = get(rig.url + "/")
    assert f'src="/receipt/{number}.png"' in body.decode()
    status, image, kind = get(rig.url + f"/receipt/{number}.png")
    assert (status, kind) == (200, "image/png")
    assert image.startswith(b"\x89PNG")
    assert get(rig.url + "/receipt/9999.png")[0] == 404


def test_unreachable_simulator_shows_in_its_panel(rig) -> None:
    rig.console.controls["rooms"], saved = "http://127.0.0.1:9", rig.console.controls["rooms"]
    try:
        _, body, _ = get(rig.url + "/")
        assert "not reachable" in body.decode()
    finally:
        rig.console.controls["rooms"] = saved


def test_lookups_show_their_answer(rig) -> None:
    post(rig.url + "/act/_any", target="ils/item", params="barcode=9786090100011")
    [entry] = rig.console.log
    assert entry["result"] == "ok barcode=9786090100011"
    assert '"title": "Metai"' in entry["answer"]
    _, body, _ = get(rig.url + "/")
    assert "Metai" in body.decode().split('id="console-log"')[1]


def test_every_sim_command_action_is_offered() -> None:
    """What `kiosk sim X ACTION` can do, the console's action table can do."""
    from simulators.console.actions import ACTIONS
    from simulators.lockers.cli import ACTIONS as LOCKER_COMMANDS
    from simulators.printer.cli import FAULTS as PRINTER_FAULTS
    from simulators.rooms.cli import ACTIONS as ROOMS_COMMANDS

    assert {action for action, _, _ in LOCKER_COMMANDS.values()} <= set(ACTIONS["lockers"])
    assert {action for action, _ in PRINTER_FAULTS.values()} <= set(ACTIONS["printer"])
    rooms = {name.replace("-", "_") for name in ROOMS_COMMANDS} - {"status"}
    assert rooms <= set(ACTIONS["rooms"])
