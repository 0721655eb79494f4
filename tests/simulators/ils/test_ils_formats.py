"""Properties of what the ILS simulator parses and breaks: SIP2 dates and amounts from
requests, the data file loader, and the fault transforms of replies."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend_sync.sip2.codec import Checksum, Message, RemoteProtocolError, decode, encode
from simulators.ils.dataset import DatasetError, LibraryData, build_library, load_library
from simulators.ils.faults import garbled, with_bad_checksum
from simulators.ils.formats import parse_money, parse_sip_date, patron_status, sip_date
from simulators.models.ils import PatronFlags

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_sip_dates_round_trip() -> None:
    moment = datetime(2026, 11, 25, 14, 30, 5)
    assert sip_date(moment) == "20261125    143005"
    assert parse_sip_date(sip_date(moment)) == moment
    assert parse_sip_date("20261125   Z143005") == moment
    assert parse_sip_date(" " * 18) is None
    assert parse_sip_date("20261340    143005") is None  # month 13


@given(st.text(max_size=30))
def test_any_date_text_parses_or_is_none(text: str) -> None:
    assert parse_sip_date(text) is None or isinstance(parse_sip_date(text), datetime)


@given(st.text(max_size=20))
def test_any_amount_text_parses_or_is_none(text: str) -> None:
    value = parse_money(text)
    assert value is None or value.is_finite()


def test_amounts_as_kiosks_send_them() -> None:
    assert parse_money("1,20") == Decimal("1.20") == parse_money(" 1.20 ")
    assert parse_money("NaN") is None and parse_money("") is None


def test_patron_status_is_14_characters() -> None:
    assert patron_status(None) == "YYYY          "
    assert patron_status(PatronFlags(charge_denied=True, excessive_fines=True)) == (
        "Y         Y   "
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_any_json_loads_or_gives_one_dataset_error(tmp_path_factory, value) -> None:
    path = tmp_path_factory.mktemp("data") / "library.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    try:
        load_library(path)
    except DatasetError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)


def test_a_minimal_library_from_a_dict() -> None:
    data = LibraryData.model_validate(
        {"format": "knygomatas-ils-1", "institution": "AVB", "name": "Biblioteka",
         "accounts": [{"user": "k", "password": "p"}]}
    )  # fmt: skip
    library = build_library(data, datetime(2026, 11, 25).date())
    assert library.institution == "AVB" and library.patrons() == []


_REPLIES = st.builds(
    lambda text, seq: encode(
        Message("24", (("patron_status", " " * 14), ("language", "000"),
                       ("transaction_date", "20261125    120000")),
                (("AO", "AVB"), ("AA", "1"), ("AE", text)), seq, True),
        "utf-8",
    ),
    st.text(alphabet=st.characters(blacklist_characters="|\r\n\x00", blacklist_categories=("Cs",)),
            max_size=40),
    st.integers(0, 9),
)  # fmt: skip


@given(_REPLIES)
def test_garbled_replies_never_pass_as_valid(reply: bytes) -> None:
    broken = garbled(reply, b"\r")
    assert broken.startswith(b"24") and broken.endswith(b"\r") and broken != reply
    try:
        checksum = decode(broken, "utf-8").checksum
    except RemoteProtocolError:
        return  # not even readable: the client sends 97
    assert checksum is not Checksum.VALID


@given(_REPLIES)
def test_bad_checksum_replies_read_but_fail_their_checksum(reply: bytes) -> None:
    assert decode(with_bad_checksum(reply, b"\r"), "utf-8").checksum is Checksum.INVALID
    plain = reply.split(b"AY")[0] + b"\r"
    assert decode(with_bad_checksum(plain, b"\r"), "utf-8").checksum is Checksum.INVALID
