"""`kiosk doctor` against the real simulator fleet (config/demo.toml on free ports) and the ZVT
terminal simulator: all green when nothing is wrong; each fault named in words with what to do;
the paper out and a jammed door are exactly two problems; no lock released and nothing printed
unless asked."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.commands.doctor import diagnose
from kiosk.commands.doctor_checks import Finding, Options
from kiosk.settings import Settings, load_settings
from simulators.control import ControlClient
from simulators.fleet import Fleet, FleetOptions
from simulators.models.payment_terminal import PaymentTerminalModel, Timings
from simulators.payment.app import PaymentSimulator

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("receipts")


@pytest.fixture(scope="module")
def fleet(out_dir: Path) -> Iterator[Fleet]:
    options = FleetOptions(any_ports=True, out_dir=out_dir, time_scale=0)
    with Fleet(load_settings(ROOT / "config" / "demo.toml"), options) as running:
        yield running


@pytest.fixture(scope="module")
def terminal() -> Iterator[PaymentSimulator]:
    with PaymentSimulator(PaymentTerminalModel(), timings=Timings(0, 0, 0, 0.05)) as sim:
        yield sim


@pytest.fixture
def settings(fleet: Fleet, terminal: PaymentSimulator, tmp_path: Path) -> Settings:
    return changed(
        fleet.kiosk_settings(),
        kiosk={"data_dir": str(tmp_path)},
        payment_terminal={"url": terminal.tcp_url, "completion_timeout_s": 5},
    )


def changed(settings: Settings, **tables: dict[str, Any]) -> Settings:
    data = settings.model_dump(exclude_none=True)
    for name, values in tables.items():
        data[name] = data.get(name, {}) | values
    return Settings.model_validate(data)


def control(fleet: Fleet, name: str) -> ControlClient:
    return ControlClient(fleet.running[name].control)


def problems(findings: list[Finding]) -> dict[str, Finding]:
    return {f.part: f for f in findings if not f.ok}


@pytest.fixture(autouse=True)
def clean_fleet(fleet: Fleet) -> Iterator[None]:
    yield
    control(fleet, "printer").call("clear")
    control(fleet, "lockers").call("reset")
    control(fleet, "rfid").call("remove", all=True)


def test_all_green_on_the_demo_fleet_and_nothing_moves(settings, fleet, out_dir) -> None:
    findings = diagnose(settings, Options())
    assert problems(findings) == {}
    parts = {f.part for f in findings}
    assert {"library system (SIP2)", "RFID reader", "printer", "lock board b1",
            "compartment doors", "booking system (LibCal)", "mail server (SMTP)",
            "payment terminal", "data directory"} <= parts  # fmt: skip
    bank = control(fleet, "lockers").call("status")
    assert all(c["door"] == "closed" for c in bank["compartments"].values())
    assert not list(out_dir.rglob("*.txt")) and not list(out_dir.rglob("*.bin"))


def test_paper_out_and_a_jammed_door_are_exactly_two_problems(settings, fleet) -> None:
    control(fleet, "printer").call("paper", level="out")
    control(fleet, "lockers").call("jam", compartment=3)
    found = problems(diagnose(settings, Options(open_doors=True, door_wait_s=0.3)))
    assert set(found) == {"printer", "compartment 3"}
    assert found["printer"].said == "paper out" and "load a paper roll" in found["printer"].todo
    assert "door stayed closed" in found["compartment 3"].said
    assert "jammed lock" in found["compartment 3"].said
    bank = control(fleet, "lockers").call("status")["compartments"]
    configured = {str(c.id) for c in settings.lockers.compartments}
    closed = [n for n, c in bank.items() if n in configured and c["door"] == "closed"]
    assert closed == ["3"]  # every other configured door was opened


def test_a_door_left_open_is_found_without_opening_any(settings, fleet) -> None:
    control(fleet, "lockers").call("force_door", compartment=5)
    found = problems(diagnose(settings, Options()))
    assert set(found) == {"compartment 5"} and "close it" in found["compartment 5"].todo


def test_a_silent_lock_board(settings, fleet) -> None:
    control(fleet, "lockers").call("silence", board="b1")
    found = problems(diagnose(settings, Options()))
    assert set(found) == {"lock board b1"} and "does not answer" in found["lock board b1"].said


def test_wrong_sip2_password_says_so(settings) -> None:
    wrong = changed(settings, ils={"password": "not-it"})
    found = problems(diagnose(wrong, Options()))
    assert set(found) == {"library system (SIP2)"}
    assert "username and password" in found["library system (SIP2)"].todo


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_services_that_are_not_running(settings) -> None:
    port = free_port()  # nothing listens there: a stopped simulator
    dead = changed(
        settings,
        ils={"port": port, "timeout_s": 1},
        rfid={"url": f"socket://127.0.0.1:{port}", "timeout_s": 0.5},
        rooms={"base_url": f"http://127.0.0.1:{port}", "timeout_s": 1},
        smtp={"port": port},
        payment_terminal={"url": f"tcp://127.0.0.1:{port}", "connect_timeout_s": 1},
    )
    found = problems(diagnose(dead, Options()))
    assert set(found) == {"library system (SIP2)", "RFID reader", "booking system (LibCal)",
                          "mail server (SMTP)", "payment terminal"}  # fmt: skip
    assert all(f.todo for f in found.values())
    assert "ISO-host" in found["RFID reader"].todo


def test_wrong_libcal_secret(settings) -> None:
    found = problems(diagnose(changed(settings, rooms={"client_secret": "nope"}), Options()))
    assert set(found) == {"booking system (LibCal)"}
    assert "client_secret" in found["booking system (LibCal)"].todo


def test_terminal_wanting_end_of_day(settings, terminal) -> None:
    terminal.model.arm("end_of_day_needed", 0)
    try:
        found = problems(diagnose(settings, Options()))
    finally:
        terminal.model.clear()
    assert set(found) == {"payment terminal"}


def test_test_tags_show_data_model_and_security(settings, fleet) -> None:
    good = control(fleet, "rfid").call("place", item="3010856677")["uid"]
    odd = control(fleet, "rfid").call("place", item="3010856678")["uid"]
    fleet.running["rfid"].handle.model.write_afi(odd, 0x00)
    findings = {f.part: f for f in diagnose(settings, Options())}
    assert findings[f"tag {good}"].ok
    assert "3010856677" in findings[f"tag {good}"].said and "checked in" in findings[
        f"tag {good}"].said  # fmt: skip
    assert not findings[f"tag {odd}"].ok and "afi_checked_in" in findings[f"tag {odd}"].todo


def test_print_prints_the_code_page_page(settings, fleet) -> None:
    before = control(fleet, "printer").call("status")
    findings = {f.part: f for f in diagnose(settings, Options(print_test=True))}
    assert findings["printer test page"].ok and "code_page" in findings["printer test page"].said
    after = control(fleet, "printer").call("status")
    assert after != before  # the simulator received a job


def test_the_command_exit_code_and_json(fleet, tmp_path: Path, capsys) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nid = "demo-1"\ndata_dir = "{tmp_path}"\n[log]\nlevel = "error"\n'
        f'[printer]\nurl = "{fleet.running["printer"].address}"\n'
    )
    assert main(["--config", str(config), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "ok      printer: online" in out and "checks fine" in out
    control(fleet, "printer").call("cover", open=True)
    assert main(["--config", str(config), "doctor", "--json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["ok"] is False
    assert [f["part"] for f in body["findings"] if not f["ok"]] == ["printer"]


def test_doctor_help_names_the_switches(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["doctor", "--help"])
    text = capsys.readouterr().out
    assert "--open-doors" in text and "--print" in text and "Exit codes" in text
