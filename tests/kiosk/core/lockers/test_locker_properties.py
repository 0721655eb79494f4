"""Property test: any sequence of staff, patron and physical actions keeps the bank
consistent (no illegal transition, no mixed patrons, free means empty, no load lost)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.lockers.lifecycle import Use
from kiosk.core.lockers.service import LoadStarted, Opened

# loads and pickups weigh more, so whole cycles happen between the faults
KINDS = ["load"] * 4 + ["pickup"] * 3 + [
    "wrong_code", "close_all", "put", "take", "close", "force", "jam", "tick", "expire",
    "open_expired", "silence", "revive",
]  # fmt: skip
ACTIONS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 5)), max_size=40)


def finish(bank, comp: int, put: bool) -> None:
    if bank.model.status()["compartments"][str(comp)]["door"] == "open":
        if put:
            bank.model.put_item(comp)
        else:
            bank.model.take_items(comp)
    bank.model.close_door(comp)


def apply(bank, action: str, n: int) -> None:
    model, service = bank.model, bank.service
    comps = sorted(service.compartments)
    comp = comps[n % len(comps)]
    opened = model.status()["compartments"][str(comp)]["door"] == "open"
    match action:
        case "load":
            bank.ils.holds.setdefault(f"I{n}", (f"P{n % 3}", "KNYGOMATAS"))
            started = service.start_load("s", f"I{n}", bank.now, size="SML"[n % 3])
            if isinstance(started, LoadStarted) and n % 2 == 0:  # staff finish the load
                bank.tick(1)
                finish(bank, started.compartment, put=True)
        case "pickup" if bank.mail.notices:
            code = bank.mail.notices[-1 - n % len(bank.mail.notices)].code
            result = service.pickup_by_code(code, bank.now)
            if isinstance(result, Opened) and n % 2 == 0:  # the patron takes everything
                bank.tick(1)
                for number in result.compartments:
                    finish(bank, number, put=False)
        case "close_all":
            for number in comps:
                model.close_door(number)
        case "wrong_code":
            service.pickup_by_code("12345", bank.now)
        case "put" if opened:
            model.put_item(comp)
        case "take" if opened:
            model.take_items(comp)
        case "close":
            model.close_door(comp)
        case "force":
            model.force_door(comp)
        case "jam":
            model.jam(comp, n % 2 == 0)
        case "tick":
            bank.tick(n * 2)
        case "expire":
            bank.tick(49 * 3600)
        case "open_expired":
            service.open_expired("s", bank.now)
        case "silence":
            model.silence("b1")
        case "revive":
            model.silence("b1", False)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ACTIONS)
def test_any_sequence_keeps_the_bank_consistent(bank_factory, actions) -> None:
    bank = bank_factory()
    loaded: set[str] = set()
    for action, n in actions:
        apply(bank, action, n)
        bank.tick(1)
        for comp in bank.service.compartments.values():
            patrons = {load.patron_id for load in comp.loads}
            assert len(patrons) <= 1
            if comp.use == Use.FREE:
                assert not comp.loads and comp.pending is None
            loaded |= {load.item_id for load in comp.loads}
    in_bank = {x.item_id for c in bank.service.compartments.values() for x in c.loads}
    retrieved = {item for item in bank.ils.checkins if bank.ils.checkins.count(item) > 1}
    handed = {item for _, item in bank.ils.checkouts} | retrieved
    assert loaded <= in_bank | handed, "a load vanished without checkout or retrieval"
