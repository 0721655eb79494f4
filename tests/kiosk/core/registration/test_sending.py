"""send_or_queue and resend_pending over the in-process fake and an in-memory queue: held before
the first send, settled (details gone) on an answer, kept with the same key on an outage."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from kiosk.core.registration import (
    Application,
    BackendUnavailable,
    Field,
    Queued,
    QueueState,
    Refused,
    Rejected,
    Sent,
    resend_pending,
    send_or_queue,
)
from kiosk.core.registration.sending import Backlog, PendingApplication, scrubbed_words
from simulators.models.registration import FakeRegistration

APP = Application("Ona", "Žemaitė", date(1990, 5, 17), email="ona@pastas.lt")
OTHER = Application("Jonas", "Jonaitis", date(1985, 1, 2), email="jonas@pastas.lt")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass
class MemoryQueue:
    held: dict[str, tuple[Application, datetime, int]] = field(default_factory=dict)
    settled: dict[str, tuple[QueueState, str, str]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    async def write_ahead(self, key: str, application: Application, now: datetime) -> None:
        self.log.append(f"write {key}")
        if key not in self.held and key not in self.settled:
            self.held[key] = (application, now, 0)

    async def settle(self, key, state, words, number, now) -> None:
        self.log.append(f"settle {key} {state}")
        self.held.pop(key)
        self.settled[key] = (state, words, number)

    async def keep(self, key: str, reason: str, now: datetime) -> None:
        self.log.append(f"keep {key}")
        app, at, tries = self.held[key]
        self.held[key] = (app, at, tries + 1)

    async def pending(self) -> list[PendingApplication]:
        return [PendingApplication(k, a, at, n) for k, (a, at, n) in self.held.items()]

    async def backlog(self, now: datetime) -> Backlog:
        if not self.held:
            return Backlog(0, None)
        oldest = min(at for _, at, _ in self.held.values())
        return Backlog(len(self.held), (now - oldest).total_seconds())


@dataclass
class Counts:
    outcomes: list[str] = field(default_factory=list)
    pending: list[tuple[int, float | None]] = field(default_factory=list)

    def registration(self, outcome: str) -> None:
        self.outcomes.append(outcome)

    def registrations_pending(self, depth: int, oldest_age_s: float | None) -> None:
        self.pending.append((depth, oldest_age_s))


def test_sent_is_written_ahead_then_settled_without_the_details() -> None:
    fake, queue, counts = FakeRegistration(), MemoryQueue(), Counts()
    outcome = asyncio.run(send_or_queue(fake, queue, APP, "k1", T0, counts))
    assert isinstance(outcome, Sent) and outcome.number == "1001"
    assert queue.log == ["write k1", "settle k1 sent"]
    assert queue.held == {} and queue.settled["k1"] == (QueueState.SENT, "sent", "1001")
    assert counts.outcomes == ["sent"] and counts.pending == [(0, None)]


def test_an_outage_queues_and_a_resend_sends_exactly_once_with_the_same_key() -> None:
    fake, queue, counts = FakeRegistration(), MemoryQueue(), Counts()
    fake.unavailable = True
    outcome = asyncio.run(send_or_queue(fake, queue, APP, "k1", T0, counts))
    assert isinstance(outcome, Queued) and "down" in outcome.reason
    assert queue.held["k1"][2] == 1 and fake.model.created == 0
    report = asyncio.run(resend_pending(fake, queue, T0 + timedelta(minutes=5), counts))
    assert report.unreachable and report.pending == 1 and report.sent == 0
    fake.unavailable = False
    report = asyncio.run(resend_pending(fake, queue, T0 + timedelta(minutes=10), counts))
    assert (report.sent, report.refused, report.pending, report.unreachable) == (1, 0, 0, False)
    assert fake.model.created == 1 and fake.model.records[0].key == "k1"
    assert counts.outcomes == ["queued", "sent"]
    assert counts.pending == [(1, 0.0), (1, 300.0), (0, None)]


def test_a_lost_answer_is_queued_and_the_resend_finds_it_instead_of_sending_again() -> None:
    fake, queue = FakeRegistration(), MemoryQueue()

    class LookupDown(FakeRegistration):
        async def find_existing(self, application, idempotency_key):
            if self.model.created:
                raise BackendUnavailable("lookup down")
            return await super().find_existing(application, idempotency_key)

    flaky = LookupDown(fake.model)
    flaky.lose_next = 1
    outcome = asyncio.run(send_or_queue(flaky, queue, APP, "k1", T0))
    assert isinstance(outcome, Queued) and fake.model.created == 1
    report = asyncio.run(resend_pending(fake, queue, T0))
    assert report.sent == 1 and fake.model.created == 1
    assert queue.settled["k1"][0] is QueueState.SENT


def test_a_duplicate_is_refused_in_words_and_scrubbed() -> None:
    fake, queue, counts = FakeRegistration(), MemoryQueue(), Counts()
    fake.model.add_existing(APP.email)
    outcome = asyncio.run(send_or_queue(fake, queue, APP, "k1", T0, counts))
    assert isinstance(outcome, Refused) and outcome.duplicate
    assert "already registered" in outcome.reason
    assert queue.held == {} and queue.settled["k1"][0] is QueueState.DUPLICATE
    assert counts.outcomes == ["duplicate"]


def test_a_rejected_field_is_refused_and_its_words_name_nothing_of_the_applicant() -> None:
    class Refusing(FakeRegistration):
        async def submit(self, application, idempotency_key):
            raise Rejected(Field.EMAIL, f"{application.email} is not accepted here")

    queue, counts = MemoryQueue(), Counts()
    outcome = asyncio.run(send_or_queue(Refusing(), queue, APP, "k1", T0, counts))
    assert isinstance(outcome, Refused) and outcome.field is Field.EMAIL
    assert outcome.reason == "… is not accepted here"
    assert queue.settled["k1"] == (QueueState.REJECTED, "email: … is not accepted here", "")
    assert counts.outcomes == ["rejected"]


def test_resend_goes_oldest_first_and_stops_when_the_backend_goes_away() -> None:
    fake, queue = FakeRegistration(), MemoryQueue()
    fake.unavailable = True
    asyncio.run(send_or_queue(fake, queue, APP, "k1", T0))
    asyncio.run(send_or_queue(fake, queue, OTHER, "k2", T0 + timedelta(seconds=1)))
    calls_before = len(fake.calls)
    report = asyncio.run(resend_pending(fake, queue, T0))
    assert report.unreachable and report.pending == 2
    assert len(fake.calls) == calls_before + 1  # one look for k1; k2 was not tried
    fake.unavailable = False
    report = asyncio.run(resend_pending(fake, queue, T0))
    assert report.sent == 2 and report.numbers == ("1001", "1002")


def test_scrubbed_words_takes_out_every_detail() -> None:
    text = "Ona Žemaitė ona@pastas.lt born 1990-05-17 is a duplicate"
    assert scrubbed_words(text, APP) == "… … … born … is a duplicate"
