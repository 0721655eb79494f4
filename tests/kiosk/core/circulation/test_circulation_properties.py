"""Property tests of the pure parts of circulation: the fine-text decoder, the patron checks,
the session table, set assembly on the pad, and the PIN lockout."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.circulation.arrivals import left, take
from kiosk.core.circulation.notices import MESSAGES
from kiosk.core.circulation.pad import PadItem
from kiosk.core.circulation.renewals import parse_fine
from kiosk.core.circulation.session import TRANSITIONS, IllegalTransition, State, step
from kiosk.core.circulation.visit import Visit
from kiosk.core.model import Patron
from kiosk.core.patron_checks import PinLockout, check_patron

EVENTS = sorted({event for _, event in TRANSITIONS})
FLAGS = ["charge_denied", "card_lost", "excessive_fines", "too_many_charged", "too_many_overdue"]


@given(st.text())
def test_any_fine_text_decodes_without_raising(text: str) -> None:
    fine = parse_fine(text)
    assert fine.amount == "" or Decimal(fine.amount) >= 0


def test_fine_text_with_id_amount_and_description() -> None:
    fine = parse_fine("F0001 3,00 Delspinigiai: Šarūnas")
    assert (fine.description, fine.amount) == ("Delspinigiai: Šarūnas", "3.00")


@given(
    valid=st.one_of(st.none(), st.booleans()),
    pin_valid=st.one_of(st.none(), st.booleans()),
    flags=st.frozensets(st.sampled_from(FLAGS)),
    fee=st.one_of(st.none(), st.decimals(0, 100, places=2)),
    messages=st.lists(st.text(max_size=20), max_size=3),
)
def test_patron_checks_always_give_a_known_reason(
    valid: bool | None,
    pin_valid: bool | None,
    flags: frozenset[str],
    fee: Decimal | None,
    messages: list[str],
) -> None:
    patron = Patron(
        "2100000001", "X", valid, pin_valid, flags, fee_amount=fee,
        fee_limit=Decimal("5.00"), screen_messages=tuple(messages),
    )  # fmt: skip
    verdict = check_patron(patron, ("expired",))
    assert verdict.reason == "" or verdict.reason in MESSAGES
    assert verdict.may_borrow == (verdict.ok and verdict.reason == "")
    if not valid:
        assert verdict.reason == "patron.unknown_card"


@given(st.lists(st.sampled_from(EVENTS), max_size=30))
def test_the_table_only_ever_raises_illegal_transition_and_end_always_cleans(
    events: list[str],
) -> None:
    state = State.IDLE
    for event in events:
        try:
            state = step(state, event)
        except IllegalTransition:
            continue
        if state is not State.IDLE:
            assert step(state, "end") is State.IDLE


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 2), st.integers(1, 3)),
        max_size=25,
    )
)
def test_a_set_is_ready_once_and_only_with_every_part(
    moves: list[tuple[bool, int, int]],
) -> None:
    visit = Visit("s")
    ready_items: list[str] = []
    for place, item_no, part in moves:
        parts = 3 if item_no == 0 else 1
        item = PadItem(f"UID{item_no}-{part}", f"ITEM{item_no}", min(part, parts), parts)
        if place:
            ready, _ = take(visit, [item])
            for r in ready:
                ready_items.append(r.item_id)
                if r.item_id == "ITEM0":
                    assert len(set(r.uids)) == 3
        else:
            left(visit, [item.uid])
    assert len(ready_items) == len(set(ready_items))


@given(st.integers(1, 6), st.integers(0, 10))
def test_pin_lockout_after_max_tries(max_tries: int, wrong: int) -> None:
    lockout = PinLockout(max_tries, 60)
    for n in range(wrong):
        assert lockout.wrong("2100000001", 0) == (n + 1 >= max_tries)
    assert lockout.locked("2100000001", 1) == (wrong >= max_tries)
    assert not lockout.locked("2100000001", 61)
    assert not lockout.locked("2100000002", 1)
    assert "2100000001" not in repr(lockout)
