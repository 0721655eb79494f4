"""The message catalogue against the spec's own numbers (3M SIP2 2.00 rev 2.12, "Message formats";
the widths and offsets are those of research sip2.md §1.4, typed in here, not computed)."""

from __future__ import annotations

import re

import pytest

from backend_sync.sip2.spec import (
    FIELD_NAMES,
    PATRON_STATUS_FLAGS,
    RESPONSE_TO,
    SECRET_FIELDS,
    SPECS,
    SPECS_BY_NAME,
    SUMMARY_POSITIONS,
    SUPPORTED_MESSAGES,
    Kind,
)

FIXED_LENGTH = {
    "93": 4, "99": 10, "97": 2, "23": 23, "63": 33, "11": 40, "09": 39, "01": 21, "35": 20,
    "37": 27, "17": 20, "19": 20, "25": 20, "15": 21, "29": 40, "65": 20,
    "94": 3, "98": 36, "96": 2, "24": 37, "64": 61, "12": 24, "10": 24, "36": 21, "38": 21,
    "18": 26, "20": 21, "26": 37, "16": 22, "30": 24, "66": 29,
}  # fmt: skip

OFFSETS = [
    ("99", "protocol_version", 6), ("98", "timeout_period", 8), ("98", "date_time_sync", 14),
    ("98", "protocol_version", 32), ("63", "summary", 23), ("64", "hold_items_count", 37),
    ("64", "unavailable_holds_count", 57), ("11", "nb_due_date", 22), ("09", "return_date", 21),
    ("37", "fee_type", 20), ("37", "currency_type", 24), ("18", "transaction_date", 8),
    ("66", "unrenewed_count", 7), ("66", "transaction_date", 11), ("16", "transaction_date", 4),
]  # fmt: skip

# Bit positions of the 98 message's BX field, spec "ACS Status".
BX_ORDER = (
    "patron_status_request", "checkout", "checkin", "block_patron", "sc_status",
    "request_acs_resend", "login", "patron_information", "end_patron_session", "fee_paid",
    "item_information", "item_status_update", "patron_enable", "hold", "renew", "renew_all",
)  # fmt: skip


def test_all_31_messages_of_sip2_2_00() -> None:
    assert sorted(SPECS) == sorted(FIXED_LENGTH)


@pytest.mark.parametrize("command", sorted(FIXED_LENGTH))
def test_fixed_lengths(command: str) -> None:
    assert SPECS[command].fixed_length == FIXED_LENGTH[command]
    assert SPECS[command].command == command


@pytest.mark.parametrize(("command", "name", "offset"), OFFSETS)
def test_fixed_offsets(command: str, name: str, offset: int) -> None:
    position = 2
    for fixed in SPECS[command].fixed:
        if fixed.name == name:
            break
        position += fixed.width
    else:
        pytest.fail(f"{command} has no {name}")
    assert position == offset


def test_names_are_unique_snake_case_and_indexed() -> None:
    assert len(SPECS_BY_NAME) == len(SPECS)
    for name, spec in SPECS_BY_NAME.items():
        assert re.fullmatch(r"[a-z][a-z_]*", name)
        assert SPECS[spec.command] is spec
        fixed_names = [f.name for f in spec.fixed]
        assert len(set(fixed_names)) == len(fixed_names)
        assert all(re.fullmatch(r"[a-z][a-z_]*", n) for n in fixed_names)


def test_every_request_has_its_response() -> None:
    requests = {c for c, s in SPECS.items() if s.request}
    assert requests == set(RESPONSE_TO) | {"97"}
    for response in RESPONSE_TO.values():
        assert not SPECS[response].request
    assert RESPONSE_TO["01"] == "24"
    assert not SPECS["96"].request


@pytest.mark.parametrize("command", sorted(FIXED_LENGTH))
def test_field_kinds_have_sane_widths(command: str) -> None:
    for fixed in SPECS[command].fixed:
        match fixed.kind:
            case Kind.FLAG:
                assert fixed.width == 1
                assert fixed.allowed
            case Kind.DATE:
                assert fixed.width == 18
            case Kind.STATUS:
                assert fixed.width in (10, 14)
            case Kind.COUNT | Kind.TEXT:
                assert 2 <= fixed.width <= 4


@pytest.mark.parametrize("command", sorted(FIXED_LENGTH))
def test_required_and_repeatable_ids_are_known_fields(command: str) -> None:
    spec = SPECS[command]
    for fid in spec.required + spec.repeatable:
        assert fid in FIELD_NAMES
        assert fid not in ("AY", "AZ")
    assert not set(spec.required) & set(spec.repeatable)


def test_supported_messages_follow_the_bx_order() -> None:
    assert tuple(SPECS[c].name for c in SUPPORTED_MESSAGES) == BX_ORDER


def test_patron_status_and_summary_positions() -> None:
    assert len(PATRON_STATUS_FLAGS) == 14 == SPECS["24"].fixed[0].width
    assert len(SUMMARY_POSITIONS) == 6 <= SPECS["63"].fixed[2].width


def test_secrets_are_the_pin_and_both_passwords() -> None:
    assert sorted(SECRET_FIELDS) == ["AC", "AD", "CO"]
    assert {FIELD_NAMES[f] for f in SECRET_FIELDS} == {
        "patron password", "login password", "terminal password",
    }  # fmt: skip


def test_field_ids_have_the_spec_shape() -> None:
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]", fid) for fid in FIELD_NAMES)
    assert {"CR", "CS", "CT", "CV", "CY", "DA"} <= set(FIELD_NAMES)
