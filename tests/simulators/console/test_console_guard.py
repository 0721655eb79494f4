"""The console locked down, over real HTTP: a form from another origin or without the page's
token is refused and changes nothing; off loopback the console will not start without a
password, and with one every request needs it; the simulators' control APIs warn on stderr
when bound beyond loopback; the password hash command and the [console] table."""

from __future__ import annotations

import base64
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pydantic import ValidationError

from kiosk.settings.console import ConsoleSection
from simulators.console import guard
from simulators.console.app import Console, create_app
from simulators.console.server import ConsoleExposedError, ConsoleServer
from simulators.control import ControlClient, ControlServer, warn_if_exposed

pytestmark = pytest.mark.timeout(60)
ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "lentyna-42-knygos"


def request(url: str, form: dict[str, str] | None = None, **headers: str) -> tuple[int, str]:
    data = None if form is None else urllib.parse.urlencode(form).encode()
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def token_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None, "the page has no CSRF token"
    return found.group(1)


def test_every_form_on_the_page_carries_the_token(rig) -> None:
    status, page = request(rig.url + "/")
    assert status == 200
    forms = re.findall(r"<form [^>]*method=\"post\"[^>]*>(.{0,120})", page)
    assert forms and all('name="csrf_token"' in after for after in forms)


def test_a_form_without_the_token_is_refused_and_changes_nothing(rig) -> None:
    status, body = request(rig.url + "/act/lockers/force_door", {"compartment": "4"})
    assert status == 403 and "CSRF" in body
    status, _ = request(rig.url + "/act/lockers/force_door", {"compartment": "4",
                                                              "csrf_token": "guessed"})  # fmt: skip
    assert status == 403
    assert rig.control("lockers").call("status")["compartments"]["4"]["door"] == "closed"


def test_a_form_from_another_origin_is_refused_even_with_the_token(rig) -> None:
    token = token_of(request(rig.url + "/")[1])
    form = {"compartment": "4", "csrf_token": token}
    evil = {"Origin": "http://evil.example"}
    assert request(rig.url + "/act/lockers/force_door", form, **evil)[0] == 403
    referer = {"Referer": "http://evil.example/page.html"}
    assert request(rig.url + "/act/lockers/force_door", form, **referer)[0] == 403
    assert request(rig.url + "/act/lockers/force_door", form, Origin="null")[0] == 403
    assert rig.control("lockers").call("status")["compartments"]["4"]["door"] == "closed"
    own = {"Origin": rig.url}
    assert request(rig.url + "/act/lockers/force_door", form, **own)[0] == 200
    assert rig.control("lockers").call("status")["compartments"]["4"]["door"] == "open"


def test_a_page_addressed_by_another_name_is_refused(rig) -> None:
    """DNS rebinding: evil.example made to resolve to 127.0.0.1 reads nothing, posts nothing."""
    port = rig.url.rsplit(":", 1)[1]
    status, body = request(rig.url + "/", Host=f"evil.example:{port}")
    assert status == 403 and "csrf_token" not in body
    assert request(rig.url + "/", Host=f"localhost:{port}")[0] == 200


def test_off_loopback_without_a_password_the_console_does_not_start() -> None:
    app = create_app(Console({}))
    with pytest.raises(ConsoleExposedError, match="password_hash"):
        ConsoleServer(app, 0, host="0.0.0.0")


def test_with_a_password_every_request_needs_it(capfd) -> None:
    line = guard.hash_password(PASSWORD, secrets.token_bytes(16))
    assert PASSWORD not in line
    app = create_app(Console({}), refresh_s=0, password_hash=line)
    server = ConsoleServer(app, 0, host="0.0.0.0").start()
    try:
        assert "reachable from the network" in capfd.readouterr().err
        url = server.url.replace("0.0.0.0", "127.0.0.1")
        assert request(url + "/")[0] == 401
        wrong = base64.b64encode(b"tech:not-the-password").decode()
        assert request(url + "/", Authorization=f"Basic {wrong}")[0] == 401
        right = base64.b64encode(f"tech:{PASSWORD}".encode()).decode()
        status, page = request(url + "/", Authorization=f"Basic {right}")
        assert status == 200 and 'name="csrf_token"' in page
        # the password alone is not enough for a POST: the token is still needed
        status, _ = request(url + "/act/ils/online", {}, Authorization=f"Basic {right}")
        assert status == 403
    finally:
        server.stop()


def test_control_api_warns_when_bound_beyond_loopback(capfd) -> None:
    quiet = ControlServer({"status": lambda _p: {"ok": 1}}).start()
    try:
        assert capfd.readouterr().err == ""
        assert ControlClient(quiet.url).call("status") == {"ok": 1}
    finally:
        quiet.stop()
    loud = ControlServer({"status": lambda _p: {}}, host="0.0.0.0")
    try:
        err = capfd.readouterr().err
        assert "WARNING" in err and "NO authentication" in err and "0.0.0.0" in err
    finally:
        loud.stop()
    assert warn_if_exposed("::1", "x") is False and warn_if_exposed("10.0.0.5", "x") is True


def test_same_origin_rules() -> None:
    own = "http://127.0.0.1:8090/"
    assert guard.same_origin(own, None, None)  # a script: the token decides
    assert guard.same_origin(own, "http://127.0.0.1:8090", None)
    assert guard.same_origin(own, None, "http://127.0.0.1:8090/#lockers")
    assert not guard.same_origin(own, "http://127.0.0.1:9999", None)
    assert not guard.same_origin(own, "null", None)
    assert not guard.basic_password("Basic !!!") and guard.basic_password(None) is None


def test_console_table_needs_a_hash_off_loopback() -> None:
    assert ConsoleSection().host == "127.0.0.1"
    with pytest.raises(ValidationError, match="password_hash"):
        ConsoleSection(host="0.0.0.0")
    with pytest.raises(ValidationError, match="scrypt"):
        ConsoleSection(host="0.0.0.0", password_hash="plain-text-password")
    line = guard.hash_password(PASSWORD, secrets.token_bytes(16))
    section = ConsoleSection(host="0.0.0.0", password_hash=line)
    assert PASSWORD not in repr(section) and line not in repr(section)


def test_hash_password_command_round_trip() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "console", "hash-password", "--stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip()
    assert PASSWORD not in done.stdout + done.stderr
    assert guard.verify_password(PASSWORD, guard.parse_hash(line))
    assert not guard.verify_password("something-else", guard.parse_hash(line))
    short = subprocess.run(
        [sys.executable, "-m", "kiosk", "console", "hash-password", "--stdin"],
        input="short\n", capture_output=True, text=True, cwd=ROOT, timeout=30,
    )  # fmt: skip
    assert short.returncode == 2 and "at least" in short.stderr and short.stdout == ""
