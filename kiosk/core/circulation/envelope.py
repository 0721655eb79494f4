"""The transaction envelope: the one way a state-changing request goes to the library system.

Every transaction (a checkout, a checkin, a renewal; a fee payment next) runs the same steps,
so the outbox rules live here once:

    write ahead ──(cannot write)──────────────────────────────► Unrecorded  (nothing sent)
        │
        ├─(visit offline, or an older entry about the subject still waits for replay)
        │                                             ─► offline decision
        ▼
      send ──LibraryUnavailable──► (visit goes offline) ──────► offline decision
        │  ──OutcomeUnknown / other library error──► rejected for staff ─► Unknown
        ▼
      settle: accepted ─► Accepted(result, release)    refused ─► marked refused ─► Refused

    offline decision: the policy allows ─► Offline(release)   (kept for replay at release)
                      the policy refuses ─► rejected as withdrawn ─► Withdrawn(reason)

Rules (borrow.py's rules 1, 5, 6 and 7, now for every kind):
1. The entry is durable before anything is sent; if the outbox cannot write, nothing is sent.
2. A refusal is marked refused (nothing for staff: the patron was told); the caller says why.
3. A lost answer: recovery (asking the library system whether the request was applied) is
   the backend's, through the port (backend_sync/recovery.py); what reaches the envelope as
   OutcomeUnknown could not be told, so the entry goes on the reconciliation list (rejected,
   never replayed) and staff are alerted. A recovered answer is an ordinary result.
4. While the library system is unreachable, the operation's offline decision says whether
   the kiosk accepts it; accepted it is replayed later, refused it is withdrawn in the outbox
   (rejected, ``result["withdrawn"]``) so it is never replayed.
5. An entry never overtakes an older one about the same subject still waiting for replay: it
   waits behind it, as an offline one (the operation can opt out: ``waits_behind_queue``).
6. Accepted and Offline carry the ``Release``: the caller hands it to ``Circulation.release``
   when its own side is finished (the security write), and only then is the entry marked done
   or kept for replay (borrow.py rule 8).

The envelope knows no kind: an ``Operation`` says what to send, how to read the answer and
what the offline policy says. A fee payment fits as one operation: the payment flow writes
the terminal's authorisation into the payload (or authorises inside ``send`` before calling
``fee_paid``), ``send`` records the fee paid at the ILS, ``accepted`` reads
``PaymentResult.accepted``; on Accepted it confirms (captures) and releases, on Refused,
Withdrawn or Unrecorded it reverses the authorisation, on Unknown it leaves it to staff.

Must never: talk to the pad or the screen (the callers do), resend a request, or decide a
refusal's reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from kiosk.core.circulation.offline_policy import Decision
from kiosk.core.circulation.visit import Circulation, Release, StaffAlert
from kiosk.core.errors import LibrarySystemError, LibraryUnavailable, OutcomeUnknown
from kiosk.core.outbox import EntryKind

UNKNOWN_REASON = "outcome unknown: security left on; check the item at the ILS"


class Answer(Protocol):
    """What every answer of the library-system port has."""

    @property
    def screen_messages(self) -> tuple[str, ...]: ...


R = TypeVar("R", bound=Answer)


@dataclass(frozen=True)
class Operation(Generic[R]):
    """One state-changing request, as the envelope needs it.

    ``item_id`` is the subject the outbox orders entries by (and the staff alert names);
    ``payload`` is what the outbox keeps besides it (plain JSON, never a PIN); ``send`` asks
    the library system; ``accepted`` reads its answer; ``record`` is what the outbox keeps of
    the answer; ``offline`` is the offline policy's decision, asked when it is needed;
    ``withdrawn_note`` is added to a withdrawn entry's reason for staff.
    """

    kind: EntryKind
    item_id: str
    send: Callable[[], Awaitable[R]]
    accepted: Callable[[R], bool]
    record: Callable[[R], dict[str, Any]]
    offline: Callable[[], Decision]
    payload: dict[str, Any] = field(default_factory=dict)
    withdrawn_note: str = ""
    waits_behind_queue: bool = True


@dataclass(frozen=True)
class Accepted(Generic[R]):
    result: R
    release: Release


@dataclass(frozen=True)
class Refused(Generic[R]):
    result: R
    detail: str  # the library system's screen messages, joined


@dataclass(frozen=True)
class Offline:
    """Accepted by the offline policy; kept for replay when released."""

    release: Release


@dataclass(frozen=True)
class Withdrawn:
    """Offline and the policy said no; the entry is withdrawn."""

    reason: str  # a message key


@dataclass(frozen=True)
class Unknown:
    """The answer was lost and the backend could not tell; staff were alerted."""

    detail: str


@dataclass(frozen=True)
class Unrecorded:
    """The outbox could not write: nothing was sent (staff were alerted by write_ahead)."""


Settlement = Accepted[R] | Refused[R] | Offline | Withdrawn | Unknown | Unrecorded


async def transact(c: Circulation, op: Operation[R]) -> Settlement[R]:
    """Write ahead, send, settle; see the module's table."""
    key = await c.write_ahead(op.kind, op.item_id, **op.payload)
    if key is None:
        return Unrecorded()
    if c.visit.offline or (op.waits_behind_queue and await c.outbox.queued_before(key, op.item_id)):
        return await _offline(c, op, Release(key))
    try:
        result = await op.send()
    except LibraryUnavailable:
        c.visit.went_offline(c.now())
        return await _offline(c, op, Release(key, maybe_sent=True))
    except (OutcomeUnknown, LibrarySystemError) as exc:
        await c.outbox.mark_rejected(key, UNKNOWN_REASON, {"outcome_unknown": str(exc)})
        c.alert(StaffAlert("outcome_unknown", op.item_id, str(exc)))
        return Unknown(str(exc))
    data = op.record(result)
    if op.accepted(result):
        return Accepted(result, Release(key, data))
    detail = " ".join(result.screen_messages)
    await c.outbox.mark_refused(key, detail or "refused", data)
    return Refused(result, detail)


async def _offline(c: Circulation, op: Operation[R], release: Release) -> Offline | Withdrawn:
    decision = op.offline()
    if decision.allowed:
        return Offline(release)
    # A backend can report "unreachable" after a request went out, so staff see the
    # withdrawn entry on the reconciliation list rather than it vanishing.
    await c.outbox.mark_rejected(
        release.key,
        f"withdrawn: {decision.reason}{op.withdrawn_note}",
        {"withdrawn": True, "reason": decision.reason},
    )
    return Withdrawn(decision.reason)
