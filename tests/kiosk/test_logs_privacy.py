"""Logs are structured and never carry a PIN, password or full card number."""

from __future__ import annotations

import io
import json
import logging

import pytest

from backend_sync.sip2.redaction import redact_sip2
from kiosk.core.privacy import mask_card
from kiosk.logs import JsonFormatter, RedactingFilter, configure_logging


def test_mask_card_keeps_only_the_last_four() -> None:
    assert mask_card("LT00012345678") == "*********5678"
    assert mask_card("1234") == "****4"
    assert mask_card("") == ""


def test_redact_sip2_blanks_pin_and_passwords() -> None:
    login = "9300CNkiosk1|COs3cret|CPABONEMENTAS|AY0AZF00D"
    patron = "6300020261125    143000          AOAVB|AALT1001|AC|AD1234|"
    assert "s3cret" not in redact_sip2(login) and "|CO***" in redact_sip2(login)
    assert "1234" not in redact_sip2(patron).split("|AA")[1]
    assert "|AA****1001|" in redact_sip2(patron)  # the card: its last four only
    assert "|AC|" in redact_sip2(patron)  # an empty terminal password stays empty


def capture(fmt: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("demo-1") if fmt == "json" else logging.Formatter())
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(f"test.{fmt}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_json_lines_carry_the_kiosk_id_and_extras() -> None:
    logger, stream = capture("json")
    logger.info("checkout %s", "ok", extra={"item": "100001", "pin": "9999"})
    entry = json.loads(stream.getvalue())
    assert entry["kiosk"] == "demo-1" and entry["msg"] == "checkout ok"
    assert entry["item"] == "100001" and entry["pin"] == "***"


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_sip2_secrets_in_messages_are_blanked(fmt: str) -> None:
    logger, stream = capture(fmt)
    logger.warning("sent %s", "2300120261125    143000AOAVB|AALT1001|AC|AD4321|")
    assert "4321" not in stream.getvalue()


def test_configure_logging_json_when_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("info", "auto", "kiosk-9")
    logging.getLogger("knygomatas.test").info("hello")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert json.loads(line)["kiosk"] == "kiosk-9"


def test_python_escpos_chatter_below_warning_is_dropped() -> None:
    from kiosk.logs import ChattyLibraryFilter

    def record(level: int, path: str) -> logging.LogRecord:
        return logging.LogRecord("root", level, path, 1, "Network printer enabled", None, None)

    chatty = ChattyLibraryFilter()
    assert not chatty.filter(record(logging.INFO, "/x/site-packages/escpos/printer/network.py"))
    assert chatty.filter(record(logging.ERROR, "/x/site-packages/escpos/printer/network.py"))
    assert chatty.filter(record(logging.INFO, "/x/kiosk/core/session.py"))
