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

Rules 1, 5, 6 and 7 are the transaction envelope's (envelope.py), shared with returns and
renewals. Stage one (``checkout``) talks to the ILS through the envelope, stage two
(``unsecure``) to the pad (stack.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from kiosk.core.circulation.envelope import (
    Accepted,
    Offline,
    Operation,
    Refused,
    Unknown,
    Unrecorded,
    Withdrawn,
    transact,
)
from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.pad import PadError
from kiosk.core.circulation.session import ItemLine, LineStatus
from kiosk.core.circulation.visit import Circulation, Release, StaffAlert
from kiosk.core.errors import LibrarySystemError
from kiosk.core.model import LoanResult
from kiosk.core.outbox import EntryKind
from kiosk.core.receipts import ItemKind
from kiosk.core.vocabulary import ItemStatus


@dataclass(frozen=True)
class BorrowJob:
    seq: int
    item_id: str
    uids: tuple[str, ...]  # every part's tag; () for a barcode-only item
    release: Release | None = None  # what stage two does with the outbox entry at the end


async def checkout(c: Circulation, job: BorrowJob) -> BorrowJob | None:
    """Stage one. Returns the job for the pad when security must be switched off."""
    v = c.visit
    loan = Operation(
        kind=EntryKind.CHECKOUT,
        item_id=job.item_id,
        payload={"card": v.card, "due": c.policy.due(c.now()).isoformat()},
        send=lambda: c.library.checkout(v.card, job.item_id, v.pin),
        accepted=lambda result: result.ok,
        record=loan_record,
        offline=lambda: c.policy.checkout(v.borrowed_offline),
        withdrawn_note="; check the ILS has no loan for this item",
    )
    match await transact(c, loan):
        case Accepted(result, release):
            v.own_loans.add(job.item_id)
            line = v.update(job.seq, title=result.title, due=result.due_date)
            return await _after_loan(c, replace(job, release=release), line)
        case Offline(release):
            v.borrowed_offline += 1
            line = v.update(job.seq, due=c.policy.due(c.now()), offline=True)
            return await _after_loan(c, replace(job, release=release), line)
        case Refused(result, detail):
            reason = await refusal_reason(c, job.item_id)
            _finish(
                c, job.seq, LineStatus.REFUSED, title=result.title, notice=Notice(reason, detail)
            )
        case Withdrawn(reason):
            _finish(c, job.seq, LineStatus.REFUSED, notice=Notice(reason))
        case Unknown():
            _finish(c, job.seq, LineStatus.UNKNOWN_OUTCOME, notice=Notice("item.outcome_unknown"))
        case Unrecorded():
            _finish(c, job.seq, LineStatus.REFUSED, notice=Notice("kiosk.cannot_record"))
    return None


def loan_record(result: LoanResult) -> dict[str, Any]:
    """What the outbox keeps of a loan's (or a renewal's) answer."""
    return {"ok": result.ok, "due": result.due_date.isoformat() if result.due_date else ""}


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
