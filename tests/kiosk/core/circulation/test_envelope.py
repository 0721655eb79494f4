"""The transaction envelope on its own: each way a request can end, what the outbox holds
after it, and that the envelope knows no kind (a fee payment runs on it as it is).

The operations here answer from a script, not an ILS: the envelope's rules are about the
outbox and the offline decision, which the borrow/return/renew tests check again end to end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest

from kiosk.core.circulation.envelope import (
    UNKNOWN_REASON,
    Accepted,
    Offline,
    Operation,
    Refused,
    Unknown,
    Unrecorded,
    Withdrawn,
    transact,
)
from kiosk.core.circulation.offline_policy import Decision, OfflinePolicy
from kiosk.core.circulation.visit import Circulation, Release, StaffAlert, Visit
from kiosk.core.clock import ManualClock
from kiosk.core.errors import LibraryUnavailable, OutcomeUnknown
from kiosk.core.model import LoanResult, PaymentResult
from kiosk.core.outbox import EntryKind, EntryState
from simulators.models.outbox_fake import FakeOutbox

ITEM, CARD = "9786090100011", "2100000001"
ALLOW, REFUSE = Decision(True), Decision(False, "offline.no_checkouts")


def context(alerts: list[StaffAlert], *, offline: bool = False) -> Circulation:
    return Circulation(
        library=None,  # type: ignore[arg-type]  # the operations below never reach it
        outbox=FakeOutbox(),
        pad=None,
        clock=ManualClock(),
        policy=OfflinePolicy(),
        kiosk_id="k1",
        visit=Visit("s1", card=CARD, offline=offline),
        alert=alerts.append,
        publish=lambda: None,
    )


def loan(
    answer: Callable[[], Awaitable[LoanResult]], offline: Decision = ALLOW
) -> Operation[LoanResult]:
    return Operation(
        kind=EntryKind.CHECKOUT,
        item_id=ITEM,
        payload={"card": CARD},
        send=answer,
        accepted=lambda result: result.ok,
        record=lambda result: {"ok": result.ok},
        offline=lambda: offline,
        withdrawn_note="; check the ILS",
    )


def answers(ok: bool) -> Callable[[], Awaitable[LoanResult]]:
    async def send() -> LoanResult:
        return LoanResult(
            ok=ok, item_id=ITEM, card=CARD, screen_messages=("Ne.",) if not ok else ()
        )

    return send


def raises(exc: Exception) -> Callable[[], Awaitable[LoanResult]]:
    async def send() -> LoanResult:
        raise exc

    return send


def entry(c: Circulation) -> Any:
    outbox = c.outbox
    assert isinstance(outbox, FakeOutbox)
    (only,) = outbox.entries.values()
    return only


def test_accepted_leaves_the_entry_live_until_released() -> None:
    c = context([])
    settled = asyncio.run(transact(c, loan(answers(True))))
    assert isinstance(settled, Accepted) and settled.result.ok
    assert settled.release == Release(entry(c).key, {"ok": True})
    assert entry(c).state is EntryState.PENDING and entry(c).payload["item_id"] == ITEM
    asyncio.run(c.release(settled.release))
    assert entry(c).state is EntryState.DONE


def test_refused_is_marked_refused_with_the_ils_words_and_nothing_for_staff() -> None:
    alerts: list[StaffAlert] = []
    c = context(alerts)
    settled = asyncio.run(transact(c, loan(answers(False))))
    assert isinstance(settled, Refused) and settled.detail == "Ne."
    assert (entry(c).state, entry(c).reason) == (EntryState.REJECTED, "Ne.")
    assert not c.outbox.for_staff and not alerts  # type: ignore[attr-defined]


def test_a_lost_answer_goes_to_staff_and_is_never_replayed() -> None:
    alerts: list[StaffAlert] = []
    c = context(alerts)
    settled = asyncio.run(transact(c, loan(raises(OutcomeUnknown("answer lost")))))
    assert settled == Unknown("answer lost")
    assert (entry(c).state, entry(c).reason) == (EntryState.REJECTED, UNKNOWN_REASON)
    assert alerts == [StaffAlert("outcome_unknown", ITEM, "answer lost")]


@pytest.mark.parametrize(
    ("decision", "expected_state"), [(ALLOW, EntryState.PENDING), (REFUSE, EntryState.REJECTED)]
)
def test_unreachable_asks_the_offline_policy(
    decision: Decision, expected_state: EntryState
) -> None:
    c = context([])
    settled = asyncio.run(transact(c, loan(raises(LibraryUnavailable("down")), decision)))
    assert c.visit.offline and c.visit.offline_at == c.now()
    assert entry(c).state is expected_state
    if decision.allowed:
        assert settled == Offline(Release(entry(c).key, maybe_sent=True))
    else:
        assert settled == Withdrawn("offline.no_checkouts")
        assert entry(c).reason == "withdrawn: offline.no_checkouts; check the ILS"
        assert entry(c).result == {"withdrawn": True, "reason": "offline.no_checkouts"}


def test_an_offline_visit_never_sends() -> None:
    c = context([], offline=True)
    settled = asyncio.run(transact(c, loan(raises(AssertionError("sent")))))
    assert settled == Offline(Release(entry(c).key))  # never sent: kept for replay unsent


def test_an_entry_waits_behind_an_older_one_about_the_same_subject() -> None:
    c = context([])
    first = asyncio.run(transact(c, loan(raises(LibraryUnavailable("down")))))
    assert isinstance(first, Offline)
    c.visit.offline = False  # the ILS is back before the replay
    second = asyncio.run(transact(c, loan(raises(AssertionError("sent past the first")))))
    assert isinstance(second, Offline) and not second.release.maybe_sent


def test_nothing_is_sent_when_the_outbox_cannot_write() -> None:
    c = context([])
    c.outbox.fail_adds = 1  # type: ignore[attr-defined]
    assert asyncio.run(transact(c, loan(raises(AssertionError("sent"))))) == Unrecorded()


def test_a_fee_payment_is_one_more_operation() -> None:
    c = context([])
    paid: list[Decimal] = []

    async def fee_paid() -> PaymentResult:
        paid.append(Decimal("3.00"))
        return PaymentResult(accepted=True, card=CARD, transaction_id="T1")

    payment = Operation(
        kind=EntryKind.FEE_PAID,
        item_id="",
        payload={"card": CARD, "amount": "3.00", "fee_type": "overdue", "method": "debit_card"},
        send=fee_paid,
        accepted=lambda result: result.accepted,
        record=lambda result: {
            "accepted": result.accepted,
            "transaction_id": result.transaction_id,
        },
        offline=lambda: Decision(False, "offline.no_payments"),
        waits_behind_queue=False,
    )
    settled = asyncio.run(transact(c, payment))
    assert isinstance(settled, Accepted) and paid == [Decimal("3.00")]
    assert entry(c).kind is EntryKind.FEE_PAID and entry(c).payload["method"] == "debit_card"
