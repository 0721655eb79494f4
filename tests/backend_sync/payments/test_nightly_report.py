"""The nightly report against a real SMTP server on loopback (aiosmtpd) with a ManualClock:
once a day at report_time, never twice across a restart, missed nights on the next start,
a refused or unreachable server tried again, PDF or CSV attached."""

from __future__ import annotations

import asyncio
import io
import socket
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pypdf import PdfReader

from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from backend_sync.payments.nightly_report import NightlyReport
from backend_sync.payments.report_mail import report_message
from kiosk.core.clock import ManualClock
from kiosk.core.payments.report import report_from_journal
from kiosk.i18n import Catalogs
from tests.backend_sync.payments.samples import DAY, sample_journal

MONEY = Catalogs().translator("lt").money
ACCOUNTANT = ["buhalterija@biblioteka.lt"]


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nightly(port: int, clock: ManualClock, state: Path, fmt: str = "pdf", **kw) -> NightlyReport:
    journal = sample_journal()

    def compose(day: date):
        return report_message(
            report_from_journal(journal, day),
            fmt,
            MONEY,
            to=ACCOUNTANT,
            from_address="kioskas@biblioteka.lt",
            library_name="Šiaulių biblioteka",
        )

    sender = SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=2))
    kw.setdefault("at", time(23, 30))
    return NightlyReport(compose, sender.send, clock=clock, state_file=state, **kw)


def days_of(inbox) -> list[str]:
    return [m["Subject"].split()[2] for m in inbox.messages]


def started(tmp_path: Path, last_sent: date) -> Path:
    state = tmp_path / "data" / "payments-report-sent"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(last_sent.isoformat() + "\n", encoding="ascii")
    return state


def test_sent_once_at_report_time_with_the_pdf(smtp, tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 23, 0))
    task = nightly(smtp.port, clock, started(tmp_path, date(2026, 11, 24)))
    assert asyncio.run(task.step()) == []  # 23:00: not yet
    clock.advance(30 * 60)
    assert asyncio.run(task.step()) == [DAY]
    assert asyncio.run(task.step()) == []
    [message] = smtp.messages
    assert message["To"] == ACCOUNTANT[0]
    assert message["Subject"] == "Mokėjimų ataskaita 2026-11-25 — NESUTAMPA"
    body = message.get_body(("plain",)).get_content()
    assert "Iš viso: 22,20 €" in body
    assert "skirtumas -1,00 €" in body
    [part] = list(message.iter_attachments())
    assert part.get_filename() == "mokejimai-2026-11-25.pdf"
    pdf = PdfReader(io.BytesIO(part.get_content()))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "NESUTAMPA: kioskas šilainiai" in text


def test_a_restart_does_not_send_twice(smtp, tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 23, 45))
    state = started(tmp_path, date(2026, 11, 24))
    assert asyncio.run(nightly(smtp.port, clock, state).step()) == [DAY]
    clock.advance(60)
    assert asyncio.run(nightly(smtp.port, clock, state).step()) == []  # the kiosk restarted
    assert days_of(smtp) == ["2026-11-25"]
    assert state.read_text(encoding="ascii").strip() == "2026-11-25"


def test_missed_nights_go_out_on_the_next_start_oldest_first(smtp, tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 9, 0))  # off since the 22nd's report
    state = started(tmp_path, date(2026, 11, 22))
    sent = asyncio.run(nightly(smtp.port, clock, state, fmt="csv").step())
    assert sent == [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)]
    assert days_of(smtp) == ["2026-11-23", "2026-11-24", "2026-11-25"]
    [csv_part] = list(smtp.messages[-1].iter_attachments())
    assert csv_part.get_filename() == "mokejimai-2026-11-25.csv"
    assert csv_part.get_content_type() == "text/csv"


def test_catch_up_is_limited(smtp, tmp_path, caplog) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 23, 45))
    state = started(tmp_path, date(2026, 11, 1))
    sent = asyncio.run(nightly(smtp.port, clock, state, catch_up_days=2).step())
    assert sent == [date(2026, 11, 24), DAY]
    assert "2026-11-02 … 2026-11-23 not sent" in caplog.text


def test_a_first_start_sends_nothing_from_the_past(smtp, tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 23, 45))
    state = tmp_path / "sent"
    task = nightly(smtp.port, clock, state)
    assert asyncio.run(task.step()) == []
    assert state.read_text(encoding="ascii").strip() == "2026-11-25"
    clock.advance(24 * 3600)
    assert asyncio.run(task.step()) == [date(2026, 11, 26)]


def test_a_morning_report_time_sends_the_day_before(smtp, tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 5, 59))
    task = nightly(smtp.port, clock, started(tmp_path, date(2026, 11, 24)), at=time(6, 0))
    assert asyncio.run(task.step()) == []
    clock.advance(60)
    assert asyncio.run(task.step()) == [DAY]


def test_a_refusing_server_is_tried_again_and_the_day_kept(smtp, tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 23, 45))
    state = started(tmp_path, date(2026, 11, 24))
    task = nightly(smtp.port, clock, state, retry_s=300)
    smtp.refuse_data = "451 4.3.0 try again later"
    assert asyncio.run(task.step()) == []
    assert task.last_error and "451" in task.last_error
    assert task.seconds_to_next(clock.now()) == 300
    assert state.read_text(encoding="ascii").strip() == "2026-11-24"
    smtp.refuse_data = None
    clock.advance(300)
    assert asyncio.run(task.step()) == [DAY]
    assert task.last_error is None


def test_an_unreachable_server_loses_nothing(tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 23, 45))
    state = started(tmp_path, date(2026, 11, 24))
    task = nightly(free_port(), clock, state)  # nobody listens there
    assert asyncio.run(task.step()) == []
    assert "not reachable" in (task.last_error or "")
    assert task.last_sent() == date(2026, 11, 24)


def test_a_damaged_state_file_is_a_first_start(smtp, tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 23, 45))
    state = tmp_path / "sent"
    state.write_text("garbage", encoding="ascii")
    assert asyncio.run(nightly(smtp.port, clock, state).step()) == []
    assert smtp.messages == []


def test_the_task_runs_until_stopped(smtp, tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 22, 0))
    naps: list[float] = []

    async def sleep(seconds: float) -> None:  # the clock moves as the task sleeps
        naps.append(seconds)
        clock.advance(seconds)
        if clock.now() > datetime(2026, 11, 26, 0, 30):
            task.stop()

    task = nightly(smtp.port, clock, started(tmp_path, date(2026, 11, 24)), sleep=sleep)
    asyncio.run(asyncio.wait_for(task.run(), 30))
    assert days_of(smtp) == ["2026-11-25"]
    assert max(naps) <= 60  # polls, so a wall-clock step is noticed
    assert clock.now() - datetime(2026, 11, 25, 22, 0) < timedelta(hours=3)
