"""Returning: checkin, then security on (verified), the sort bin and any alert shown.

Rules:
1. The checkin is written to the outbox before it is sent.
2. In a patron's own session only their own loans are taken back (Koha 29543); the
   anonymous returns visit takes anything, and so does an offline session (the loans
   cannot be known offline, and a returned item is the library's either way).
3. Security goes on after the ILS accepted the return (or the offline policy did), unless
   the ILS says not to resensitize; a failure is reported to patron and staff.
4. An item that was not on loan is reported as such (and secured: it is the library's),
   never failed silently.
5. An alert (on hold for someone, in transit, needs staff) tells the patron where to leave
   the item: the hold shelf or the staff bin.
6. A return never overtakes an older transaction about the item still waiting for replay
   (a loan made offline): it waits behind it, as an offline return (borrow.py rule 7).
7. The outbox entry is released (done, or kept for replay) only after the security write,
   as in borrow.py rule 8.
Rules 1, 6 and the offline and lost-answer handling are the transaction envelope's
(envelope.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
from kiosk.core.circulation.session import LineStatus
from kiosk.core.circulation.visit import Circulation, Release, StaffAlert
from kiosk.core.errors import LibrarySystemError
from kiosk.core.model import ReturnResult
from kiosk.core.outbox import EntryKind
from kiosk.core.receipts import ItemKind
from kiosk.core.vocabulary import ReturnAlert


@dataclass(frozen=True)
class ReturnJob:
    seq: int
    item_id: str
    uids: tuple[str, ...]  # every part's tag; () for a barcode-only item
    release: Release | None = None  # what stage two does with the outbox entry at the end


async def checkin(c: Circulation, job: ReturnJob) -> ReturnJob | None:
    v = c.visit
    if v.card and c.returns_own_loans_only and not v.offline and job.item_id not in v.own_loans:
        _set(c, job.seq, LineStatus.REFUSED, notice=Notice("item.not_your_loan"))
        return None
    checkin = Operation(
        kind=EntryKind.CHECKIN,
        item_id=job.item_id,
        payload={"card": v.card},
        send=lambda: c.library.checkin(job.item_id),
        accepted=lambda result: result.ok,
        record=lambda r: {"ok": r.ok, "sort_bin": r.sort_bin, "alert": r.alert},
        offline=c.policy.checkin,
    )
    match await transact(c, checkin):
        case Accepted(result, release):
            v.own_loans.discard(job.item_id)
            return await _accepted(c, replace(job, release=release), result)
        case Offline(release):
            return await _offline(c, replace(job, release=release))
        case Refused(result, detail):
            return await _refused(c, job, result, detail)
        case Withdrawn(reason):
            _set(c, job.seq, LineStatus.REFUSED, notice=Notice(reason))
        case Unknown():
            _set(c, job.seq, LineStatus.UNKNOWN_OUTCOME, notice=Notice("item.outcome_unknown"))
        case Unrecorded():
            _set(c, job.seq, LineStatus.REFUSED, notice=Notice("kiosk.cannot_record"))
    return None


async def _refused(
    c: Circulation, job: ReturnJob, result: ReturnResult, detail: str
) -> ReturnJob | None:
    if await _on_loan(c, job.item_id):
        notice = Notice("item.return_refused", detail)
        _set(c, job.seq, LineStatus.REFUSED, title=result.title, notice=notice)
        return None
    c.visit.update(job.seq, title=result.title, notice=Notice("item.not_on_loan"))
    return job if job.uids else _done(c, job.seq, LineStatus.NOT_ON_LOAN)


async def _accepted(c: Circulation, job: ReturnJob, result: ReturnResult) -> ReturnJob | None:
    notice = None
    if result.alert:
        here = result.alert_type is ReturnAlert.HOLD_HERE
        notice = Notice("item.hold_shelf" if here else "item.staff_bin")
    c.visit.update(job.seq, title=result.title, sort_bin=result.sort_bin, notice=notice)
    if job.uids and result.resensitize:
        c.publish()
        return job
    await c.release(job.release)
    return _done(c, job.seq, LineStatus.RETURNED)


async def _offline(c: Circulation, job: ReturnJob) -> ReturnJob | None:
    c.visit.update(job.seq, offline=True, notice=Notice("offline.recorded"))
    if job.uids:
        return job
    await c.release(job.release)
    return _done(c, job.seq, LineStatus.RETURNED)


async def secure(c: Circulation, job: ReturnJob) -> None:
    line = c.visit.lines[job.seq]
    final = (
        LineStatus.NOT_ON_LOAN if line.notice == Notice("item.not_on_loan") else LineStatus.RETURNED
    )
    try:
        if c.pad is None:
            raise PadError("no pad configured")
        for uid in job.uids:
            await c.pad.set_security(uid, secured=True)
    except PadError as exc:
        await c.release(job.release)
        c.alert(StaffAlert("security_failed", job.item_id, str(exc)))
        if final is LineStatus.RETURNED:
            c.visit.record(ItemKind.RETURNED, line)
        _set(c, job.seq, LineStatus.SECURITY_FAILED, notice=Notice("item.security_failed"))
        return
    await c.release(job.release)
    _done(c, job.seq, final)


def _done(c: Circulation, seq: int, status: LineStatus) -> None:
    line = c.visit.update(seq, status=status)
    if status is LineStatus.RETURNED:
        c.visit.record(ItemKind.RETURNED, line)
    c.publish()


def _set(c: Circulation, seq: int, status: LineStatus, **changes: object) -> None:
    c.visit.update(seq, status=status, **changes)
    c.publish()


async def _on_loan(c: Circulation, item_id: str) -> bool:
    try:
        return (await c.library.item(item_id)).on_loan
    except LibrarySystemError:
        return True  # cannot tell: do not call it "not on loan"
