"""The running kiosk mails the accountant's day report itself: build_kiosk starts the nightly
report when [payments] report_to is set (real SMTP server on loopback, the kiosk's clock)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path

from kiosk.core.clock import ManualClock
from kiosk.demo.showroom import showroom_settings
from kiosk.settings.loader import load_settings
from kiosk.settings.payment import PaymentsSection
from kiosk.settings.smtp import SmtpSection
from kiosk.wiring.assembly import build_kiosk
from kiosk.wiring.payments_report import NIGHTLY_STATE_FILE

ROOT = Path(__file__).resolve().parents[3]
ACCOUNTANT = "buhalterija@biblioteka.lt"


def test_the_kiosk_sends_the_days_report_after_report_time(smtp) -> None:
    configured = load_settings(ROOT / "config" / "demo.toml")
    with showroom_settings(configured) as shown:
        settings = shown.model_copy(
            update={
                "smtp": SmtpSection(
                    host="127.0.0.1", port=smtp.port, security="none",
                    from_address="kioskas@biblioteka.lt",
                ),
                "payments": PaymentsSection(
                    report_to=[ACCOUNTANT], report_time="23:30", report_format="csv"
                ),
            }
        )  # fmt: skip
        state = Path(settings.kiosk.data_dir) / NIGHTLY_STATE_FILE
        state.write_text("2027-03-27\n", encoding="ascii")  # the night before was sent
        clock = ManualClock(datetime(2027, 3, 28, 23, 31))

        async def run() -> None:
            async with build_kiosk(settings, clock=clock) as kiosk:
                assert any(task.get_name() == "nightly-report" for task in kiosk.tasks)
                for _ in range(600):  # the mail arrives, then the day is remembered
                    if smtp.messages and "2027-03-28" in state.read_text(encoding="ascii"):
                        break
                    await asyncio.sleep(0.05)

        asyncio.run(run())
        assert [message["To"] for message in smtp.messages] == [ACCOUNTANT]
        assert "2027-03-28" in smtp.messages[0]["Subject"]
        assert state.read_text(encoding="ascii").strip() == date(2027, 3, 28).isoformat()
