"""Form values become typed control parameters; what the panels show from a status."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulators.console.actions import ACTIONS, FormError, params_from_form
from simulators.console.views import board_rows, flat_faults, locker_rows, rfid_tags
from simulators.rfid.app import build_tag


def test_types_and_empty_fields() -> None:
    assert params_from_form("lockers", "jam", {"compartment": "3", "jammed": "0"}) == {
        "compartment": 3,
        "jammed": False,
    }
    assert params_from_form("rfid", "place", {"item": "9786090100011", "uid": ""}) == {
        "item": "9786090100011"
    }
    assert params_from_form("rooms", "slow", {"delay_s": "1.5"}) == {"delay_s": 1.5}
    assert params_from_form("lockers", "stick_sensor", {"value": "free"}) == {"value": None}
    assert params_from_form("ils", "supported", {"off": "15 37"}) == {"off": ["15", "37"]}


@pytest.mark.parametrize(
    ("device", "action", "form"),
    [
        ("lockers", "jam", {"compartment": "three"}),
        ("rooms", "slow", {"delay_s": "soon"}),
        ("printer", "cover", {"open": "maybe"}),
        ("printer", "explode", {}),
        ("toaster", "status", {}),
    ],
)
def test_bad_input_is_a_form_error(device: str, action: str, form: dict[str, str]) -> None:
    with pytest.raises(FormError):
        params_from_form(device, action, form)


def test_every_device_has_actions() -> None:
    assert set(ACTIONS) == {"rfid", "lockers", "printer", "ils", "rooms", "registration", "payment"}


def test_rfid_rows_decode_the_item_and_find_its_title() -> None:
    tag = build_tag({"item": "9786090100011", "uid": "E004015000000001"})
    foreign = build_tag({"kind": "3m", "uid": "E004015000000002"})
    status = {"tags": [tag.status(), foreign.status()]}
    rows = rfid_tags(status, {"9786090100011": "Metai"})
    assert (rows[0]["item"], rows[0]["title"]) == ("9786090100011", "Metai")
    assert rows[1]["item"] == "—"


def test_locker_rows_sorted_with_faults() -> None:
    status = {
        "boards": {"b1": {"family": "modbus", "silent": True, "garble": 0, "requests": 4}},
        "compartments": {
            "10": {"board": "b1", "door": "open", "items": 1, "jammed": False, "stuck": {}},
            "2": {
                "board": "b1",
                "door": "closed",
                "items": 0,
                "jammed": True,
                "stuck": {"door": True},
            },
        },
    }
    rows = locker_rows(status)
    assert [r["number"] for r in rows] == [2, 10]
    assert rows[0]["faults"] == "jammed, door stuck at 1"
    assert board_rows(status)[0]["answering"] is False


def test_flat_faults_shows_only_active_ones() -> None:
    assert flat_faults({"latency_ms": 0, "offline": "refuse", "garble": 2}) == [
        ("offline", "refuse"),
        ("garble", 2),
    ]
    assert flat_faults({"fail_next": 0, "fail_status": 500}) == []
    assert flat_faults({"fail_next": 2, "fail_status": 503}) == [
        ("fail_next", 2),
        ("fail_status", 503),
    ]


@given(
    device=st.sampled_from([*sorted(ACTIONS), "toaster"]),
    action=st.text(max_size=20),
    form=st.dictionaries(st.text(max_size=12), st.text(max_size=30), max_size=6),
)
def test_any_form_is_parameters_or_a_form_error(device, action, form) -> None:
    for name in [*sorted(ACTIONS.get(device, {})), action]:
        try:
            params = params_from_form(device, name, form)
        except FormError:
            continue
        assert set(params) <= set(ACTIONS[device][name].params)
