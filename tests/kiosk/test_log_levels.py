"""[log] level is honoured: after the touch app's Kivy start-up (which used to put the root
logger at debug), with the demo's mail catcher answering the SMTP probe, and for Alembic's
schema check and the normal "outbox replay stopped: waiting for the live transaction" (INFO,
below warning). Each in a fresh process, as logging and Kivy are process-wide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, level: str, body: str) -> list[dict]:
    script = (
        "import logging, sys\n"
        "from kiosk.logs import configure_logging\n"
        f"configure_logging({level!r}, 'json', 'kiosk-t')\n" + body
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVY_")}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]


def test_kivy_start_up_keeps_the_configured_level_and_handler(tmp_path: Path) -> None:
    body = f"""
from pathlib import Path
from kiosk.settings.ui import UiSection
from kiosk.ui.boot import configure_kivy
before = list(logging.getLogger().handlers)
configure_kivy(UiSection(), Path({str(tmp_path / "kivy")!r}), headless=True)
import kivy.app, kivy.clock, kivy.core.text  # what the app imports first
root = logging.getLogger()
assert root.level == logging.WARNING, root.level
assert root.handlers == before, root.handlers
for name in ("knygomatas.test", "kivy", "backend_sync.sip2"):
    logging.getLogger(name).debug("a debug line")
    logging.getLogger(name).info("an info line")
logging.getLogger("knygomatas.test").warning("a warning")
"""
    records = run(tmp_path, "warning", body)
    assert [r["msg"] for r in records if r["logger"] != "kivy"] == ["a warning"]
    assert all(r["level"] in ("warning", "error", "critical") for r in records), records


def test_the_mail_catcher_answering_the_smtp_probe_is_quiet_at_info(tmp_path: Path) -> None:
    body = f"""
from pathlib import Path
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from simulators.mail.sink import MailSink
sink = MailSink(Path({str(tmp_path / "mail")!r}), control_port=0).start()
try:
    for _ in range(3):
        SmtpSender(SmtpOptions(host="127.0.0.1", port=sink.port, security="none")).check()
finally:
    sink.stop()
logging.getLogger("knygomatas.test").info("probed")
"""
    records = run(tmp_path, "info", body)
    assert [r["msg"] for r in records] == ["probed"]


def test_alembic_and_the_live_transaction_wait_stay_below_warning(tmp_path: Path) -> None:
    body = f"""
from backend_sync.store.database import open_store
open_store({str(tmp_path / "store.sqlite")!r}).dispose()
logging.getLogger("knygomatas.sync").warning(
    "outbox replay stopped: %s", "waiting for the live transaction abc")
logging.getLogger("knygomatas.sync").warning("outbox replay stopped: checking x: boom")
"""
    at_warning = run(tmp_path, "warning", body)
    assert [r["msg"] for r in at_warning] == ["outbox replay stopped: checking x: boom"]
    (tmp_path / "store.sqlite").unlink()
    at_info = run(tmp_path, "info", body)
    waiting = [r for r in at_info if "waiting for the live" in r["msg"]]
    assert [r["level"] for r in waiting] == ["info"]
    assert any(r["logger"].startswith("alembic") and r["level"] == "info" for r in at_info)
