"""The SIP2 session rules (spec "Error detection", SC side), without any socket."""

from __future__ import annotations

import pytest

from backend_sync.sip2.codec import Message, decode, encode, make
from backend_sync.sip2.session import (
    Discard,
    Failed,
    Reply,
    Send,
    SessionStateError,
    Sip2Session,
)

DATE = "20261125    143000"


def checkout() -> Message:
    return make(
        "11",
        {
            "sc_renewal_policy": "N",
            "no_block": "N",
            "transaction_date": DATE,
            "nb_due_date": " " * 18,
        },
        [("AO", "AVB"), ("AA", "LT1001"), ("AB", "100001"), ("AC", "")],
    )


def item_info() -> Message:
    return make("17", {"transaction_date": DATE}, [("AO", "AVB"), ("AB", "100001")])


def checkout_response(sequence: int | None, ok: str = "1") -> bytes:
    reply = make(
        "12",
        {"ok": ok, "renewal_ok": "N", "magnetic_media": "N", "desensitize": "Y",
         "transaction_date": DATE},
        [("AO", "AVB"), ("AA", "LT1001"), ("AB", "100001"), ("AJ", "Metai"),
         ("AH", "2026-12-23")],
    )  # fmt: skip
    return encode(Message(reply.command, reply.fixed, reply.fields, sequence, True), "utf-8")


def test_sequence_numbers_advance_and_wrap() -> None:
    session = Sip2Session(encoding="utf-8")
    seen = []
    for _ in range(12):
        sent = session.request(item_info())
        seen.append(decode(sent.data, "utf-8").message.sequence)
        session.reset()
    assert seen == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]


def test_matching_reply_is_returned() -> None:
    session = Sip2Session(encoding="utf-8")
    session.request(checkout())
    action = session.receive(checkout_response(0))
    assert isinstance(action, Reply)
    assert action.message.get("AJ") == "Metai"
    assert not session.busy


def test_second_request_while_busy_is_a_caller_bug() -> None:
    session = Sip2Session()
    session.request(item_info())
    with pytest.raises(SessionStateError):
        session.request(item_info())


def test_bad_checksum_asks_acs_to_resend_with_97() -> None:
    session = Sip2Session(encoding="utf-8", retries=2)
    session.request(checkout())
    corrupt = checkout_response(0)[:-5] + b"0000\r"
    action = session.receive(corrupt)
    assert isinstance(action, Send) and action.data == b"97AZFEF5\r"
    assert isinstance(session.receive(checkout_response(0)), Reply)


def test_unreadable_reply_asks_for_resend_and_gives_up_after_retries() -> None:
    session = Sip2Session(encoding="utf-8", retries=1)
    session.request(checkout())
    assert isinstance(session.receive(b"\xff\xfegarbage"), Send)
    failed = session.receive(b"zz")
    assert isinstance(failed, Failed) and failed.outcome_unknown


def test_96_resends_the_same_request_with_the_same_sequence() -> None:
    session = Sip2Session(encoding="utf-8")
    first = session.request(checkout())
    again = session.receive(b"96AZFEF6\r")
    assert isinstance(again, Send) and again.data == first.data


def test_96_in_reply_to_97_means_communications_failed() -> None:
    session = Sip2Session(encoding="utf-8")
    session.request(checkout())
    session.receive(checkout_response(0)[:-5] + b"0000\r")
    failed = session.receive(b"96AZFEF6\r")
    assert isinstance(failed, Failed)


def test_reply_with_another_sequence_is_discarded() -> None:
    session = Sip2Session(encoding="utf-8")
    session.request(checkout())
    assert isinstance(session.receive(checkout_response(7)), Discard)
    assert isinstance(session.receive(checkout_response(0)), Reply)


def test_reply_of_another_command_is_discarded() -> None:
    session = Sip2Session(encoding="utf-8")
    session.request(checkout())
    login_reply = encode(Message("94", (("ok", "1"),), (), 0, True), "utf-8")
    assert isinstance(session.receive(login_reply), Discard)


def test_timeout_resends_a_harmless_request() -> None:
    session = Sip2Session(encoding="utf-8", retries=2)
    first = session.request(item_info())
    assert session.timeout() == Send(first.data, "timeout: resend")
    assert isinstance(session.timeout(), Send)
    failed = session.timeout()
    assert isinstance(failed, Failed) and not failed.outcome_unknown


def test_timeout_never_resends_a_state_changing_request() -> None:
    session = Sip2Session(encoding="utf-8", retries=3)
    session.request(checkout())
    failed = session.timeout()
    assert isinstance(failed, Failed) and failed.outcome_unknown
    assert not session.busy


def test_without_error_detection_no_trailer_and_no_97() -> None:
    session = Sip2Session(encoding="utf-8", error_detection=False)
    sent = session.request(item_info())
    assert b"AY" not in sent.data and b"AZ" not in sent.data
    assert isinstance(session.receive(b"\xff\xfe"), Failed)


def test_crlf_terminator_is_used_when_configured() -> None:
    session = Sip2Session(encoding="utf-8", terminator=b"\r\n")
    assert session.request(item_info()).data.endswith(b"\r\n")


def test_reply_without_request_is_discarded() -> None:
    assert isinstance(Sip2Session().receive(b"941\r"), Discard)


def test_make_refuses_an_unknown_fixed_field_name() -> None:
    from backend_sync.sip2.codec import EncodeError

    with pytest.raises(EncodeError, match="no such fixed field"):
        make("17", {"transaction_date": DATE, "transaction_dat": DATE}, [])
