"""VisitWork on its own, where no library system is needed: what the pad or the scanner
brought becomes lines (refused at once when the patron may not borrow), sets wait for all
their parts, and Done finds a receipt desk only when there is something to record. Items
going through the ILS and the pad run against the ILS simulator in test_circulation.py."""

from __future__ import annotations

import asyncio

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.offline_policy import OfflinePolicy
from kiosk.core.circulation.pad import PadItem, PadProblem
from kiosk.core.circulation.session import Activity, LineStatus
from kiosk.core.circulation.setup import CirculationRules, Ports
from kiosk.core.circulation.visit import StaffAlert, Visit
from kiosk.core.circulation.visit_work import VisitWork
from kiosk.core.clock import ManualClock
from kiosk.core.receipts import ItemKind, Receipt
from simulators.models.outbox_fake import FakeOutbox

BLOCKED = Notice("patron.blocked")
METAI, CD_SET = "9786090100011", "9786090100400"


def work_for(
    visit: Visit,
    receipts: list[tuple[str, Receipt]] | None = None,
    outbox: FakeOutbox | None = None,
) -> VisitWork:
    def desk(session_id: str, receipt: Receipt) -> object:
        assert receipts is not None
        receipts.append((session_id, receipt))
        return "desk"

    ports = Ports(
        library=None,  # type: ignore[arg-type]  # nothing here may reach the ILS
        outbox=outbox or FakeOutbox(),
        clock=ManualClock(),
        receipts=desk if receipts is not None else None,  # type: ignore[arg-type]
    )
    alerts: list[StaffAlert] = []
    return VisitWork(
        ports, CirculationRules(), OfflinePolicy(), "kiosk-1", visit, alerts.append, lambda: None
    )


def blocked_visit() -> Visit:
    return Visit("s1", card="2100000001", may_borrow=False, borrow_refusal=BLOCKED)


def test_a_patron_who_may_not_borrow_gets_a_refused_line_and_nothing_is_sent() -> None:
    outbox = FakeOutbox()
    work = work_for(blocked_visit(), outbox=outbox)
    work.submit(METAI, (), Activity.ACCOUNT)  # anything but returning is borrowing
    (line,) = work.visit.lines.values()
    assert (line.item_id, line.activity, line.status) == (
        METAI,
        Activity.BORROW,
        LineStatus.REFUSED,
    )
    assert line.notice == BLOCKED
    assert outbox.entries == {}


def test_a_set_waits_for_all_its_parts_and_says_so() -> None:
    work = work_for(blocked_visit())
    first = PadItem("e0040001", CD_SET, part=1, parts=2)
    assert work.arrived([first], (), Activity.BORROW) == Notice("item.incomplete_set")
    assert work.visit.lines == {}
    second = PadItem("e0040002", CD_SET, part=2, parts=2)
    assert work.arrived([second], (), Activity.BORROW) is None
    assert [line.item_id for line in work.visit.lines.values()] == [CD_SET]


def test_a_part_taken_away_is_waited_for_again() -> None:
    work = work_for(blocked_visit())
    work.arrived([PadItem("e0040001", CD_SET, part=1, parts=2)], (), Activity.BORROW)
    work.left(["e0040001"])
    assert work.visit.waiting_parts == {CD_SET: {}}


def test_an_unreadable_tag_is_named_before_an_incomplete_set() -> None:
    work = work_for(blocked_visit())
    item = PadItem("e0040001", CD_SET, part=1, parts=2)
    notice = work.arrived([item], (PadProblem("e0049999", "unreadable"),), Activity.BORROW)
    assert notice == Notice("item.unreadable_tag")


def test_done_with_nothing_recorded_has_no_receipt_desk() -> None:
    receipts: list[tuple[str, Receipt]] = []
    work = work_for(blocked_visit(), receipts)
    assert asyncio.run(work.receipt_desk("Library")) is None and receipts == []


def test_done_with_a_recorded_item_hands_its_receipt_to_the_desk() -> None:
    receipts: list[tuple[str, Receipt]] = []
    visit = blocked_visit()
    work = work_for(visit, receipts)
    line = visit.add_line(METAI, Activity.RETURN, LineStatus.RETURNED)
    visit.record(ItemKind.RETURNED, line)
    assert asyncio.run(work.receipt_desk("Library")) == "desk"
    ((session_id, receipt),) = receipts
    assert session_id == "s1" and receipt.library_name == "Library"
    assert [item.item_id for item in receipt.items] == [METAI]


def test_without_a_receipt_port_done_has_no_desk() -> None:
    visit = blocked_visit()
    visit.record(ItemKind.RETURNED, visit.add_line(METAI, Activity.RETURN, LineStatus.RETURNED))
    assert asyncio.run(work_for(visit).receipt_desk("Library")) is None
