"""The mail outbox: every e-mail is written to a small SQLite file before the kiosk moves on,
and a background worker sends what is due, retrying transient failures with backoff.

Never loses a message: a row leaves the "pending" state only when the SMTP server accepted
it ("sent") or refused it permanently ("failed", kept for staff to see). Nothing is deleted.
This is the notifier's own store until the shared outbox (backend_sync/store/) takes it over.

``deliver_due`` is one pass with the clock injected, so tests drive retries without sleeping;
``MailWorker`` runs passes in a thread and is woken when a message is queued.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    update,
)

from backend_sync.notify.message import OutgoingMail, build_message
from backend_sync.notify.smtp_sender import MailError, SmtpSender
from kiosk.core.privacy import mask_card

log = logging.getLogger(__name__)
metadata = MetaData()
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(8), nullable=False, default="pending", index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=False),
    Column("last_error", Text, nullable=False, default=""),
)


@dataclass(frozen=True)
class PassReport:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0


def masked_address(address: str) -> str:
    user, _, domain = address.partition("@")
    return f"{mask_card(user, visible=1)}@{domain}"


class MailOutbox:
    def __init__(
        self,
        path: Path,
        sender: SmtpSender,
        from_address: str,
        clock: Callable[[], float],
        from_name: str = "",
        retry_first_s: float = 30.0,
        retry_max_s: float = 3600.0,
    ) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{path}")
        event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)
        self.sender = sender
        self.from_address = from_address
        self.from_name = from_name
        self.clock = clock
        self.retry_first_s = retry_first_s
        self.retry_max_s = retry_max_s
        self._pass_lock = threading.Lock()

    def enqueue(self, mail: OutgoingMail) -> int:
        """Persist the message; once this returns, it survives a crash or a power cut."""
        now = self.clock()
        with self.engine.begin() as db:
            row = db.execute(
                insert(mail_outbox).values(
                    created_at=now,
                    recipient=mail.to,
                    subject=mail.subject,
                    body=mail.text,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    last_error="",
                )
            )
        log.info("e-mail queued for %s", masked_address(mail.to))
        return int(row.inserted_primary_key[0])

    def deliver_due(self) -> PassReport:
        """Try every pending message that is due; one pass, in the order they were queued."""
        with self._pass_lock:
            now = self.clock()
            with self.engine.connect() as db:
                rows = db.execute(
                    select(mail_outbox)
                    .where(mail_outbox.c.status == "pending")
                    .where(mail_outbox.c.next_attempt_at <= now)
                    .order_by(mail_outbox.c.id)
                ).all()
            counts = {"sent": 0, "pending": 0, "failed": 0}
            for row in rows:
                counts[self._attempt(row, now)] += 1
            return PassReport(counts["sent"], counts["pending"], counts["failed"])

    def _attempt(self, row: object, now: float) -> str:
        mail = OutgoingMail(row.recipient, row.subject, row.body)  # type: ignore[attr-defined]
        attempts = row.attempts + 1  # type: ignore[attr-defined]
        changes: dict[str, object] = {"attempts": attempts}
        try:
            self.sender.send(build_message(mail, self.from_address, self.from_name))
            changes.update(status="sent", last_error="")
        except MailError as exc:
            delay = min(self.retry_first_s * 2 ** (attempts - 1), self.retry_max_s)
            status = "failed" if exc.permanent else "pending"
            changes.update(status=status, last_error=str(exc), next_attempt_at=now + delay)
            log.warning(
                "e-mail to %s not sent (attempt %d): %s",
                masked_address(mail.to),
                attempts,
                exc,
                extra={"permanent": exc.permanent},
            )
        with self.engine.begin() as db:
            db.execute(
                update(mail_outbox).where(mail_outbox.c.id == row.id).values(**changes)  # type: ignore[attr-defined]
            )
        return str(changes["status"])

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as db:
            rows = db.execute(select(mail_outbox.c.status)).scalars().all()
        return {status: rows.count(status) for status in ("pending", "sent", "failed")}

    def next_due(self) -> float | None:
        with self.engine.connect() as db:
            return db.execute(
                select(mail_outbox.c.next_attempt_at)
                .where(mail_outbox.c.status == "pending")
                .order_by(mail_outbox.c.next_attempt_at)
                .limit(1)
            ).scalar()


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


class MailWorker:
    """Runs delivery passes in a daemon thread; ``wake()`` after queueing something."""

    def __init__(self, outbox: MailOutbox, idle_s: float = 60.0) -> None:
        self.outbox = outbox
        self.idle_s = idle_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mail-outbox", daemon=True)

    def start(self) -> MailWorker:
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.outbox.deliver_due()
                due = self.outbox.next_due()
            except Exception:  # the worker must outlive a broken pass; the rows stay pending
                log.exception("mail outbox pass failed")
                due = None
            wait = self.idle_s if due is None else max(0.0, due - self.outbox.clock())
            self._wake.wait(min(wait, self.idle_s))
            self._wake.clear()
