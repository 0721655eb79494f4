"""The mail outbox: every e-mail is written to a small SQLite file before the kiosk moves on,
and a background worker sends what is due, retrying transient failures with backoff.

Never loses a message: a row leaves the "pending" state only when the SMTP server accepted
it ("sent") or refused it permanently ("failed", kept for staff to see). No row is deleted.

Retention (docs/privacy.md): a receipt lists what a patron borrowed, so the address and the
text are kept only while they are needed. Once "sent", the row keeps its id, times, status
and attempts and a masked address (``o***@pastas.lt``, for support); the address and the
body are blanked in the same update that marks it sent. A "failed" message keeps its content
for staff for ``keep_failed_s`` ([smtp] keep_failed_days) after it failed, then every pass
blanks it the same way. Blanked bytes are zeroed in the file (secure_delete) and the
write-ahead log, whose older frames still hold them, is emptied after a pass that blanked
anything. This is the notifier's own store until the shared outbox (backend_sync/store/)
takes it over.

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
    and_,
    create_engine,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from backend_sync.notify.message import OutgoingMail, build_message
from backend_sync.notify.smtp_sender import MailError, SmtpSender
from backend_sync.store.database import CACHE_KIB
from backend_sync.store.private_files import private_sqlite
from backend_sync.store.retention import truncate_wal

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
    # when it became "sent" or "failed" (0 while pending): a failed one is kept from then on
    Column("finished_at", Float, nullable=False, default=0.0),
)
DAY_S = 86400.0


@dataclass(frozen=True)
class PassReport:
    sent: int = 0
    retry_later: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Blanked:
    """What one retention pass did: messages whose address and text it blanked."""

    sent: int = 0
    failed: int = 0


def masked_address(address: str) -> str:
    """``ona@pastas.lt`` -> ``o***@pastas.lt``: enough for support to tell which it was."""
    user, _, domain = address.partition("@")
    if "***" in user:  # masked already
        return address
    return f"{user[:1]}***@{domain}" if domain else f"{user[:1]}***"


def blanked(recipient: str, last_error: str) -> dict[str, object]:
    """The changes that take a message's content off the disk (the SMTP server's error may
    quote the address, so it is masked there too)."""
    masked = masked_address(recipient)
    return {
        "recipient": masked,
        "body": "",
        "last_error": last_error.replace(recipient, masked) if recipient else last_error,
    }


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
        keep_failed_s: float = 14 * DAY_S,
    ) -> None:
        self.engine = open_mail_store(path)
        self.keep_failed_s = keep_failed_s
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
            blank = self.blank_expired(now)
            if counts["sent"] or blank.sent or blank.failed:
                truncate_wal(self.engine)  # its older frames hold what was blanked
            return PassReport(counts["sent"], counts["pending"], counts["failed"])

    def blank_expired(self, now: float) -> Blanked:
        return blank_expired(self.engine, now - self.keep_failed_s)

    def _attempt(self, row: object, now: float) -> str:
        mail = OutgoingMail(row.recipient, row.subject, row.body)  # type: ignore[attr-defined]
        attempts = row.attempts + 1  # type: ignore[attr-defined]
        changes: dict[str, object] = {"attempts": attempts}
        try:
            self.sender.send(build_message(mail, self.from_address, self.from_name))
            changes.update(status="sent", finished_at=now, **blanked(mail.to, ""))
        except MailError as exc:
            delay = min(self.retry_first_s * 2 ** (attempts - 1), self.retry_max_s)
            status = "failed" if exc.permanent else "pending"
            changes.update(status=status, last_error=str(exc), next_attempt_at=now + delay)
            if exc.permanent:
                changes["finished_at"] = now
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


class MailStoreError(Exception):
    """The mail outbox file cannot be opened (disk, permissions, not a database)."""


def open_mail_store(path: Path) -> Engine:
    """The engine on the mail outbox file, created (or brought up to date) when opened."""
    try:
        private_sqlite(path)  # 0600 with its -wal/-shm: it holds e-mail addresses
        engine = create_engine(f"sqlite:///{path}")
        event.listen(engine, "connect", _sqlite_pragmas)
        metadata.create_all(engine)
        _add_finished_at(engine)
    except (OSError, DBAPIError) as exc:
        raise MailStoreError(f"{path}: cannot open the mail outbox: {exc}") from None
    return engine


def blank_expired(engine: Engine, failed_before: float, dry_run: bool = False) -> Blanked:
    """Blank every sent message still holding its content (written by an older version) and
    every failed one that failed before `failed_before`; `dry_run` only counts them."""
    c = mail_outbox.c
    due = or_(c.status == "sent", and_(c.status == "failed", c.finished_at <= failed_before))
    unblanked = or_(c.body != "", ~c.recipient.contains("***"))
    query = select(c.id, c.status, c.recipient, c.last_error).where(due, unblanked)
    try:
        with engine.begin() as db:
            rows = db.execute(query).all()
            if not dry_run:
                for row in rows:
                    db.execute(
                        update(mail_outbox)
                        .where(c.id == row.id)
                        .values(**blanked(row.recipient, row.last_error))
                    )
    except DBAPIError as exc:  # locked by a writer past the timeout, a full disk
        raise MailStoreError(f"{engine.url.database}: cannot blank: {exc.orig}") from None
    statuses = [row.status for row in rows]
    return Blanked(statuses.count("sent"), statuses.count("failed"))


def kept_failed(engine: Engine) -> int:
    """Failed messages whose address and text are still kept for staff."""
    with engine.connect() as db:
        return db.execute(
            select(func.count()).where(mail_outbox.c.status == "failed", mail_outbox.c.body != "")
        ).scalar_one()


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # bounded page cache, as the main store's
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA secure_delete=ON")  # blanked bytes are zeroed, not left behind
    cursor.close()


def _add_finished_at(engine: Engine) -> None:
    """A file from before retention has no finished_at: add it, counting its finished
    messages from when they were queued (their failure time was not recorded)."""
    if "finished_at" in {c["name"] for c in inspect(engine).get_columns("mail_outbox")}:
        return
    with engine.begin() as db:
        db.exec_driver_sql(
            "ALTER TABLE mail_outbox ADD COLUMN finished_at FLOAT NOT NULL DEFAULT 0"
        )
        db.execute(
            update(mail_outbox)
            .where(mail_outbox.c.status != "pending")
            .values(finished_at=mail_outbox.c.created_at)
        )


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
