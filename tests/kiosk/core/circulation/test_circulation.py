"""Circulation over the pad against the ILS simulator (real SIP2 over loopback), the in-process
pad and the in-memory outbox: borrowing a stack (security after the loan, verified; refusals
with reasons; sets only when whole; pipelining; placement order), returns (sort bin, hold
alert, not on loan, own loans only), renewals, the account view and barcode-only items."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.circulation.pad import PadItem, PadProblem
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.circulation.session import Activity, LineStatus, State
from kiosk.core.circulation.visit import StaffAlert
from kiosk.core.clock import ManualClock
from kiosk.core.library_pool import LibraryPool
from kiosk.core.outbox import EntryKind, EntryState
from simulators.ils.simulator import IlsSimulator
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.pad_fake import FakePad

ONA, ONA_PIN = "2100000001", "1234"
JONAS, JONAS_PIN = "2100000002", "2345"
TOMAS, TOMAS_PIN = "2100000008", "8901"
AISTE, AISTE_PIN = "2100000009", "9012"
RUTA, RUTA_PIN = "2100000003", "3456"
METAI, KURMELIS, PAVASARIO = "9786090100011", "9786090100042", "9786090100073"
REFERENCE = "9786090100028"
HELD_FOR_ONA = "9786090100233"  # waiting on the hold shelf for Ona
MARTI = "9786090100035"  # on loan to Ona
DROBULE = "9786090100257"  # on loan to Ona, held for Žygimantas
HERKUS = "9786090100301"  # on loan to Jonas
AUDIOBOOK = "9786090100288"  # 2 CDs, waiting for Jonas
BOOK_WITH_CD = "9786090100400"  # 2 parts, on the shelf
AT_LIMIT = "9786090100189"  # Aistė's loan at its renewal limit


class Recording:
    """The SIP2 client, with the order of its answers noted (to see the pipeline overlap)."""

    in_flight = 0
    most_in_flight = 0

    def __init__(self, client: Sip2Client, log: list[str]) -> None:
        self.client = client
        self.log = log

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    async def checkout(self, card: str, item_id: str, *args: Any, **kw: Any) -> Any:
        self.log.append(f"ils-start {item_id}")
        Recording.in_flight += 1
        Recording.most_in_flight = max(Recording.most_in_flight, Recording.in_flight)
        try:
            result = await self.client.checkout(card, item_id, *args, **kw)
        finally:
            Recording.in_flight -= 1
        self.log.append(f"ils-done {item_id}")
        return result


@dataclass
class Kiosk:
    service: CirculationService
    pad: FakePad
    outbox: FakeOutbox
    clock: ManualClock
    alerts: list[StaffAlert] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def statuses(self) -> list[tuple[str, LineStatus]]:
        return [(line.item_id, line.status) for line in self.service.view.lines]

    def notices(self) -> dict[str, str]:
        return {line.item_id: line.notice.key for line in self.service.view.lines if line.notice}


def sip2(sim: IlsSimulator) -> Sip2Client:
    return Sip2Client(
        Sip2Config(
            endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=5),
            wire=Wire(encoding="utf-8", timeout_s=2.0, retries=1),
            terminal=Terminal(institution="AVB", location="KNYGOMATAS-1"),
            username="kiosk1",
            password="demo",
            keepalive_s=0,
        )
    )


def run(
    sim: IlsSimulator,
    body: Callable[[Kiosk], Awaitable[None]],
    pad: FakePad | None = None,
    **rules: Any,
) -> None:
    async def main() -> None:
        client = sip2(sim)
        kiosk = Kiosk(None, pad or FakePad(), FakeOutbox(), ManualClock())  # type: ignore[arg-type]
        ports = Ports(
            Recording(client, kiosk.log),  # type: ignore[arg-type]
            kiosk.outbox,
            kiosk.clock,
            kiosk.pad,
            on_alert=kiosk.alerts.append,
        )
        kiosk.service = CirculationService(ports, CirculationRules(**rules))
        try:
            await asyncio.wait_for(body(kiosk), 30)
        finally:
            await client.close()

    asyncio.run(main())


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


def tag(item_id: str, n: int = 0, part: int = 1, parts: int = 1) -> PadItem:
    return PadItem(f"E00400000000{n:04X}", item_id, part, parts)


async def login(k: Kiosk, card: str = ONA, pin: str = ONA_PIN) -> None:
    await k.service.present_card(card)
    await k.service.enter_pin(pin)
    assert k.service.state is State.WORKING


# -- borrowing ---------------------------------------------------------------------------
def test_a_stack_is_borrowed_security_off_after_each_loan_and_verified(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        stack = [tag(METAI, 1), tag(KURMELIS, 2), tag(PAVASARIO, 3)]
        k.pad.place(*stack)
        await k.service.settle()
        assert k.statuses() == [(i.item_id, LineStatus.BORROWED) for i in stack]
        assert all(not k.pad.secured[i.uid] for i in stack)
        assert [e.state for e in k.outbox.entries.values()] == [EntryState.DONE] * 3
        for item in stack:
            assert sim.library.count("checkout", item.item_id) == 1
        line = k.service.view.lines[0]
        assert line.title == "Metai" and line.due is not None

    run(sim, body)


def test_the_outbox_entry_is_written_before_the_checkout_is_sent(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        k.outbox.fail_adds = 1
        k.pad.place(tag(METAI, 1))
        await k.service.settle()
        assert sim.library.count("checkout", METAI) == 0  # nothing sent that is not durable
        assert k.notices() == {METAI: "kiosk.cannot_record"} and k.pad.secured[tag(METAI, 1).uid]
        assert [a.kind for a in k.alerts] == ["outbox_failed"]
        entry = next(iter(k.outbox.entries.values()), None)
        assert entry is None

    run(sim, body)


def test_refused_items_keep_security_on_and_say_why_in_placement_order(
    sim: IlsSimulator,
) -> None:
    async def body(k: Kiosk) -> None:
        await login(k, JONAS, JONAS_PIN)
        stack = [tag(METAI, 1), tag(REFERENCE, 2), tag(HELD_FOR_ONA, 3), tag(HERKUS, 4)]
        k.pad.place(*stack)
        await k.service.settle()
        assert [s for _, s in k.statuses()] == [
            LineStatus.BORROWED,
            LineStatus.REFUSED,
            LineStatus.REFUSED,
            LineStatus.REFUSED,
        ]
        assert k.notices() == {
            REFERENCE: "item.not_for_loan",
            HELD_FOR_ONA: "item.on_hold_for_other",
            HERKUS: "item.already_yours",
        }
        assert [uid for uid, _ in k.pad.writes] == [stack[0].uid]
        refused = k.outbox.in_state(EntryState.REJECTED)
        assert sorted(e.payload["item_id"] for e in refused) == sorted(
            [REFERENCE, HELD_FOR_ONA, HERKUS]
        )

    run(sim, body)


def test_a_security_write_failure_is_reported_and_the_loan_stands(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        bad = tag(METAI, 1)
        k.pad.fail_writes.add(bad.uid)
        k.pad.place(bad, tag(KURMELIS, 2))
        await k.service.settle()
        assert k.statuses() == [
            (METAI, LineStatus.SECURITY_FAILED),
            (KURMELIS, LineStatus.BORROWED),
        ]
        assert k.notices()[METAI] == "item.security_failed"
        assert [(a.kind, a.item_id) for a in k.alerts] == [("security_failed", METAI)]
        assert sim.library.count("checkin", METAI) == 0  # never "cancelled" by a checkin
        assert sim.library.count("checkout", METAI) == 1

    run(sim, body)


def test_a_set_is_borrowed_only_when_every_part_is_on_the_pad(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k, JONAS, JONAS_PIN)
        first, second = tag(AUDIOBOOK, 1, 1, 2), tag(AUDIOBOOK, 2, 2, 2)
        k.pad.place(first)
        await k.service.settle()
        view = k.service.view
        assert view.lines == () and view.notice and view.notice.key == "item.incomplete_set"
        assert sim.library.count("checkout", AUDIOBOOK) == 0
        k.pad.remove(first.uid)
        k.pad.place(second)
        await k.service.settle()
        assert k.service.view.lines == ()  # part 1 left again: still incomplete
        k.pad.place(first)
        await k.service.settle()
        assert k.statuses() == [(AUDIOBOOK, LineStatus.BORROWED)]
        assert not k.pad.secured[first.uid] and not k.pad.secured[second.uid]
        assert sim.library.count("checkout", AUDIOBOOK) == 1

    run(sim, body)


def test_a_tag_seen_again_is_not_borrowed_twice(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        item = tag(METAI, 1)
        k.pad.place(item)
        await k.service.settle()
        k.pad.remove(item.uid)
        k.pad.place(item)
        await k.service.settle()
        assert len(k.service.view.lines) == 1 and sim.library.count("checkout", METAI) == 1

    run(sim, body)


def test_the_next_checkout_is_in_flight_while_security_is_written(sim: IlsSimulator) -> None:
    pad = FakePad(write_s=0.05)
    sim.faults.set_latency(50)

    async def body(k: Kiosk) -> None:
        await login(k)
        original = k.pad.set_security

        async def noted(uid: str, secured: bool) -> None:
            k.log.append(f"pad-start {uid}")
            await original(uid, secured)
            k.log.append(f"pad-done {uid}")

        k.pad.set_security = noted  # type: ignore[method-assign]
        first, second = tag(METAI, 1), tag(KURMELIS, 2)
        k.pad.place(first, second)
        await k.service.settle()
        events = k.log[k.log.index(f"ils-done {METAI}") :]
        # item 2's checkout starts and item 1's security write starts before either ends
        assert set(events[1:3]) == {f"ils-start {KURMELIS}", f"pad-start {first.uid}"}

    run(sim, body, pad=pad)


def test_unreadable_tags_are_reported_not_ignored(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        k.pad.place(tag(METAI, 1), problems=(PadProblem("E004000000009999", "foreign"),))
        await k.service.settle()
        assert k.service.view.notice and k.service.view.notice.key == "item.unreadable_tag"
        assert k.statuses() == [(METAI, LineStatus.BORROWED)]

    run(sim, body)


def test_a_blocked_patron_borrows_nothing_but_sees_why(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k, RUTA, RUTA_PIN)
        k.pad.place(tag(METAI, 1))
        await k.service.settle()
        assert k.statuses() == [(METAI, LineStatus.REFUSED)]
        assert sim.library.count("checkout") == 0 and k.pad.writes == []

    run(sim, body)


def test_barcode_only_items_are_borrowed_and_returned_by_scanning(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.scan(METAI)
        await k.service.settle()
        assert k.statuses() == [(METAI, LineStatus.BORROWED)] and k.pad.writes == []
        await k.service.choose(Activity.RETURN)
        await k.service.scan(METAI)
        await k.service.settle()
        assert k.statuses()[1] == (METAI, LineStatus.RETURNED)

    run(sim, body)


def test_barcode_items_can_be_switched_off(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.scan(METAI)
        assert k.service.view.lines == () and k.service.state is State.WORKING

    run(sim, body, barcode_items=False)


# -- returns ------------------------------------------------------------------------------
def test_returns_check_in_secure_and_show_the_sort_bin_and_hold_alert(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.choose(Activity.RETURN)
        marti, drobule = tag(MARTI, 1), tag(DROBULE, 2)
        k.pad.secured[marti.uid] = k.pad.secured[drobule.uid] = False
        k.pad.place(marti, drobule)
        await k.service.settle()
        assert k.statuses() == [(MARTI, LineStatus.RETURNED), (DROBULE, LineStatus.RETURNED)]
        lines = k.service.view.lines
        assert lines[0].sort_bin == "R1" and lines[1].sort_bin == "H1"
        assert k.notices() == {DROBULE: "item.hold_shelf"}
        assert k.pad.secured[marti.uid] and k.pad.secured[drobule.uid]
        assert sim.library.count("checkin") == 2

    run(sim, body)


def test_a_patron_returns_only_their_own_loans(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k, JONAS, JONAS_PIN)
        await k.service.choose(Activity.RETURN)
        k.pad.place(tag(MARTI, 1))  # Ona's
        await k.service.settle()
        assert k.notices() == {MARTI: "item.not_your_loan"}
        assert sim.library.count("checkin") == 0

    run(sim, body)


def test_anonymous_returns_report_items_that_were_not_on_loan(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.start_returns()
        k.pad.place(tag(METAI, 1), tag(HERKUS, 2))
        await k.service.settle()
        assert k.statuses() == [(METAI, LineStatus.NOT_ON_LOAN), (HERKUS, LineStatus.RETURNED)]
        # Herkus is on hold at another branch: in transit, so the staff bin
        assert k.notices() == {METAI: "item.not_on_loan", HERKUS: "item.staff_bin"}
        assert all(k.pad.secured.values())
        await k.service.done()
        assert k.service.state is State.IDLE  # no receipt desk configured

    run(sim, body)


def test_a_security_failure_on_return_is_reported_to_staff(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.start_returns()
        item = tag(HERKUS, 1)
        k.pad.place(item)
        k.pad.fail_writes.add(item.uid)
        k.pad.secured[item.uid] = False
        await k.service.settle()
        assert k.statuses() == [(HERKUS, LineStatus.SECURITY_FAILED)]
        assert [a.kind for a in k.alerts] == ["security_failed"]

    run(sim, body)


def test_returns_without_login_can_be_switched_off(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.start_returns()
        assert k.service.state is State.IDLE

    run(sim, body, return_without_login=False)


# -- renewals and the account --------------------------------------------------------------
def test_renew_one_own_loan_and_refuse_someone_elses(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.renew(MARTI)
        await k.service.renew(HERKUS)  # Jonas's loan
        assert k.statuses() == [(MARTI, LineStatus.RENEWED), (HERKUS, LineStatus.REFUSED)]
        assert k.notices() == {HERKUS: "item.not_your_loan"}
        assert sim.library.count("renew", HERKUS) == 0
        kinds = [e.kind for e in k.outbox.entries.values()]
        assert kinds == [EntryKind.RENEW]

    run(sim, body)


def test_renew_all_renews_each_own_loan_with_its_own_answer(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k, AISTE, AISTE_PIN)
        await k.service.renew_all()
        assert k.statuses() == [(AT_LIMIT, LineStatus.REFUSED)]
        assert k.notices() == {AT_LIMIT: "item.renew_refused"}
        await k.service.done()
        await login(k)
        await k.service.renew_all()
        assert sorted(k.statuses()) == [(MARTI, LineStatus.RENEWED), (DROBULE, LineStatus.REFUSED)]

    run(sim, body)


def test_the_account_view_lists_loans_holds_and_fines(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k, TOMAS, TOMAS_PIN)
        await k.service.choose(Activity.ACCOUNT)
        account = k.service.view.account
        assert account is not None
        assert len(account.loans) == 2 and all(loan.overdue for loan in account.loans)
        assert [(f.description, f.amount) for f in account.fines] == [
            ("Delspinigiai: Kuprelis", "0.60")
        ]
        assert account.fines_total == "0.60" and account.currency == "EUR"
        await k.service.done()
        await login(k)
        await k.service.choose(Activity.ACCOUNT)
        ona = k.service.view.account
        assert ona is not None and ona.fines == () and ona.fines_total == "0.00"
        assert [(h.item_id, h.ready, h.where) for h in ona.holds] == [
            (HELD_FOR_ONA, True, "KNYGOMATAS-1")
        ]
        assert {loan.item_id for loan in ona.loans} == {MARTI, DROBULE}
        assert not any(loan.overdue for loan in ona.loans)

    run(sim, body)


def test_holds_ready_for_pickup_come_first(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k, "2100000012", "2468")
        await k.service.choose(Activity.ACCOUNT)
        account = k.service.view.account
        assert account is not None and len(account.holds) == 2
        assert not any(h.ready for h in account.holds)

    run(sim, body)


def test_a_pool_of_ils_connections_keeps_checkouts_side_by_side(sim: IlsSimulator) -> None:
    sim.faults.set_latency(30)

    async def main() -> None:
        log: list[str] = []
        clients = [sip2(sim), sip2(sim)]
        pool = LibraryPool([Recording(c, log) for c in clients])  # type: ignore[misc]
        pad, outbox = FakePad(), FakeOutbox()
        rules = CirculationRules(ils_connections=pool.size)
        service = CirculationService(Ports(pool, outbox, ManualClock(), pad), rules)
        Recording.most_in_flight = 0
        try:
            await service.present_card(ONA)
            await service.enter_pin(ONA_PIN)
            stack = [tag(METAI, 1), tag(KURMELIS, 2), tag(PAVASARIO, 3)]
            pad.place(*stack)
            await service.settle()
            view = service.view
            assert [line.item_id for line in view.lines] == [METAI, KURMELIS, PAVASARIO]
            assert all(line.status is LineStatus.BORROWED for line in view.lines)
            assert Recording.most_in_flight == 2
            for item in stack:
                assert sim.library.count("checkout", item.item_id) == 1
        finally:
            await service.cancel()
            await pool.close()

    asyncio.run(asyncio.wait_for(main(), 30))


def test_an_unreadable_answer_leaves_security_on_and_goes_to_staff(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        sim.faults.arm("garble", 0)  # the checkout is applied, its answer is garbage
        item = tag(METAI, 1)
        k.pad.place(item)
        await k.service.settle()
        assert k.statuses() == [(METAI, LineStatus.UNKNOWN_OUTCOME)]
        assert k.notices() == {METAI: "item.outcome_unknown"}
        assert k.pad.secured[item.uid] and k.pad.writes == []
        assert [a.kind for a in k.alerts] == ["outcome_unknown"]
        (entry,) = k.outbox.in_state(EntryState.REJECTED)
        assert entry.reason.startswith("outcome unknown")  # on the reconciliation list
        assert sim.library.count("checkout", METAI) == 1

    run(sim, body)


def test_a_lost_reader_is_shown_and_the_loan_reported_to_staff(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        k.pad.lose_reader()
        assert k.service.view.notice and k.service.view.notice.key == "session.pad_unavailable"
        await k.service.scan(METAI)  # barcode-only borrowing still works
        k.pad.place(tag(KURMELIS, 2))  # seen just before the reader went
        await k.service.settle()
        assert k.statuses() == [
            (METAI, LineStatus.BORROWED),
            (KURMELIS, LineStatus.SECURITY_FAILED),
        ]
        assert [a.kind for a in k.alerts] == ["pad_unavailable", "security_failed"]

    run(sim, body)
