"""`kiosk payments report` and `send-report` on a real journal: payments taken by the real
PaymentDesk (the SIP2 client against the ILS simulator over loopback, the FakeTerminal on
the terminal simulator's model) into the SQLite journal under [kiosk] data_dir, the report
read back as text, CSV and PDF, and mailed to a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import pty
import socket
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from backend_sync.store.payments_journal import SqlitePaymentJournal
from kiosk.cli import main
from kiosk.core.clock import ManualClock
from kiosk.core.payments.desk import PaymentDesk
from kiosk.core.payments.fees import FeeRules, PayChosen
from kiosk.core.payments.records import TerminalClose
from kiosk.core.payments.results import NotPaid, Paid
from kiosk.core.payments.saga import PaymentHold
from kiosk.core.payments.terminal import EUR
from kiosk.demo.in_process import sip2_client
from kiosk.settings import ConfigError, load_settings
from kiosk.wiring.payments_report import nightly_report_from
from simulators.ils.simulator import IlsSimulator
from simulators.models.payment_terminal import PaymentTerminalModel
from simulators.payment.fake import FakeTerminal

FINED, PIN = "2100000005", "5678"  # F0001 3.00 (oldest) + F0002 9.40
NOW = datetime(2026, 11, 25, 10, 0)
DAY = "2026-11-25"


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(tmp_path: Path, smtp_port: int | None, report_to: str = '["buh@biblioteka.lt"]'):
    path = tmp_path / "kiosk.toml"
    text = (
        f'[kiosk]\nid = "centras"\nlibrary_name = "Šiaulių biblioteka"\n'
        f'data_dir = "{tmp_path / "data"}"\ntimezone = "Europe/Vilnius"\n'
        f'[log]\nlevel = "error"\n[payments]\nreport_to = {report_to}\nreport_time = "23:30"\n'
    )
    if smtp_port is not None:
        text += (
            f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\n'
            'from_address = "kioskas@biblioteka.lt"\ntimeout_s = 2\n'
        )
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def journal_day(tmp_path: Path) -> PaymentTerminalModel:
    """A day on the real desk: F0001 paid (3,00 €), a declined card, F0002 paid by
    pre-authorisation (9,40 €), the terminal's end-of-day; then an extra close that the kiosk
    knows nothing of, on the second kiosk, so the report has a mismatch to show."""
    clock = ManualClock(NOW)
    model = PaymentTerminalModel(clock=clock.now)
    journal = SqlitePaymentJournal.open(tmp_path / "data" / "payments.sqlite")
    with (
        IlsSimulator(encoding="utf-8", clock=clock.now, dialect="koha") as sim,
        asyncio.Runner() as runner,
    ):
        ids = iter(f"pay-{n}" for n in range(1, 100))

        def desk(mode: PaymentHold) -> PaymentDesk:
            return PaymentDesk(
                library=sip2_client(sim, clock), terminal=FakeTerminal(model),
                journal=journal, rules=FeeRules(), hold_mode=mode, currency=EUR,
                kiosk_id="centras", clock=clock, new_id=lambda: next(ids),
            )  # fmt: skip

        first = runner.run(desk(PaymentHold.REVERSAL).pay(FINED, PIN, PayChosen(("F0001",))))
        assert isinstance(first, Paid)
        clock.advance(600)
        model.arm("decline")
        declined = runner.run(desk(PaymentHold.REVERSAL).pay(FINED, PIN, PayChosen(("F0002",))))
        assert isinstance(declined, NotPaid)
        clock.advance(600)
        second = runner.run(desk(PaymentHold.PREAUTH).pay(FINED, PIN, PayChosen(("F0002",))))
        assert isinstance(second, Paid)
        clock.advance(8 * 3600)
        runner.run(desk(PaymentHold.REVERSAL).end_of_day())
    journal.write_close_now(TerminalClose("šilainiai", datetime(2026, 11, 25, 19, 0), 1, 250))
    journal.close()
    return model


def test_the_text_report_from_the_real_journal(tmp_path, journal_day, capsys) -> None:
    config = write_config(tmp_path, None)
    assert main(["--config", config, "payments", "report", "--day", DAY]) == 0
    out = capsys.readouterr().out
    assert "Iš viso: 12,40 €" in out
    assert "centras: 12,40 €" in out
    assert "NESUTAMPA: kioskas šilainiai: terminalas 1 / 2,50 €, kioskas 0 / 0,00 €" in out


def test_the_csv_matches_the_terminal_and_lists_every_payment(tmp_path, journal_day) -> None:
    config = write_config(tmp_path, None)
    out = tmp_path / "report.csv"
    assert (
        main(["--config", config, "payments", "report", "--day", DAY, "--csv", "--out", str(out)])
        == 0
    )
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    payments = [r for r in rows if len(r) == 16 and r[0] == "centras"]
    states = [r[6] for r in payments]
    assert states == ["Apmokėta", "Nenuskaičiuota", "Apmokėta"]
    assert [r[9] for r in payments] == ["3,00", "0,00", "9,40"]
    assert [r[13] for r in payments] == ["Įrašyta", "Nesiųsta", "Įrašyta"]  # the ILS' word
    assert all("4111111111111111" not in cell for r in rows for cell in r)
    [centras] = [r for r in rows if r[:2] == ["centras", "Sutampa"]]  # the terminal agrees
    assert centras[2:7] == ["2", "12,40", "2", "12,40", "0,00"]


def test_the_pdf_from_the_real_journal(tmp_path, journal_day) -> None:
    config = write_config(tmp_path, None)
    out = tmp_path / "report.pdf"
    assert (
        main(["--config", config, "payments", "report", "--day", DAY, "--pdf", "--out", str(out)])
        == 0
    )
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Šiaulių biblioteka" in text and "Apmokėta" in text and "Nenuskaičiuota" in text
    assert "NESUTAMPA: kioskas šilainiai" in text and "12,40 €" in text


def test_no_journal_says_so(tmp_path, capsys) -> None:
    config = write_config(tmp_path, None)
    assert main(["--config", config, "payments", "report", "--day", DAY]) == 1
    assert "no payment journal at" in capsys.readouterr().err
    assert not (tmp_path / "data" / "payments.sqlite").exists()  # not created by reading


def test_send_report_mails_the_attachment(tmp_path, journal_day, smtp, capsys) -> None:
    config = write_config(tmp_path, smtp.port)
    assert main(["--config", config, "payments", "send-report", "--day", DAY, "--csv"]) == 0
    [message] = smtp.messages
    assert message["To"] == "buh@biblioteka.lt"
    assert message["Subject"] == "Mokėjimų ataskaita 2026-11-25 — NESUTAMPA"
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "mokejimai-2026-11-25.csv"
    assert "sent to buh@biblioteka.lt" in capsys.readouterr().out


def test_send_report_without_a_recipient_or_smtp_is_a_usage_error(
    tmp_path, journal_day, capsys
) -> None:
    assert (
        main(["--config", write_config(tmp_path, None), "payments", "send-report", "--day", DAY])
        == 2
    )
    assert "[smtp]" in capsys.readouterr().err
    config = write_config(tmp_path, free_port(), report_to="[]")
    assert main(["--config", config, "payments", "send-report", "--day", DAY]) == 2
    assert "report_to is empty" in capsys.readouterr().err


def test_send_report_to_an_unreachable_server_exits_3(tmp_path, journal_day, capsys) -> None:
    config = write_config(tmp_path, free_port())  # nobody listens
    assert main(["--config", config, "payments", "send-report", "--day", DAY]) == 3
    assert "was not sent" in capsys.readouterr().err


def test_help_texts(capsys) -> None:
    for action in ("report", "send-report"):
        with pytest.raises(SystemExit) as done:
            main(["payments", action, "--help"])
        assert done.value.code == 0
        assert "--day" in capsys.readouterr().out


def test_the_nightly_task_from_the_settings(tmp_path, journal_day, smtp) -> None:
    settings = load_settings(Path(write_config(tmp_path, smtp.port)))
    clock = ManualClock(datetime(2026, 11, 25, 23, 31))
    (tmp_path / "data" / "payments-report-sent").write_text("2026-11-24\n", encoding="ascii")
    task = nightly_report_from(settings, clock)
    assert task is not None
    assert asyncio.run(task.step()) == [date(2026, 11, 25)]
    [message] = smtp.messages
    assert next(iter(message.iter_attachments())).get_filename() == "mokejimai-2026-11-25.pdf"


def test_no_nightly_task_without_recipients_and_none_without_smtp(tmp_path) -> None:
    assert (
        nightly_report_from(load_settings(Path(write_config(tmp_path, 25, report_to="[]")))) is None
    )
    with pytest.raises(ConfigError, match=r"\[smtp\]"):
        nightly_report_from(load_settings(Path(write_config(tmp_path, None))))


def test_a_pdf_is_not_written_to_a_terminal(tmp_path, journal_day) -> None:
    config = write_config(tmp_path, None)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())",
             "--config", config, "payments", "report",
             "--day", DAY, "--pdf"],
            stdout=follower, stderr=subprocess.PIPE, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 1
    assert b"--out FILE" in done.stderr
