"""The replayer: sends the outbox to the ILS in order and records every result.

What reaches it: entries the kiosk kept for replay (written offline, or noted by the domain
after the ILS stopped answering: `note_attempt`), which already happened at the kiosk (the
patron left with the book, the book is in the return bin), so they are replayed with SIP2
no-block and the kiosk's date when the ILS honours it ([ils] honours_no_block), plainly
otherwise; and live entries whose process died mid-send (never noted, older than
live_grace_s), which are only checked and go to staff either way (REJECTED "interrupted",
with result "applied" when the ILS has it), because the kiosk never finished them: the
security bit may not match what the ILS says.

One pass takes the oldest pending entries a window at a time. A window is the longest run
of entries about distinct items, stopping at a live entry the domain is still sending
itself; a payment is a window of its own. For each window:

    1. entries that may already have been sent (in_doubt after a crash or a lost answer, or
       live entries) are checked at the ILS first: applied -> DONE with what the ILS
       reports; not applied -> sent below; cannot tell -> REJECTED with "outcome unknown",
       i.e. the reconciliation list, for staff;
    2. what a later check needs is read (a renewal's due date, a fee's amount owed);
    3. claim: one commit marks the window in_doubt (and records step 1's results);
    4. each entry is sent; accepted -> DONE, refused -> REJECTED with the ILS's reason;
    5. one commit records the results.
If the ILS cannot be reached (or an answer is lost) the pass stops there: the entry being
sent stays in_doubt, the rest of the window is released, and the worker backs off.

Never sends an entry twice without asking the ILS in between; never skips an entry. After
each pass the store's write-ahead log is emptied if entries were scrubbed (retention.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from backend_sync.store.ils_replay import IlsReplay, KindHandler, PayloadError, subject
from backend_sync.store.outbox import OutboxStore, Outcome, Queued
from kiosk.core.errors import LibrarySystemError, NotSupported, OutcomeUnknown
from kiosk.core.outbox import EntryKind, EntryState
from kiosk.core.ports import LibrarySystem

log = logging.getLogger("knygomatas.sync")


@dataclass(frozen=True)
class ReplayPolicy:
    honours_no_block: bool = True
    window: int = 32
    live_grace_s: float = 120.0  # for live entries of another (perhaps dead) process
    live_here_max_s: float = 600.0  # this process's own, should its domain never settle one


@dataclass(frozen=True)
class PassReport:
    done: int = 0
    rejected: int = 0
    recovered: int = 0  # found already applied when checked, not sent again
    stopped: str = ""  # why the pass ended with entries left ("" when the outbox is empty)
    unreachable: bool = False

    def __add__(self, other: PassReport) -> PassReport:
        return PassReport(
            self.done + other.done,
            self.rejected + other.rejected,
            self.recovered + other.recovered,
            other.stopped,
            other.unreachable,
        )


# A payment is checked by the patron's amount owed, which a checkin in the same window could
# change (an overdue fine): it is sent in a window of its own.
SOLO = frozenset({EntryKind.FEE_PAID})


def plan_window(
    queue: Sequence[Queued], now: float, policy: ReplayPolicy
) -> tuple[list[Queued], str]:
    """The next window (pure), and why it ends early when it is empty."""
    window: list[Queued] = []
    seen: set[str] = set()
    for queued in queue[: policy.window]:
        entry = queued.entry
        if _domains(queued, now, policy):
            return window, "" if window else f"waiting for the live transaction {entry.key}"
        if subject(entry) in seen or (window and entry.kind in SOLO):
            break
        seen.add(subject(entry))
        window.append(queued)
        if entry.kind in SOLO:
            break
    return window, ""


def _domains(queued: Queued, now: float, policy: ReplayPolicy) -> bool:
    """A live entry belongs to the domain (it is sending it now) until it notes an attempt or
    the grace period passes; one this process's domain is sending is left to it longer (its
    send may be slow, it is not dead), bounded so that a domain bug cannot stall replay."""
    entry = queued.entry
    grace_s = policy.live_grace_s
    if queued.live_here:
        grace_s = max(grace_s, policy.live_here_max_s)
    fresh = now - queued.added_at < grace_s
    return not entry.offline and entry.attempts == 0 and not queued.in_doubt and fresh


def _kept_for_replay(queued: Queued) -> bool:
    return queued.entry.offline or queued.entry.attempts > 0 or queued.in_doubt


def _needs_check(queued: Queued) -> bool:
    return queued.in_doubt or not queued.entry.offline


INTERRUPTED = (
    "interrupted: the kiosk stopped before this live transaction finished and the ILS has "
    "not applied it; check the item (its security bit may be on)"
)


INTERRUPTED_APPLIED = (
    "interrupted: the kiosk stopped before this live transaction finished, after the ILS "
    "applied it; check the item (its security bit may not match the ILS)"
)


class Replayer:
    def __init__(
        self,
        store: OutboxStore,
        library: LibrarySystem,
        policy: ReplayPolicy = ReplayPolicy(),
        clock: Callable[[], datetime] = datetime.now,
        extra_handlers: Mapping[EntryKind, KindHandler] | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.clock = clock
        self.handlers = {**IlsReplay(library).handlers(), **(extra_handlers or {})}
        self._lock = asyncio.Lock()

    async def run_pass(self) -> PassReport:
        """Replay until the outbox is empty or something stops it."""
        async with self._lock:  # in this process; replay_lock() against other processes
            with self.store.replay_lock() as mine:
                if not mine:
                    return PassReport(stopped="another process is replaying this outbox")
                report = await self._replay()
            # Entries settled since the last pass (here or by the domain) were scrubbed; their
            # unscrubbed rows linger in the write-ahead log until it is emptied.
            await asyncio.to_thread(self.store.compact)
            return report

    async def _replay(self) -> PassReport:
        report = PassReport()
        while True:
            queue = await asyncio.to_thread(self.store.head, self.policy.window)
            if not queue:
                return report + PassReport()
            window, waiting = plan_window(queue, self.clock().timestamp(), self.policy)
            if not window:
                return report + PassReport(stopped=waiting)
            step = await self._window(window)
            report = report + step
            if step.stopped:
                return report

    async def _window(self, window: list[Queued]) -> PassReport:
        outcomes: list[Outcome] = []
        to_send: list[Queued] = []
        for queued in window:
            try:
                found = await self._checked(queued)
            except LibrarySystemError as exc:
                await asyncio.to_thread(self.store.record, outcomes)
                return _tally(outcomes, stopped=f"checking {queued.entry.key}: {exc}")
            if found is None:
                to_send.append(queued)
            else:
                outcomes.append(found)
        checks: dict[str, dict] = {}
        for queued in list(to_send):
            try:
                checks[queued.entry.key] = await self._prepare(queued)
            except PayloadError as exc:
                outcomes.append(Outcome(queued.entry.key, EntryState.REJECTED, {}, str(exc)))
                to_send.remove(queued)
            except LibrarySystemError as exc:
                await asyncio.to_thread(self.store.record, outcomes)
                return _tally(outcomes, stopped=f"preparing {queued.entry.key}: {exc}")
        await asyncio.to_thread(self.store.claim, checks, outcomes)
        return _tally(outcomes) + await self._send_all(to_send)

    async def _checked(self, queued: Queued) -> Outcome | None:
        """An outcome when nothing must be sent (applied already, cannot tell, unsendable)."""
        entry = queued.entry
        handler = self.handlers.get(entry.kind)
        if handler is None:
            reason = f"no replay is configured for {entry.kind} entries"
            return Outcome(entry.key, EntryState.REJECTED, {}, reason)
        if not _needs_check(queued):
            return None
        try:
            found = await handler.verify(entry, queued.check)
        except (OutcomeUnknown, NotSupported) as exc:  # NotSupported: it cannot be asked
            reason = f"outcome unknown: {exc}; staff must check at the ILS"
            return Outcome(entry.key, EntryState.REJECTED, {}, reason)
        except PayloadError as exc:
            return Outcome(entry.key, EntryState.REJECTED, {}, str(exc))
        if not _kept_for_replay(queued):  # the kiosk died before it finished its side
            if found is None:
                return Outcome(entry.key, EntryState.REJECTED, {}, INTERRUPTED)
            result = {**found.result, "recovered": True, "applied": True}
            return Outcome(entry.key, EntryState.REJECTED, result, INTERRUPTED_APPLIED)
        if found is not None:
            return Outcome(found.key, found.state, {**found.result, "recovered": True})
        return None

    async def _prepare(self, queued: Queued) -> dict:
        handler = self.handlers[queued.entry.kind]
        return await handler.prepare(queued.entry) if handler.prepare else {}

    async def _send_all(self, to_send: list[Queued]) -> PassReport:
        outcomes: list[Outcome] = []
        for index, queued in enumerate(to_send):
            entry = queued.entry
            no_block_at = entry.happened_at if self.policy.honours_no_block else None
            try:
                outcome = await self.handlers[entry.kind].send(entry, no_block_at)
            except (PayloadError, NotSupported) as exc:
                outcome = Outcome(entry.key, EntryState.REJECTED, {}, str(exc))
            except LibrarySystemError as exc:
                unsent = [q.entry.key for q in to_send[index + 1 :]]
                reason = f"{type(exc).__name__}: {exc}"
                await asyncio.to_thread(self.store.record, outcomes, unsent, reason, entry.key)
                return _tally(outcomes, stopped=f"sending {entry.key}: {reason}")
            outcomes.append(outcome)
        await asyncio.to_thread(self.store.record, outcomes)
        return _tally(outcomes)


def _tally(outcomes: list[Outcome], stopped: str = "") -> PassReport:
    for outcome in outcomes:  # keys name kiosk, session, kind and item: never a card
        if outcome.state is EntryState.REJECTED:
            log.warning("outbox entry %s rejected: %s", outcome.key, outcome.reason)
    return PassReport(
        done=sum(o.state is EntryState.DONE for o in outcomes),
        rejected=sum(o.state is EntryState.REJECTED for o in outcomes),
        recovered=sum(bool(o.result.get("recovered")) for o in outcomes),
        stopped=stopped,
        unreachable=bool(stopped),
    )
