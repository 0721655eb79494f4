"""The ILS simulator's control API and `kiosk sim ils` command line against a running simulator."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from backend_sync.sip2.spec import SUPPORTED_MESSAGES
from kiosk.cli import main
from simulators.control import ControlClient, ControlError
from simulators.ils.dataset import DatasetError, load_library
from simulators.ils.simulator import IlsSimulator

JONAS, FINED = "2100000002", "2100000005"
AVAILABLE = "9786090100011"


@pytest.fixture(scope="module")
def running() -> Iterator[tuple[IlsSimulator, str]]:
    """One simulator with its control API for the module (stopping a control API takes
    half a second); each test gets it back clean."""
    sim = IlsSimulator().start()
    url = sim.start_control()
    yield sim, url
    sim.stop()


@pytest.fixture
def controlled(running: tuple[IlsSimulator, str]) -> tuple[IlsSimulator, str]:
    sim, url = running
    sim.set_online()
    sim.faults.clear()
    sim.set_supported(on=SUPPORTED_MESSAGES)
    sim.reset_data()
    return sim, url


def test_control_api_faults_state_and_reset(start_sim, connect, sip) -> None:
    sim = start_sim(dialect="folio")
    control = ControlClient(sim.start_control())
    status = control.call("status")
    assert status["dialect"] == "folio" and status["encoding"] == "cp850"
    assert status["patrons"] == 13 and status["items"] == 40
    assert control.call("drop", when="after", count=2)["drop_after"] == 2
    assert control.call("latency", ms=5)["latency_ms"] == 5
    assert control.call("garble", count=0)["garble"] == -1  # until cleared
    assert control.call("clear") == sim.faults.snapshot()
    assert sim.faults.state.drop_after == 0 and sim.faults.state.latency_ms == 0

    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sc.ask(sip.checkout(JONAS, AVAILABLE), 1)
    counters = control.call("counters")
    assert {"kind": "checkout", "key": AVAILABLE, "count": 1} in counters["applied"]
    assert counters["events"]["answered_11"] == 1
    assert AVAILABLE in [loan["item"] for loan in control.call("patron", barcode=JONAS)["loans"]]
    assert control.call("item", barcode=AVAILABLE)["on_loan_to"] == JONAS
    assert control.call("patron", barcode=FINED)["balance"] == "12.40"
    control.call("reset")
    assert control.call("item", barcode=AVAILABLE)["circulation"] == "available"


def test_control_api_switches_messages_off_in_bx(controlled, connect, sip) -> None:
    sim, url = controlled
    control = ControlClient(url)
    assert "15" not in control.call("supported", off=["15"])
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    assert (sc.ask(sip.sc_status(), 1).get("BX") or "")[13] == "N"


def test_control_api_rejects_bad_parameters(controlled) -> None:
    control = ControlClient(controlled[1])
    with pytest.raises(ControlError, match="when must be"):
        control.call("drop", when="sometimes")
    with pytest.raises(ControlError, match="no patron"):
        control.call("patron", barcode="0")
    with pytest.raises(ControlError, match="count must be"):
        control.call("swallow", count=-3)


@pytest.mark.parametrize(
    ("argv", "field", "value"),
    [
        (["latency", "--ms", "500"], "latency_ms", 500),
        (["drop", "--when", "before"], "drop_before", 1),
        (["drop", "--count", "3"], "drop_after", 3),
        (["swallow", "--count", "0"], "swallow", -1),
        (["swallow", "--when", "after"], "swallow_after", 1),
        (["garble"], "garble", 1),
        (["bad-checksum"], "bad_checksum", 1),
        (["resend", "--count", "0", "--command", "17"], "resend", -1),
        (["offline", "--mode", "status"], "offline", "status"),
    ],
)
def test_kiosk_sim_ils_fault_command(controlled, capsys, argv, field, value) -> None:
    sim, url = controlled
    assert main(["sim", "ils", "fault", "--control", url, *argv]) == 0
    assert json.loads(capsys.readouterr().out)[field] == value
    assert sim.faults.snapshot()[field] == value
    assert main(["sim", "ils", "fault", "--control", url, "clear"]) == 0
    assert sim.faults.snapshot()[field] in (0, "")


def test_kiosk_sim_ils_lookups(controlled, capsys) -> None:
    url = controlled[1]
    assert main(["sim", "ils", "patron", "--control", url, JONAS]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "Jonas Petraitis"
    assert main(["sim", "ils", "item", "--control", url, "nope"]) == 1
    assert "no item" in capsys.readouterr().err


def test_kiosk_sim_ils_unreachable_control_is_exit_3(capsys) -> None:
    assert main(["sim", "ils", "status", "--control", "http://127.0.0.1:9"]) == 3
    assert "not reachable" in capsys.readouterr().err


def test_kiosk_sim_ils_bad_data_file_is_one_line(tmp_path, capsys) -> None:
    bad = tmp_path / "library.json"
    bad.write_text('{"format": "knygomatas-ils-1", "institution": "AVB"}', encoding="utf-8")
    assert main(["sim", "ils", "--data", str(bad), "--port", "0", "--control-port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "name" in err and str(bad) in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"format": "other"}', "format"),
        (
            '{"format": "knygomatas-ils-1", "institution": "A", "name": "B", '
            '"accounts": [{"user": "k", "password": "p"}], '
            '"patrons": [{"barcode": "1", "name": "X", "pin": "1"}], '
            '"loans": [{"item": "nope", "patron": "1"}]}',
            "loans: unknown item 'nope'",
        ),
        (
            '{"format": "knygomatas-ils-1", "institution": "A", "name": "B", '
            '"accounts": [{"user": "k", "password": "p"}], "patrons": ['
            '{"barcode": "1", "name": "X", "pin": "1"}, '
            '{"barcode": "1", "name": "Y", "pin": "2"}]}',
            "appears twice",
        ),
        (
            '{"format": "knygomatas-ils-1", "institution": "A", "name": "B", '
            '"accounts": [{"user": "k", "password": "p"}], "colour": "red"}',
            "colour",
        ),
        (
            '{"format": "knygomatas-ils-1", "institution": "A", "name": "B|C", '
            '"accounts": [{"user": "k", "password": "p"}]}',
            "name: Value error, must be at most 255 characters without",
        ),
    ],
)
def test_data_file_errors_name_the_file_and_the_key(tmp_path, text, message) -> None:
    path = tmp_path / "library.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=message) as caught:
        load_library(path)
    assert str(path) in str(caught.value)


def test_demo_library_has_what_the_demo_needs(sip) -> None:
    library, accounts = load_library(today=sip.NOW.date())
    assert len(library.patrons()) == 13 and len(library.items()) == 40  # 12 + the staff card
    assert {a.user for a in accounts} == {"kiosk1", "knygomatas1"}
    waiting = [h for p in library.patrons() for h in library.holds_of(p.barcode) if h.waiting_since]
    assert {h.pickup for h in waiting} == {"KNYGOMATAS-1"}
    assert any(item.parts == 2 for item in library.items())
    assert any(library.rules.loan_days_for(item.item_type) == 0 for item in library.items())
