"""Structured logging: one JSON object a line when stderr is not a terminal, with the kiosk id.

Never a PIN, password or full card number: SIP2 secrets are blanked and SIP2 card numbers
masked by a filter on every handler, as a safety net behind the callers, who log redacted
messages in the first place. [log] level is the root logger's level; the touch app keeps it
(kiosk/ui/boot.py stops Kivy from resetting it). Known-normal warnings are shown as INFO.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from backend_sync.sip2.redaction import redact_sip2

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_SECRET_EXTRA = ("pin", "password", "secret", "token")


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact_sip2(record.getMessage())
        record.args = None
        for key in list(record.__dict__):
            if key not in _STANDARD and any(s in key.lower() for s in _SECRET_EXTRA):
                record.__dict__[key] = "***"
        return True


class ChattyLibraryFilter(logging.Filter):
    """python-escpos logs "Network printer enabled" on the root logger for every job and
    status probe, and aiosmtpd (the demo's mail catcher) a handful of lines for every
    connection, the health probe's included; below WARNING that is noise in a kiosk's
    journal."""

    CHATTY = ("/escpos/", "/aiosmtpd/")

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or not any(
            part in record.pathname for part in self.CHATTY
        )


# Warnings that describe a normal state, not a problem: shown at INFO (and so hidden at [log]
# level = "warning"). A replay pass stops at an entry the live session still owns, by design.
NORMAL_OUTCOMES = ("outbox replay stopped: waiting for the live transaction",)


class NormalOutcomeFilter(logging.Filter):
    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and record.getMessage().startswith(NORMAL_OUTCOMES):
            record.levelno, record.levelname = logging.INFO, "INFO"
            return self.level <= logging.INFO
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, kiosk_id: str) -> None:
        super().__init__()
        self.kiosk_id = kiosk_id

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "kiosk": self.kiosk_id,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "info", fmt: str = "auto", kiosk_id: str = "kiosk") -> None:
    handler = logging.StreamHandler(sys.stderr)
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    if use_json:
        handler.setFormatter(JsonFormatter(kiosk_id))
    else:
        handler.setFormatter(
            logging.Formatter(f"%(asctime)s {kiosk_id} %(levelname)s %(name)s: %(message)s")
        )
    handler.addFilter(ChattyLibraryFilter())
    handler.addFilter(NormalOutcomeFilter(logging.getLevelName(level.upper())))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
