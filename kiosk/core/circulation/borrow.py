"""Borrowing: one item checked out, then its security switched off, in that order only.

Rules (the peers' bugs are the requirements, see research §2.4):
1. The checkout is written to the outbox before it is sent.
2. Security is switched off only after the ILS accepted the loan (or the offline policy
   accepted it), and the pad verifies it by reading back.
3. A security write that fails is reported to the patron and to staff; the loan stands.
   The kiosk never "cancels" a checkout with a checkin (Evergreen LP#1503903).
4. A refused item keeps its security on and gets a specific reason.
5. An answer that was lost (OutcomeUnknown) leaves security on and goes to staff: the
   outbox entry is rejected with that reason (the reconciliation list), never replayed,
   because the patron was told the item is not theirs. Pending entries are exactly the
   transactions the kiosk accepted offline, which the replayer must apply.
6. While the ILS is unreachable the offline policy decides; a refused offline checkout is
   withdrawn in the outbox (rejected with ``result["withdrawn"]``) so it is never replayed.
7. A transaction never overtakes an older one about the same item that is still waiting
   for replay (a return offline, the ILS back before the replay): sent live, the ILS would
   see them in the wrong order. It waits behind it, as an offline one (the policy decides).
8. The outbox entry stays the kiosk's own (live: the replayer leaves it alone) until the
   kiosk's side is finished: the security write done (or reported failed), then it is
   released (visit.Release): marked done with the ILS's answer, or kept for replay. A
   process killed before that leaves a live entry, which the replayer checks and puts on
   the reconciliation list as interrupted (applied or not): staff check the item's tag.

Stage one (``checkout``) talks to the ILS, stage two (``unsecure``) to the pad (stack.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.pad import PadError
from kiosk.core.circulation.session import ItemLine, LineStatus
from kiosk.core.circulation.visit import Circulation, Release, StaffAlert
from kiosk.core.errors import LibrarySystemError, LibraryUnavailable, OutcomeUnknown
from kiosk.core.outbox import EntryKind
from kiosk.core.receipts import ItemKind
from kiosk.core.vocabulary import ItemStatus

UNKNOWN_REASON = "outcome unknown: security left on; check the item at the ILS"


@dataclass(frozen=True)
class BorrowJob:
    seq: int
    item_id: str
    uids: tuple[str, ...]  # every part's tag; () for a barcode-only item
    release: Release | None = None  # what stage two does with the outbox entry at the end


async def checkout(c: Circulation, job: BorrowJob) -> BorrowJob | None:
    """Stage one. Returns the job for the pad when security must be switched off."""
    v = c.visit
    due_offline = c.policy.due(c.now())
    key = await c.write_ahead(
        EntryKind.CHECKOUT, job.item_id, card=v.card, due=due_offline.isoformat()
    )
    if key is None:
        _set_unrecorded(c, job.seq)
        return None
    if v.offline or await c.outbox.queued_before(key, job.item_id):
        return await _offline(c, job, Release(key))
    try:
        result = await c.library.checkout(v.card, job.item_id, v.pin)
    except LibraryUnavailable:
        v.went_offline(c.now())
        return await _offline(c, job, Release(key, maybe_sent=True))
    except (OutcomeUnknown, LibrarySystemError) as exc:
        await c.outbox.mark_rejected(key, UNKNOWN_REASON, {"outcome_unknown": str(exc)})
        _unknown(c, job, str(exc))
        return None
    result_data = {"ok": result.ok, "due": result.due_date.isoformat() if result.due_date else ""}
    if not result.ok:
        detail = " ".join(result.screen_messages)
        await c.outbox.mark_refused(key, detail or "refused", result_data)
        reason = await refusal_reason(c, job.item_id)
        _finish(c, job.seq, LineStatus.REFUSED, title=result.title, notice=Notice(reason, detail))
        return None
    v.own_loans.add(job.item_id)
    line = c.visit.update(job.seq, title=result.title, due=result.due_date)
    return await _after_loan(c, replace(job, release=Release(key, result_data)), line)


async def _offline(c: Circulation, job: BorrowJob, release: Release) -> BorrowJob | None:
    key = release.key
    decision = c.policy.checkout(c.visit.borrowed_offline)
    if not decision.allowed:
        # A backend can report "unreachable" after a request went out, so staff see
        # the withdrawn entry on the reconciliation list rather than it vanishing.
        await c.outbox.mark_rejected(
            key,
            f"withdrawn: {decision.reason}; check the ILS has no loan for this item",
            {"withdrawn": True, "reason": decision.reason},
        )
        _finish(c, job.seq, LineStatus.REFUSED, notice=Notice(decision.reason))
        return None
    c.visit.borrowed_offline += 1
    line = c.visit.update(job.seq, due=c.policy.due(c.now()), offline=True)
    return await _after_loan(c, replace(job, release=release), line)


async def _after_loan(c: Circulation, job: BorrowJob, line: ItemLine) -> BorrowJob | None:
    if job.uids:
        c.publish()
        return job
    await c.release(job.release)
    _borrowed(c, line.seq)
    return None


async def unsecure(c: Circulation, job: BorrowJob) -> None:
    """Stage two: security off, verified; a failure is reported, the loan stands."""
    try:
        if c.pad is None:
            raise PadError("no pad configured")
        for uid in job.uids:
            await c.pad.set_security(uid, secured=False)
    except PadError as exc:
        await c.release(job.release)
        line = c.visit.update(
            job.seq, status=LineStatus.SECURITY_FAILED, notice=Notice("item.security_failed")
        )
        c.visit.record(ItemKind.BORROWED, line)
        c.alert(StaffAlert("security_failed", job.item_id, str(exc)))
        c.publish()
        return
    await c.release(job.release)
    _borrowed(c, job.seq)


def _borrowed(c: Circulation, seq: int) -> None:
    line = c.visit.lines[seq]
    notice = Notice("offline.recorded") if line.offline else None
    line = c.visit.update(seq, status=LineStatus.BORROWED, notice=notice)
    c.visit.record(ItemKind.BORROWED, line)
    c.publish()


def _unknown(c: Circulation, job: BorrowJob, detail: str) -> None:
    _finish(c, job.seq, LineStatus.UNKNOWN_OUTCOME, notice=Notice("item.outcome_unknown"))
    c.alert(StaffAlert("outcome_unknown", job.item_id, detail))


def _finish(c: Circulation, seq: int, status: LineStatus, **changes: object) -> None:
    c.visit.update(seq, status=status, **changes)
    c.publish()


async def refusal_reason(c: Circulation, item_id: str) -> str:
    """Why the ILS refused a loan, from the item's state (the port gives no reason)."""
    if not c.visit.may_borrow:
        return "patron.blocked"
    try:
        item = await c.library.item(item_id)
    except LibrarySystemError:
        return "item.refused"
    match item.circulation_status:
        case ItemStatus.WAITING_ON_HOLD_SHELF | ItemStatus.RECALLED:
            return "item.on_hold_for_other"
        case ItemStatus.CHARGED:
            return "item.already_yours" if item_id in c.visit.own_loans else "item.on_loan_to_other"
        case ItemStatus.OTHER | ItemStatus.MISSING if not item.title:
            return "item.unknown"
        case ItemStatus.AVAILABLE | ItemStatus.OTHER:
            return "item.on_hold_for_other" if item.hold_queue_length else "item.not_for_loan"
    return "item.refused"


def _set_unrecorded(c: Circulation, seq: int) -> None:
    c.visit.update(seq, status=LineStatus.REFUSED, notice=Notice("kiosk.cannot_record"))
    c.publish()
