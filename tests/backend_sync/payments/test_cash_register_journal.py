"""The journal-file cash register on a real file: one fsync'd JSON line per sale/refund,
idempotent per payment across restarts, 0600, masked card, a torn last line after a crash."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

from backend_sync.payments.cash_register_journal import JournalCashRegister
from kiosk.core.payments.cash_register import CashRegister
from tests.backend_sync.payments.samples import RECORDS

SALE = RECORDS[0]  # p-1: 12,50 €, overdue + damage
OTHER = RECORDS[1]  # p-2: 1,20 €


def lines(path: Path) -> list[dict]:
    return [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines()]


def test_it_is_a_cash_register(tmp_path: Path) -> None:
    register: CashRegister = JournalCashRegister(tmp_path / "cash-register.jsonl")
    register.record_sale(SALE)


def test_a_sale_is_one_line_with_what_a_register_needs(tmp_path: Path) -> None:
    path = tmp_path / "fiscal" / "cash-register.jsonl"
    JournalCashRegister(path).record_sale(SALE)
    [line] = lines(path)
    assert line == {
        "v": 1, "kind": "sale", "payment_id": "p-1", "kiosk_id": "centras",
        "at": "2026-11-25T09:15:40", "amount_cents": 1250, "currency": "EUR",
        "fee_types": ["overdue", "damage"], "trace_number": 101, "receipt_number": 11,
        "terminal_id": "52500012", "card_brand": "Visa", "card": "************4242",
    }  # fmt: skip
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_never_a_full_card_number(tmp_path: Path) -> None:
    path = tmp_path / "cr.jsonl"
    JournalCashRegister(path).record_sale(replace(SALE, bank_card_masked="4242424242424242"))
    text = path.read_text(encoding="utf-8")
    assert "424242424242" not in text
    assert lines(path)[0]["card"] == "************4242"


def test_a_repeated_call_writes_nothing_twice_even_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "cr.jsonl"
    register = JournalCashRegister(path)
    register.record_sale(SALE)
    register.record_sale(SALE)
    JournalCashRegister(path).record_sale(SALE)  # the kiosk restarted and repeats the call
    JournalCashRegister(path).record_sale(OTHER)
    assert [(line["payment_id"], line["kind"]) for line in lines(path)] == [
        ("p-1", "sale"),
        ("p-2", "sale"),
    ]


def test_a_refund_takes_the_sale_amount_once(tmp_path: Path) -> None:
    path = tmp_path / "cr.jsonl"
    JournalCashRegister(path).record_sale(SALE)
    given_back = replace(SALE, state="reversed", settled_at=SALE.started_at.replace(hour=16))
    register = JournalCashRegister(path)
    register.record_refund(given_back)
    register.record_refund(given_back)
    refunds = [line for line in lines(path) if line["kind"] == "refund"]
    assert [(r["payment_id"], r["amount_cents"], r["at"]) for r in refunds] == [
        ("p-1", 1250, "2026-11-25T16:15:00")
    ]


def test_a_payment_that_charged_nothing_is_no_sale(tmp_path: Path) -> None:
    path = tmp_path / "cr.jsonl"
    JournalCashRegister(path).record_sale(RECORDS[2])  # declined
    assert not path.exists()


def test_a_torn_last_line_is_cut_off_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "cr.jsonl"
    JournalCashRegister(path).record_sale(SALE)
    with path.open("ab") as handle:  # the power went while p-2's line was being written
        handle.write(b'{"v": 1, "kind": "sale", "payment_id": "p-2", "amou')
    register = JournalCashRegister(path)
    register.record_sale(OTHER)  # the orchestrator repeats the call after the restart
    register.record_sale(SALE)
    assert [(line["payment_id"], line["amount_cents"]) for line in lines(path)] == [
        ("p-1", 1250),
        ("p-2", 120),
    ]


def test_a_whole_last_line_missing_only_its_newline_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "cr.jsonl"
    JournalCashRegister(path).record_sale(SALE)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    register = JournalCashRegister(path)
    register.record_sale(SALE)  # already there: not twice
    register.record_sale(OTHER)
    assert [line["payment_id"] for line in lines(path)] == ["p-1", "p-2"]


def test_a_damaged_middle_line_is_kept_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "cr.jsonl"
    path.write_text("not json at all\n", encoding="utf-8")
    JournalCashRegister(path).record_sale(SALE)
    raw = path.read_text(encoding="utf-8").splitlines()
    assert raw[0] == "not json at all"
    assert json.loads(raw[1])["payment_id"] == "p-1"


def test_trouble_with_the_file_never_raises_and_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    told: list[str] = []
    register = JournalCashRegister(blocker / "cr.jsonl", on_trouble=told.append)
    register.record_sale(SALE)  # the payment is settled: the port must not raise
    assert register.trouble and "cannot write" in register.trouble
    assert told == [register.trouble]
