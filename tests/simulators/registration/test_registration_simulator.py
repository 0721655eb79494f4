"""The registration simulators on the wire: Koha's and FOLIO's contracts, faults, counters,
the control API and `kiosk sim registration`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from kiosk.cli import main
from simulators.control import ControlClient, ControlServer
from simulators.registration.server import RegistrationSimulator


@pytest.fixture
def koha():
    sim = RegistrationSimulator("koha", client_id="kiosk", client_secret="s3").start()
    yield sim
    sim.stop()


def koha_token(sim: RegistrationSimulator) -> dict[str, str]:
    answer = requests.post(
        f"{sim.url}/api/v1/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "kiosk", "client_secret": "s3"},
        timeout=5,
    )
    assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_koha_contract_as_documented(koha) -> None:
    patrons = f"{koha.url}/api/v1/patrons"
    assert requests.get(patrons, timeout=5).status_code == 401  # no token
    auth = koha_token(koha)
    missing = requests.post(patrons, json={"firstname": "Ona"}, headers=auth, timeout=5)
    assert missing.status_code == 400
    assert {e["path"] for e in missing.json()["errors"]} == {
        "/body/surname", "/body/category_id", "/body/library_id",
    }  # fmt: skip
    body = {"surname": "Žemaitė", "category_id": "T", "library_id": "L", "email": "o@p.lt"}
    created = requests.post(patrons, json=body, headers=auth, timeout=5)
    assert created.status_code == 201 and created.json()["patron_id"] == 1001
    assert requests.post(patrons, json=body, headers=auth, timeout=5).status_code == 409
    found = requests.get(patrons, params={"email": "O@P.lt"}, headers=auth, timeout=5).json()
    assert [p["patron_id"] for p in found] == [1001] and koha.created == 1
    assert requests.get(patrons, params={"email": "x@p.lt"}, headers=auth, timeout=5).json() == []
    wrong = requests.post(
        f"{koha.url}/api/v1/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "kiosk", "client_secret": "no"},
        timeout=5,
    )
    assert wrong.status_code == 401


def test_koha_faults(koha) -> None:
    patrons = f"{koha.url}/api/v1/patrons"
    auth = koha_token(koha)
    body = {"surname": "A", "category_id": "T", "library_id": "L", "email": "a@p.lt"}
    koha.faults.lose_next = 1
    with pytest.raises(requests.ConnectionError):
        requests.post(patrons, json=body, headers=auth, timeout=5)
    assert koha.created == 1  # carried out, answer lost
    koha.faults.malformed_next = 1
    with pytest.raises(ValueError):
        requests.get(patrons, headers=auth, timeout=5).json()
    koha.faults.fail_next, koha.faults.fail_status = 1, 503
    assert requests.get(patrons, headers=auth, timeout=5).status_code == 503
    koha.tokens.expire_all()
    assert requests.get(patrons, headers=auth, timeout=5).status_code == 401
    assert koha.requests["POST /api/v1/patrons"] == 1


def test_folio_contract_login_cookie_and_upsert() -> None:
    sim = RegistrationSimulator("folio", client_id="u", client_secret="p", tenant="lib").start()
    try:
        tenant = {"x-okapi-tenant": "lib"}
        login = requests.post(
            f"{sim.url}/authn/login-with-expiry", json={"username": "u", "password": "p"},
            headers=tenant, timeout=5,
        )  # fmt: skip
        assert login.status_code == 201 and "accessTokenExpiration" in login.json()
        auth = {**tenant, "x-okapi-token": login.cookies["folioAccessToken"]}
        staging = f"{sim.url}/staging-users"
        assert requests.get(staging, headers=tenant, timeout=5).status_code == 401
        invalid = requests.post(staging, json={"generalInfo": {}}, headers=auth, timeout=5)
        assert invalid.status_code == 422
        keys = {e["parameters"][0]["key"] for e in invalid.json()["errors"]}
        assert keys == {"generalInfo.firstName", "generalInfo.lastName", "contactInfo.email"}
        body = {
            "generalInfo": {"firstName": "Ona", "lastName": "Ž"},
            "contactInfo": {"email": "o@p.lt"},
        }
        first = requests.post(staging, json=body, headers=auth, timeout=5)
        second = requests.post(staging, json=body, headers=auth, timeout=5)
        assert (first.status_code, second.status_code) == (201, 200)  # mod-users: an upsert
        assert first.json()["id"] == second.json()["id"] and sim.created == 1
        query = {"query": 'contactInfo.email=="o@p.lt"'}
        found = requests.get(staging, params=query, headers=auth, timeout=5).json()
        assert found["totalRecords"] == 1 and found["staging_users"][0]["status"] == "TIER-1"
    finally:
        sim.stop()


def test_control_api_and_command_line(koha, capsys) -> None:
    control = ControlServer(koha.actions()).start()
    try:
        assert ControlClient(control.url).call("status")["backend"] == "koha"
        assert main(["sim", "registration", "lose", "--control", control.url, "--count", "2"]) == 0
        assert json.loads(capsys.readouterr().out)["lose_next"] == 2
        email = ["--email", "old@p.lt"]
        assert main(["sim", "registration", "add-existing", "--control", control.url, *email]) == 0
        assert main(["sim", "registration", "stats", "--control", control.url]) == 0
        assert json.loads(capsys.readouterr().out.splitlines()[-1])["created"] == 1
        assert main(["sim", "registration", "reset-faults", "--control", control.url]) == 0
        assert koha.faults.lose_next == 0
    finally:
        control.stop()


def test_kiosk_sim_registration_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sim", "registration", "--backend", "koha", "--port", "0",
         "--client-id", "id1", "--client-secret", "s1"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        urls = json.loads(process.stdout.readline())
        assert urls["registration"].endswith("/api/v1")
        token = requests.post(
            f"{urls['registration']}/oauth/token",
            data={"grant_type": "client_credentials", "client_id": "id1", "client_secret": "s1"},
            timeout=5,
        )
        assert token.status_code == 200
        assert ControlClient(urls["control"]).call("status")["tokens_issued"] == 1
    finally:
        process.terminate()
        process.wait(timeout=10)
