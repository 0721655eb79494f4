"""The simulated ACS, sans-I/O: request bytes into an AcsSession, response bytes out.

Login order, 96/97, duplicate requests per dialect, terminators and encodings, unsupported
messages, and the circulation answers on the demo library. No sockets, no threads."""

from __future__ import annotations

from datetime import datetime
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_sync.sip2.codec import Message, decode
from simulators.ils.dataset import load_library
from simulators.ils.dialects import options_for
from simulators.ils.handlers import Account, Acs
from simulators.ils.session import AcsSession
from simulators.models.ils import Item

ONA, JONAS, BLOCKED, EXPIRED, FINED, CHILD = (f"21000000{n:02d}" for n in (1, 2, 3, 4, 5, 6))
TOMAS, AISTE, MINDAUGAS, LOST_CARD, ZYGIMANTAS = (f"21000000{n:02d}" for n in (8, 9, 10, 11, 12))
AVAILABLE = "9786090100011"  # Metai, on the shelf
MARTI = "9786090100035"  # on loan to Ona
DROBULE = "9786090100257"  # on loan to Ona, Žygimantas waits for it at the knygomatas
HERKUS = "9786090100301"  # on loan to Jonas, Žygimantas waits for it in another branch
DIEVU_MISKAS = "9786090100202"  # on the hold shelf for Jonas
ALTORIU = "9786090100189"  # Aistė's, renewed twice already
REFERENCE = "9786090100028"
FUZZ_NOW = datetime(2026, 11, 25, 12, 0)


def acs_session(sip: ModuleType, dialect: str = "generic", login: bool = True, **options):
    library, accounts = load_library(today=sip.NOW.date())
    acs = Acs(
        library,
        [Account(a.user, a.password, a.location) for a in accounts],
        options_for(dialect, **options),
    )
    session = AcsSession(acs)
    if login:
        assert answer(sip, session, sip.login()).fixed_value("ok") == "1"
    return session


def send(sip: ModuleType, session: AcsSession, message: Message, sequence: int | None = 1):
    encoding = session.acs.options.wire_encoding
    return session.receive(sip.wire(message, sequence, encoding), sip.NOW)


def answer(sip: ModuleType, session: AcsSession, message: Message, sequence: int | None = 1):
    reply = send(sip, session, message, sequence)
    assert reply.data is not None, "no answer"
    return decode(reply.data, session.acs.options.wire_encoding).message


# -- login and session rules ---------------------------------------------------------------
def test_koha_closes_the_connection_on_anything_before_login(sip) -> None:
    session = acs_session(sip, "koha", login=False)
    reply = send(sip, session, sip.sc_status())
    assert reply.data is None and reply.close


@pytest.mark.parametrize("dialect", ["evergreen", "generic", "folio"])
def test_other_servers_answer_99_before_login_but_nothing_else(sip, dialect) -> None:
    session = acs_session(sip, dialect, login=False)
    assert answer(sip, session, sip.sc_status()).command == "98"
    refused = send(sip, session, sip.patron_status(ONA))
    assert refused.data is None and refused.close


def test_failed_login_answers_940_and_koha_hangs_up(sip) -> None:
    generic = acs_session(sip, login=False)
    assert answer(sip, generic, sip.login(password="wrong")).fixed_value("ok") == "0"
    assert send(sip, generic, sip.sc_status()).data is not None  # 99 still allowed
    koha = acs_session(sip, "koha", login=False)
    reply = send(sip, koha, sip.login(password="wrong"))
    assert reply.data is not None and reply.data.startswith(b"940") and reply.close


def test_the_response_echoes_the_requests_sequence_number(sip) -> None:
    session = acs_session(sip)
    reply = send(sip, session, sip.sc_status(), sequence=7)
    decoded = decode(reply.data or b"", "cp850")
    assert decoded.message.sequence == 7 and decoded.checksum.value == "valid"
    plain = send(sip, session, sip.sc_status(), sequence=None)
    assert b"AZ" not in (plain.data or b"")  # no error detection asked, none given


# -- error detection: 96, 97, duplicates ---------------------------------------------------
def test_a_bad_checksum_gets_96_and_changes_nothing(sip) -> None:
    session = acs_session(sip)
    data = sip.wire(sip.checkout(JONAS, AVAILABLE), 2, "cp850")
    broken = data[:-5] + (b"0000" if data[-5:-1] != b"0000" else b"0001") + b"\r"
    assert session.receive(broken, sip.NOW).data == b"96AZFEF6\r"
    assert session.acs.library.count("checkout") == 0
    assert session.events["bad_checksum"] == 1


def test_97_resends_the_last_response_byte_for_byte(sip) -> None:
    session = acs_session(sip)
    first = send(sip, session, sip.checkout(JONAS, AVAILABLE), sequence=3)
    again = session.receive(b"97AZFEF5\r", sip.NOW)
    assert again.data == first.data
    assert session.acs.library.count("checkout", AVAILABLE) == 1


def test_97_before_any_response_gets_96(sip) -> None:
    session = acs_session(sip, login=False)
    assert session.receive(b"97AZFEF5\r", sip.NOW).data == b"96AZFEF6\r"


def test_folio_answers_a_duplicate_request_from_cache(sip) -> None:
    session = acs_session(sip, "folio")
    first = send(sip, session, sip.checkout(JONAS, AVAILABLE), sequence=4)
    second = send(sip, session, sip.checkout(JONAS, AVAILABLE), sequence=4)
    assert second.data == first.data
    assert session.acs.library.count("checkout", AVAILABLE) == 1
    assert session.events["duplicate_replayed"] == 1


def test_generic_executes_a_duplicate_again_and_refuses_it(sip) -> None:
    session = acs_session(sip)
    assert answer(sip, session, sip.checkout(JONAS, AVAILABLE), 4).fixed_value("ok") == "1"
    again = answer(sip, session, sip.checkout(JONAS, AVAILABLE), 4)
    assert again.fixed_value("ok") == "0"
    assert again.get("AF") == "Leidinys jau isduotas jums"  # cp850 drops the diacritics
    assert session.acs.library.count("checkout", AVAILABLE) == 1


def test_koha_treats_a_duplicate_checkout_as_a_renewal(sip) -> None:
    session = acs_session(sip, "koha")
    answer(sip, session, sip.checkout(JONAS, AVAILABLE), 5)
    again = answer(sip, session, sip.checkout(JONAS, AVAILABLE), 5)
    assert again.fixed_value("ok") == "1" and again.fixed_value("renewal_ok") == "Y"
    assert session.acs.library.count("renew", AVAILABLE) == 1


@pytest.mark.parametrize(("policy", "ok"), [("Y", "1"), ("N", "0")])
def test_evergreen_renews_a_duplicate_checkout_only_if_the_sc_allows(sip, policy, ok) -> None:
    session = acs_session(sip, "evergreen")
    answer(sip, session, sip.checkout(JONAS, AVAILABLE, policy=policy), 5)
    again = answer(sip, session, sip.checkout(JONAS, AVAILABLE, policy=policy), 5)
    assert again.fixed_value("ok") == ok


def test_an_answer_that_cannot_be_encoded_closes_the_connection(sip) -> None:
    session = acs_session(sip)
    session.acs.library.add_item(Item("PIPE", "Title | with a pipe"))  # not via the data file
    reply = send(sip, session, sip.item_info("PIPE"))
    assert reply.data is None and reply.close and session.events["server_error"] == 1


def test_unknown_commands_are_ignored_and_malformed_ones_get_96(sip) -> None:
    session = acs_session(sip)
    assert session.receive(b"XX123AY1AZFF00\r", sip.NOW).data is None
    assert session.receive(b"12ignored-a-response\r", sip.NOW).data is None
    assert session.receive(b"11NN2026\r", sip.NOW).data == b"96AZFEF6\r"


_COMMANDS = [c.encode() for c in ("93", "99", "97", "23", "63", "11", "09", "29", "37", "15")]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.builds(bytes.__add__, st.sampled_from(_COMMANDS), st.binary(max_size=200)),
    )
)
def test_any_bytes_get_an_answer_or_silence_never_an_exception(data: bytes) -> None:
    library, _ = load_library(today=FUZZ_NOW.date())
    session = AcsSession(Acs(library, [Account("kiosk1", "demo")], options_for("evergreen")))
    session.account = Account("kiosk1", "demo", "ABONEMENTAS")
    reply = session.receive(data, FUZZ_NOW)
    assert reply.data is None or reply.data.endswith(b"\r")


# -- terminators, encodings, BX ------------------------------------------------------------
def test_koha_ends_replies_with_crlf_and_speaks_utf8(sip) -> None:
    session = acs_session(sip, "koha")
    reply = send(sip, session, sip.patron_status(ONA))
    assert reply.data is not None and reply.data.endswith(b"\r\n")
    assert "Ona Žemaitytė".encode() in reply.data


def test_folio_speaks_cp850_without_lithuanian_letters(sip) -> None:
    session = acs_session(sip, "folio")
    assert answer(sip, session, sip.patron_status(ONA)).get("AE") == "Ona Zemaityte"


def test_a_switched_off_message_is_unanswered_and_n_in_bx(sip) -> None:
    session = acs_session(sip, supported=frozenset({"93", "99", "63", "23"}))
    bx = answer(sip, session, sip.sc_status()).get("BX") or ""
    assert bx[0] == "Y" and bx[1] == "N" and bx[4] == "Y" and bx[13] == "N"
    assert send(sip, session, sip.checkout(JONAS, AVAILABLE)).data is None


def test_98_reports_the_acs_state(sip) -> None:
    session = acs_session(sip, timeout_period=50, retries_allowed=2)
    status = answer(sip, session, sip.sc_status())
    assert status.fixed_value("online_status") == "Y"
    assert status.fixed_value("timeout_period") == "050"
    assert status.fixed_value("retries_allowed") == "002"
    assert status.fixed_value("protocol_version") == "2.00"
    assert status.get("AO") == "AVB" and status.get("BX") == "Y" * 16
    offline = decode(
        session.receive(sip.wire(sip.sc_status(), 1, "cp850"), sip.NOW, online=False).data or b"",
        "cp850",
    ).message
    assert offline.fixed_value("online_status") == "N"
    assert offline.fixed_value("checkout_ok") == "N"
