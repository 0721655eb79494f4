"""The patron session: the transition table itself, the idle timer, and every exit path of the
service against the ILS simulator over loopback (PIN, lockout, staff card, refusals, timeouts
in every state including an open dialog, a new card mid-session, End Patron Session, and that
nothing of the patron survives the session)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.circulation.pad import PadItem
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.circulation.session import (
    TRANSITIONS,
    EndReason,
    IdleTimer,
    IllegalTransition,
    SessionView,
    State,
    step,
)
from kiosk.core.clock import ManualClock
from kiosk.core.receipt_delivery import PrinterFault, ReceiptDesk
from kiosk.core.receipts import Block, Receipt
from simulators.ils.simulator import IlsSimulator
from simulators.models.ils_records import Patron as IlsPatron
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.pad_fake import FakePad

ONA, ONA_PIN = "2100000001", "1234"
JONAS, JONAS_PIN = "2100000002", "2345"
STAFF_CARD, STAFF_PIN = "9900000001", "4321"  # a staff patron of the demo library
AVAILABLE = "9786090100011"


# -- the table ---------------------------------------------------------------------------
def test_every_state_but_idle_can_end_and_idle_cannot() -> None:
    for state in State:
        if state is State.IDLE:
            with pytest.raises(IllegalTransition):
                step(state, "end")
        else:
            assert step(state, "end") is State.IDLE


@pytest.mark.parametrize(("state", "event"), sorted(TRANSITIONS))
def test_each_transition_in_the_table(state: State, event: str) -> None:
    assert step(state, event) is TRANSITIONS[(state, event)]


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (State.IDLE, "accepted"),
        (State.AWAITING_PIN, "accepted"),
        (State.WORKING, "card"),
        (State.RECEIPT, "done"),
        (State.STAFF, "done"),
        (State.REFUSED, "pin"),
    ],
)
def test_illegal_transitions_raise(state: State, event: str) -> None:
    with pytest.raises(IllegalTransition):
        step(state, event)


def test_idle_timer_warns_then_ends_and_never_in_idle() -> None:
    timer = IdleTimer(60, 80)
    assert timer.check(State.WORKING, 0, 59.9) == (False, None)
    assert timer.check(State.WORKING, 0, 60) == (False, 20)
    assert timer.check(State.RECEIPT, 0, 80) == (True, None)
    assert timer.check(State.IDLE, 0, 10_000) == (False, None)


# -- the service ---------------------------------------------------------------------------
class Printer:
    columns = 42

    def __init__(self, fault: bool = False) -> None:
        self.fault = fault
        self.printed: list[tuple[Block, ...]] = []

    async def print_blocks(self, blocks: tuple[Block, ...]) -> None:
        if self.fault:
            raise PrinterFault("paper out")
        self.printed.append(blocks)


class Texts:
    language = "en"

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def money(self, cents: int) -> str:
        return f"{cents / 100:.2f}"

    def date(self, day: object) -> str:
        return str(day)

    def datetime(self, moment: object) -> str:
        return str(moment)


@dataclass
class Kiosk:
    service: CirculationService
    pad: FakePad
    outbox: FakeOutbox
    clock: ManualClock
    printer: Printer
    views: list[SessionView] = field(default_factory=list)


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
    printer: Printer | None = None,
    **rules: object,
) -> None:
    async def main() -> None:
        library = sip2(sim)
        printer_ = printer or Printer()
        clock, pad, outbox = ManualClock(), FakePad(), FakeOutbox()

        def desk(session_id: str, receipt: Receipt) -> ReceiptDesk:
            return ReceiptDesk(session_id, receipt, Texts(), printer_, None, lambda e: None)

        kiosk = Kiosk(None, pad, outbox, clock, printer_)  # type: ignore[arg-type]
        ports = Ports(library, outbox, clock, pad, desk, on_view=kiosk.views.append)
        settings = {"staff_card_pattern": r"^99[0-9]{8}$", **rules}
        kiosk.service = CirculationService(ports, CirculationRules(**settings))  # type: ignore[arg-type]
        try:
            await asyncio.wait_for(body(kiosk), 30)
        finally:
            await library.close()

    asyncio.run(main())


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


async def login(k: Kiosk, card: str = ONA, pin: str = ONA_PIN) -> None:
    await k.service.present_card(card)
    assert k.service.state is State.AWAITING_PIN
    await k.service.enter_pin(pin)


def test_card_then_pin_opens_the_patrons_session(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(ONA)
        assert sim.events.get("answered_63", 0) == 0  # nothing asked before the PIN
        assert k.service.view.pin_tries_left == 3
        await k.service.enter_pin(ONA_PIN)
        view = k.service.view
        assert view.state is State.WORKING and view.patron_name == "Ona Žemaitytė"
        assert view.may_borrow and k.pad.listening

    run(sim, body)


def test_without_pin_entry_the_card_alone_identifies(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(JONAS)
        assert k.service.state is State.WORKING

    run(sim, body, pin_required=False)


def test_wrong_pins_are_counted_and_lock_the_card_out(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(ONA)
        for left in (2, 1):
            await k.service.enter_pin("0000")
            assert k.service.state is State.AWAITING_PIN
            assert k.service.view.notice and k.service.view.notice.key == "patron.wrong_pin"
            assert k.service.view.pin_tries_left == left
        await k.service.enter_pin("0000")
        assert k.service.state is State.REFUSED
        assert k.service.view.notice and k.service.view.notice.key == "patron.locked_out"
        await k.service.cancel()
        asked = sim.events["answered_63"]
        await k.service.present_card(ONA)  # still locked: the ILS is not even asked
        assert k.service.state is State.REFUSED and sim.events["answered_63"] == asked
        await k.service.cancel()
        k.clock.advance(16 * 60)
        await login(k)
        assert k.service.state is State.WORKING

    run(sim, body, lockout_s=900)


@pytest.mark.parametrize(
    ("card", "pin", "state", "reason"),
    [
        ("2100009999", "1111", State.REFUSED, "patron.unknown_card"),
        ("2100000011", "1357", State.REFUSED, "patron.card_lost"),
        ("2100000003", "3456", State.WORKING, "patron.blocked"),
        ("2100000004", "4567", State.WORKING, "patron.expired"),
        ("2100000005", "5678", State.WORKING, "patron.excessive_fines"),
        ("2100000006", "6789", State.WORKING, "patron.too_many_items"),
    ],
)
def test_patron_checks_give_specific_reasons(
    sim: IlsSimulator, card: str, pin: str, state: State, reason: str
) -> None:
    async def body(k: Kiosk) -> None:
        await login(k, card, pin)
        view = k.service.view
        assert view.state is state
        assert view.notice is not None and view.notice.key == reason
        assert view.notice.text and not view.may_borrow

    run(sim, body, expired_markers=("galiojimas pasibaigė",))


def test_not_a_card_number_keeps_the_kiosk_idle(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card("12-ab")
        assert k.service.state is State.IDLE
        assert k.service.view.notice and k.service.view.notice.key == "patron.card_not_valid"

    run(sim, body)


def test_a_staff_card_goes_to_staff_mode_not_to_an_account(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        assert k.service.state is State.AWAITING_PIN and k.service.view.staff_login
        assert sim.events.get("answered_63", 0) == 0  # nothing asked before the PIN
        await k.service.enter_pin(STAFF_PIN)
        assert k.service.state is State.STAFF and k.service.view.patron_name == ""
        assert k.service.view.account is None and not k.pad.listening
        await k.service.done()
        assert k.service.state is State.IDLE

    run(sim, body)


async def reach(k: Kiosk, state: State) -> None:
    match state:
        case State.AWAITING_PIN:
            await k.service.present_card(ONA)
        case State.REFUSED:
            await login(k, "2100009999", "1111")
        case State.STAFF:
            await k.service.present_card(STAFF_CARD)
            await k.service.enter_pin(STAFF_PIN)
        case State.WORKING:
            await login(k)
        case State.RETURNS:
            await k.service.start_returns()
        case State.RECEIPT:
            await login(k)
            await k.service.scan(AVAILABLE)
            await k.service.done()
    assert k.service.state is state


@pytest.mark.parametrize(
    "state",
    [State.AWAITING_PIN, State.REFUSED, State.STAFF, State.WORKING, State.RETURNS, State.RECEIPT],
)
def test_idle_timeout_warns_then_ends_every_state(sim: IlsSimulator, state: State) -> None:
    async def body(k: Kiosk) -> None:
        await reach(k, state)
        k.clock.advance(61)
        await k.service.tick()
        assert k.service.view.warning_s == pytest.approx(19)
        k.service.touch()  # the patron is still there
        assert k.service.view.warning_s is None
        k.clock.advance(79)
        await k.service.tick()
        assert k.service.state is state
        k.clock.advance(2)
        await k.service.tick()
        assert k.service.state is State.IDLE
        assert k.service.view.last_end is EndReason.TIMEOUT and k.service.visit is None

    run(sim, body)


def test_timeout_ends_the_session_while_a_dialog_is_open(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.scan(AVAILABLE)
        k.service.open_dialog("help")
        assert k.service.view.dialog == "help"
        k.clock.advance(80)
        await k.service.tick()
        view = k.service.view
        assert view.state is State.IDLE and view.dialog == "" and view.lines == ()
        assert sim.events["answered_35"] == 1 and not k.pad.listening

    run(sim, body)


def test_timeout_on_the_receipt_screen_prints_nothing(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await reach(k, State.RECEIPT)
        k.clock.advance(80)
        await k.service.tick()
        assert k.service.state is State.IDLE and k.printer.printed == []

    run(sim, body)


def test_a_new_card_mid_session_ends_the_old_one_first(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.scan(AVAILABLE)
        assert len(k.service.view.lines) == 1
        await k.service.present_card(JONAS)
        view = k.service.view
        assert view.state is State.AWAITING_PIN and view.lines == ()
        assert view.last_end is EndReason.NEW_CARD and view.patron_name == ""
        assert sim.events["answered_35"] == 1
        await k.service.enter_pin(JONAS_PIN)
        assert k.service.view.patron_name == "Jonas Petraitis"

    run(sim, body)


@pytest.mark.parametrize("state", [State.AWAITING_PIN, State.RECEIPT, State.RETURNS])
def test_a_new_card_in_other_states_starts_a_new_session(sim: IlsSimulator, state: State) -> None:
    async def body(k: Kiosk) -> None:
        await reach(k, state)
        await k.service.present_card(JONAS)
        assert k.service.state is State.AWAITING_PIN
        assert k.service.view.last_end is EndReason.NEW_CARD

    run(sim, body)


def test_a_staff_card_mid_session_is_a_staff_override(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.present_card(STAFF_CARD)
        assert k.service.state is State.AWAITING_PIN and k.service.view.patron_name == ""
        assert k.service.view.last_end is EndReason.STAFF_OVERRIDE
        assert sim.events["answered_35"] == 1
        await k.service.enter_pin(STAFF_PIN)
        assert k.service.state is State.STAFF

    run(sim, body)


EXITS: dict[str, Callable[[Kiosk], Awaitable[None]]] = {
    "done": lambda k: k.service.done(),
    "cancel": lambda k: k.service.cancel(),
    "staff_override": lambda k: k.service.staff_override(),
    "error": lambda k: k.service.fail("test"),
    "new_card": lambda k: k.service.present_card(JONAS),
}


@pytest.mark.parametrize("exit_path", sorted(EXITS))
def test_every_exit_path_sends_end_patron_session_and_forgets(
    sim: IlsSimulator, exit_path: str
) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        visit = weakref.ref(k.service.visit)  # type: ignore[arg-type]
        patron = weakref.ref(k.service.visit.patron)  # type: ignore[union-attr]
        await EXITS[exit_path](k)
        gc.collect()
        assert visit() is None and patron() is None
        assert sim.events["answered_35"] == 1
        assert ONA not in repr(vars(k.service)) and "Ona" not in repr(k.service.view)

    run(sim, body)


def test_receipt_decision_ends_the_session_and_prints_once(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await reach(k, State.RECEIPT)
        assert k.service.view.receipt_choices == ("print", "none")
        await k.service.receipt("print")
        assert k.service.state is State.IDLE and len(k.printer.printed) == 1
        assert k.service.view.last_end is EndReason.DONE
        assert sim.events["answered_35"] == 1

    run(sim, body)


def test_printer_fault_keeps_the_receipt_choice_open(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await reach(k, State.RECEIPT)
        await k.service.receipt("print")
        assert k.service.state is State.RECEIPT and k.service.view.receipt_choices == ("none",)
        await k.service.receipt("none")
        assert k.service.state is State.IDLE

    run(sim, body, printer=Printer(fault=True))


def test_done_with_nothing_to_record_skips_the_receipt(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.done()
        assert k.service.state is State.IDLE and k.service.view.last_end is EndReason.DONE

    run(sim, body)


def test_the_view_published_never_leaks_the_previous_patron(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.scan(AVAILABLE)
        await k.service.done()
        await k.service.receipt("none")
        last = k.views[-1]
        assert last.state is State.IDLE and last.lines == () and last.patron_name == ""
        assert last.account is None and last.notice is None

    run(sim, body)


def test_pad_items_arrive_only_into_an_open_session(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        k.service.on_pad(
            __import__("kiosk.core.circulation.pad", fromlist=["x"]).ItemsArrived(
                (PadItem("E0040000000000AA", AVAILABLE),)
            )
        )
        assert k.service.view.lines == () and k.service.state is State.IDLE

    run(sim, body)


def test_stale_taps_do_nothing(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.enter_pin("1234")  # the PIN screen is long gone
        await k.service.receipt("print")
        await k.service.renew(AVAILABLE)
        assert k.service.state is State.IDLE and k.printer.printed == []
        assert sim.events.get("answered_63", 0) == 0

    run(sim, body)


def test_staff_cards_need_not_look_like_patron_cards(sim: IlsSimulator) -> None:
    sim.library.add_patron(IlsPatron("STAFF-042", "Darbuotoja", "9876", category="staff"))

    async def body(k: Kiosk) -> None:
        await k.service.present_card("STAFF-042")
        assert k.service.state is State.AWAITING_PIN
        await k.service.enter_pin("9876")
        assert k.service.state is State.STAFF

    run(sim, body, staff_card_pattern=r"^STAFF-[0-9]{3}$")
