"""`kiosk payments pay/list/status/end-of-day/recover`, the real commands against the ILS
simulator (SIP2) and the ZVT terminal simulator over loopback TCP: JSON out, exit 0 paid,
1 not paid, 2 usage, 3 unreachable; an independent SIP2 read sees the fee reduced."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.cli import main
from simulators.ils.simulator import IlsSimulator
from simulators.models.payment_terminal import PaymentTerminalModel, Timings
from simulators.payment.app import PaymentSimulator

FINED, PIN = "2100000005", "5678"  # F0001 3.00 (oldest) + F0002 9.40


@pytest.fixture
def sims() -> Iterator[tuple[IlsSimulator, PaymentSimulator]]:
    model = PaymentTerminalModel(password=123456)
    with (
        IlsSimulator(encoding="utf-8", dialect="koha") as ils,
        PaymentSimulator(model, timings=Timings(0, 0, 0, 0.05)) as terminal,
    ):
        yield ils, terminal


def config_for(tmp_path: Path, ils_port: int, terminal_url: str, mode: str = "reversal",
               register: str = "none") -> str:  # fmt: skip
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""[kiosk]
data_dir = "{tmp_path / "var"}"

[ils]
host = "127.0.0.1"
port = {ils_port}
username = "kiosk1"
password = "demo"
institution = "AVB"
location = "ABONEMENTAS"
encoding = "utf-8"
timeout_s = 2.0
keepalive_s = 0

[payment_terminal]
url = "{terminal_url}"
password = 123456
hold_mode = "{mode}"
ack_timeout_s = 2.0
completion_timeout_s = 5.0
connect_timeout_s = 2.0

[payments]
minimum_cents = 50
cash_register = "{register}"
""",
        encoding="utf-8",
    )
    return str(path)


def kiosk(config: str, *args: str) -> int:
    return main(["--config", config, "payments", *args])


def out(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("mode", ["reversal", "preauth"])
def test_pay_one_fee_then_the_rest(sims, tmp_path, capsys, monkeypatch, mode) -> None:
    ils, terminal = sims
    config = config_for(tmp_path, ils.port, terminal.tcp_url, mode)
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    assert kiosk(config, "pay", "--card", FINED, "--pin", "-", "--fee", "F0002") == 0
    paid = out(capsys)
    assert paid["result"] == "paid" and paid["recorded_cents"] == 940
    assert paid["new_balance_cents"] == 300 and paid["receipt_number"]
    assert FINED not in json.dumps(paid) and PIN not in json.dumps(paid)
    assert ils.library.balance(FINED) == 3  # the library system's own books
    assert main(["--config", config, "ils", "patron", FINED]) == 0
    assert out(capsys)["fee_amount"] == "3.00"  # a fresh SIP2 session sees it reduced
    assert kiosk(config, "pay", "--card", FINED, "--all") == 0
    assert out(capsys)["new_balance_cents"] == 0
    assert terminal.model.totals()["amount_cents"] == 1240
    assert kiosk(config, "list", "--json") == 0
    listed = out(capsys)["payments"]
    assert [p["state"] for p in listed] == ["paid", "paid"]
    assert kiosk(config, "end-of-day") == 0
    closed = out(capsys)
    assert closed["closed"] and (closed["count"], closed["amount_cents"]) == (2, 1240)


def test_declined_is_exit_1_and_nothing_recorded(sims, tmp_path, capsys) -> None:
    ils, terminal = sims
    terminal.model.arm("decline")
    config = config_for(tmp_path, ils.port, terminal.tcp_url)
    assert kiosk(config, "pay", "--card", FINED, "--all") == 1
    result = out(capsys)
    assert (result["result"], result["why"], result["state"]) == ("not_paid", "declined",
                                                                  "not_charged")  # fmt: skip
    assert ils.library.balance(FINED) == Decimal("12.40")


def test_amount_below_the_minimum_is_refused(sims, tmp_path, capsys) -> None:
    ils, terminal = sims
    config = config_for(tmp_path, ils.port, terminal.tcp_url)
    assert kiosk(config, "pay", "--card", FINED, "--all", "--amount", "0.20") == 1
    assert out(capsys) == {"result": "choice_refused", "why": "below_minimum",
                           "text": "20 < 50 cents"}  # fmt: skip
    assert terminal.model.journal() == []


@pytest.mark.parametrize(
    "args",
    [["--fee", "F0001", "--amount", "1"], ["--all", "--amount", "1.234"],
     ["--all", "--amount", "x"], ["--all", "--fee", "F0001"], []],
)  # fmt: skip
def test_usage_errors_are_exit_2(sims, tmp_path, capsys, args) -> None:
    ils, terminal = sims
    config = config_for(tmp_path, ils.port, terminal.tcp_url)
    try:
        code = kiosk(config, "pay", "--card", FINED, *args)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    assert code == 2


def test_unreachable_library_system_is_exit_3(sims, tmp_path, capsys) -> None:
    ils, terminal = sims
    config = config_for(tmp_path, ils.port, terminal.tcp_url)
    ils.stop()
    assert kiosk(config, "pay", "--card", FINED, "--all") == 3
    assert out(capsys)["why"] == "offline"
    assert terminal.model.journal() == []


def test_unreachable_terminal_is_exit_3(sims, tmp_path, capsys) -> None:
    ils, _ = sims
    config = config_for(tmp_path, ils.port, "tcp://127.0.0.1:9")  # nothing listens there
    assert kiosk(config, "pay", "--card", FINED, "--all") == 3
    assert out(capsys)["why"] == "terminal_unavailable"
    assert ils.library.balance(FINED) == Decimal("12.40")
    assert kiosk(config, "status") == 3
    assert out(capsys)["terminal"]["ready"] is False


def test_status_lists_the_unsettled(sims, tmp_path, capsys) -> None:
    ils, terminal = sims
    config = config_for(tmp_path, ils.port, terminal.tcp_url)
    assert kiosk(config, "status") == 0
    assert out(capsys)["unsettled"] == []
    terminal.model.arm("drop_after_authorisation")
    assert kiosk(config, "pay", "--card", FINED, "--all") == 1
    assert out(capsys)["result"] == "sent_to_staff"
    assert kiosk(config, "status") == 1
    status = out(capsys)
    assert status["terminal"]["ready"] and len(status["unsettled"]) == 1
    assert status["unsettled"][0]["receipt_number"] and status["unsettled"][0]["reason"]
    assert kiosk(config, "recover") == 0  # told staff already: nothing left to do
    assert out(capsys) == {"recovered": []}
    payment_id = status["unsettled"][0]["payment_id"]
    assert kiosk(config, "resolve", payment_id, "--note", "checked: charged and recorded") == 0
    assert out(capsys)["resolved"] is True
    assert kiosk(config, "resolve", payment_id, "--note", "again") == 1
    capsys.readouterr()
    assert kiosk(config, "status") == 0
    assert out(capsys)["unsettled"] == []
    assert kiosk(config, "list", "--json") == 0
    assert out(capsys)["payments"][0]["state"] == "to_staff"  # the report still sees it


def test_the_journal_cash_register_gets_the_sale(sims, tmp_path, capsys) -> None:
    ils, terminal = sims
    config = config_for(tmp_path, ils.port, terminal.tcp_url, register="journal")
    assert kiosk(config, "pay", "--card", FINED, "--fee", "F0001") == 0
    payment_id = out(capsys)["payment_id"]
    register = (tmp_path / "var" / "cash-register.jsonl").read_text(encoding="utf-8")
    assert payment_id in register and FINED not in register
