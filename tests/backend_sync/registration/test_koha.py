"""The Koha backend against the Koha simulator over real loopback HTTP, fault by fault."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import pytest

from backend_sync.registration.http_channel import CredentialsRefused
from backend_sync.registration.koha import KohaRegistration, encode_patron
from kiosk.core.registration import (
    AnswerLost,
    BackendUnavailable,
    Duplicate,
    Field,
    Rejected,
    RemoteProtocolError,
    submit_once,
)
from simulators.models.registration import SAMPLE_APPLICATION as APP
from simulators.models.registration import SAMPLE_PERSONAL_DATA as PERSONAL
from simulators.registration.server import RegistrationSimulator


def koha(sim: RegistrationSimulator, **kwargs) -> KohaRegistration:
    options = {"category_id": "TEMP", "library_id": "CPL", "timeout_s": 2.0, **kwargs}
    return KohaRegistration(sim.url, "kiosk", "s3cret", **options)


def test_a_patron_is_created_in_the_temporary_category(koha_sim, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = koha(koha_sim)
    done = asyncio.run(submit_once(client, APP, "key-1"))
    record = koha_sim.model.records[0]
    assert done.record_id == record.record_id == "1001" and koha_sim.created == 1
    assert record.body["category_id"] == "TEMP" and record.body["library_id"] == "CPL"
    assert (
        record.body["firstname"] == "Žemaitė-Šimkutė" and record.body["postal_code"] == "LT-01103"
    )
    assert record.body["date_of_birth"] == "1990-05-17" and record.body["phone"] == "+37061234567"
    assert "kiosk application key-1" in record.body["staff_notes"].splitlines()
    assert koha_sim.requests["GET /api/v1/patrons"] == 1
    assert koha_sim.requests["POST /api/v1/oauth/token"] == 1  # one token for both calls
    for secret in (*PERSONAL, "s3cret"):
        assert secret not in caplog.text


def test_look_first_finds_our_own_record_and_sends_nothing(koha_sim) -> None:
    client = koha(koha_sim)
    first = asyncio.run(submit_once(client, APP, "key-1"))
    again = asyncio.run(submit_once(client, APP, "key-1"))
    assert again.recovered and again.record_id == first.record_id and koha_sim.created == 1


def test_somebody_elses_registration_is_a_duplicate(koha_sim) -> None:
    koha_sim.model.add_existing(APP.email)
    with pytest.raises(Duplicate) as caught:
        asyncio.run(submit_once(koha(koha_sim), APP, "key-1"))
    assert "already registered" in caught.value.reason and koha_sim.created == 1


def test_a_409_is_a_duplicate_in_words(koha_sim) -> None:
    koha_sim.faults.duplicate_next = 1
    with pytest.raises(Duplicate) as caught:
        asyncio.run(koha(koha_sim).submit(APP, "key-1"))
    assert caught.value.reason == "Duplicate patron (simulated)" and koha_sim.created == 0


def test_a_missing_required_field_is_rejected_by_field(koha_sim) -> None:
    with pytest.raises(Rejected) as caught:
        asyncio.run(koha(koha_sim).submit(replace(APP, surname=""), "key-1"))
    assert caught.value.field is Field.SURNAME and caught.value.reason == "Missing property."


def test_a_lost_answer_is_looked_for_and_the_record_made_once(koha_sim) -> None:
    koha_sim.faults.lose_next = 1
    done = asyncio.run(submit_once(koha(koha_sim), APP, "key-1"))
    assert done.recovered and koha_sim.created == 1
    assert koha_sim.requests["POST /api/v1/patrons"] == 1


def test_a_lost_answer_alone_is_answer_lost(koha_sim) -> None:
    koha_sim.faults.lose_next = 1
    with pytest.raises(AnswerLost):
        asyncio.run(koha(koha_sim).submit(APP, "key-1"))
    assert koha_sim.created == 1


def test_a_slow_answer_times_out_as_lost_and_is_found_afterwards(koha_sim) -> None:
    client = koha(koha_sim, timeout_s=0.3)
    asyncio.run(client.find_existing(APP, "key-1"))  # holds a token before the server slows
    koha_sim.faults.delay_s = 0.6
    with pytest.raises(AnswerLost):
        asyncio.run(client.submit(APP, "key-1"))
    koha_sim.faults.delay_s = 0.0
    assert asyncio.run(submit_once(client, APP, "key-1")).recovered
    assert koha_sim.created == 1


def test_an_expired_token_is_renewed_once(koha_sim) -> None:
    client = koha(koha_sim)
    asyncio.run(client.find_existing(APP, "key-1"))
    koha_sim.tokens.expire_all()
    asyncio.run(client.submit(APP, "key-1"))
    assert koha_sim.requests["POST /api/v1/oauth/token"] == 2 and koha_sim.created == 1


def test_wrong_credentials_are_said_as_such(koha_sim) -> None:
    client = KohaRegistration(koha_sim.url, "kiosk", "wrong", category_id="T", library_id="L")
    with pytest.raises(CredentialsRefused):
        asyncio.run(client.find_existing(APP, "key-1"))


def test_a_500_is_not_trusted_and_the_record_is_made_once(koha_sim) -> None:
    client = koha(koha_sim)
    koha_sim.faults.fail_next = 1  # the look-first call fails: nothing is sent
    with pytest.raises(BackendUnavailable):
        asyncio.run(submit_once(client, APP, "key-1"))
    koha_sim.faults.fail_next = 1  # a 500 on create: its fate is unknown to the kiosk
    with pytest.raises(AnswerLost):
        asyncio.run(client.submit(APP, "key-1"))
    assert koha_sim.created == 0
    done = asyncio.run(submit_once(client, APP, "key-1"))  # looks first, finds none, sends
    assert not done.recovered and koha_sim.created == 1


def test_503_means_not_sent(koha_sim) -> None:
    koha_sim.faults.fail_next, koha_sim.faults.fail_status = 1, 503
    with pytest.raises(BackendUnavailable):
        asyncio.run(koha(koha_sim).submit(APP, "key-1"))


def test_malformed_json_is_a_protocol_error_and_the_record_is_found(koha_sim) -> None:
    client = koha(koha_sim)
    koha_sim.faults.malformed_next = 1
    with pytest.raises(RemoteProtocolError):
        asyncio.run(client.find_existing(APP, "key-1"))
    koha_sim.faults.malformed_next = 1
    with pytest.raises(AnswerLost) as caught:
        asyncio.run(client.submit(APP, "key-1"))
    assert isinstance(caught.value.__cause__, RemoteProtocolError)
    assert asyncio.run(submit_once(client, APP, "key-1")).recovered and koha_sim.created == 1


def test_an_unreachable_koha_is_unavailable_and_nothing_is_made() -> None:
    sim = RegistrationSimulator("koha").start()
    url = sim.url
    sim.stop()
    client = KohaRegistration(url, "kiosk", "demo", category_id="T", library_id="L", timeout_s=1)
    with pytest.raises(BackendUnavailable):
        asyncio.run(submit_once(client, APP, "key-1"))


def test_the_wire_body_uses_kohas_names_and_leaves_blanks_out() -> None:
    body = encode_patron(replace(APP, phone="", parent_consent=True), "k", "TEMP", "CPL")
    assert "phone" not in body and body["surname"] == "O'Brien" and body["lang"] == "lt"
    assert "a parent signs" in body["staff_notes"]
