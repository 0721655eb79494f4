"""The FOLIO backend against the FOLIO staging-users simulator over real loopback HTTP."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import pytest

from backend_sync.registration.folio import FolioRegistration, cql_email
from backend_sync.registration.http_channel import CredentialsRefused
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


def folio(sim, password: str = "pw", **kwargs) -> FolioRegistration:
    kwargs.setdefault("timeout_s", 2.0)
    return FolioRegistration(sim.url, "lib", "kiosk-user", password, **kwargs)


def test_a_staging_user_is_created_once(folio_sim, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = folio(folio_sim)
    done = asyncio.run(submit_once(client, APP, "key-1"))
    record = folio_sim.model.records[0]
    assert done.record_id == record.record_id and len(done.record_id) == 36
    assert record.body["generalInfo"] == {"firstName": "Žemaitė-Šimkutė", "lastName": "O'Brien"}
    assert record.body["contactInfo"] == {"email": APP.email, "mobilePhone": "+37061234567"}
    assert record.body["addressInfo"]["zip"] == "LT-01103"
    assert record.body["externalSystemId"] == "key-1"
    assert record.body["preferredEmailCommunication"] == ["Services"]
    assert folio_sim.requests["POST /authn/login-with-expiry"] == 1
    again = asyncio.run(submit_once(client, APP, "key-1"))
    assert again.recovered and folio_sim.created == 1
    for secret in (*PERSONAL, 'pw"'):
        assert secret not in caplog.text


def test_somebody_elses_staging_record_is_a_duplicate(folio_sim) -> None:
    folio_sim.model.add_existing(APP.email)
    with pytest.raises(Duplicate):
        asyncio.run(submit_once(folio(folio_sim), APP, "key-1"))
    assert folio_sim.created == 1


def test_a_409_is_a_duplicate(folio_sim) -> None:
    folio_sim.faults.duplicate_next = 1
    with pytest.raises(Duplicate):
        asyncio.run(folio(folio_sim).submit(APP, "key-1"))


def test_a_missing_name_is_rejected_by_field(folio_sim) -> None:
    with pytest.raises(Rejected) as caught:
        asyncio.run(folio(folio_sim).submit(replace(APP, first_name=""), "key-1"))
    assert caught.value.field is Field.FIRST_NAME


def test_a_lost_answer_is_looked_for_and_made_once(folio_sim) -> None:
    folio_sim.faults.lose_next = 1
    assert asyncio.run(submit_once(folio(folio_sim), APP, "key-1")).recovered
    assert folio_sim.created == 1 and folio_sim.requests["POST /staging-users"] == 1


def test_an_expired_token_logs_in_again(folio_sim) -> None:
    client = folio(folio_sim)
    asyncio.run(client.find_existing(APP, "key-1"))
    folio_sim.tokens.expire_all()
    asyncio.run(client.submit(APP, "key-1"))
    assert folio_sim.requests["POST /authn/login-with-expiry"] == 2 and folio_sim.created == 1


def test_a_wrong_password_is_said_as_such(folio_sim) -> None:
    with pytest.raises(CredentialsRefused):
        asyncio.run(folio(folio_sim, password="nope").find_existing(APP, "key-1"))


def test_a_wrong_tenant_is_refused(folio_sim) -> None:
    client = FolioRegistration(folio_sim.url, "other", "kiosk-user", "pw", timeout_s=2)
    with pytest.raises(CredentialsRefused):
        asyncio.run(client.find_existing(APP, "key-1"))


def test_500_malformed_and_slow(folio_sim) -> None:
    client = folio(folio_sim, timeout_s=0.3)
    folio_sim.faults.fail_next = 1
    with pytest.raises(BackendUnavailable):
        asyncio.run(client.find_existing(APP, "key-1"))
    folio_sim.faults.malformed_next = 1
    with pytest.raises(RemoteProtocolError):
        asyncio.run(client.find_existing(APP, "key-1"))
    folio_sim.faults.delay_s = 0.6
    with pytest.raises(AnswerLost):
        asyncio.run(client.submit(APP, "key-1"))
    folio_sim.faults.delay_s = 0
    assert asyncio.run(submit_once(client, APP, "key-1")).recovered
    assert folio_sim.created == 1


def test_cql_special_characters_are_escaped() -> None:
    assert cql_email('a"b*c@x.lt') == 'contactInfo.email=="a\\"b\\*c@x.lt"'
