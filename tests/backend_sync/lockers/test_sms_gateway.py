"""The HTTP SMS gateway client against a small HTTP server on loopback: the request is what
the configuration says (method, body encoding, template, auth, headers), values are escaped,
transient failures are retried with back-off, permanent ones are not, and a dead gateway is
a typed error."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from backend_sync.notify.sms import SmsError, SmsGateway, SmsOptions, render_body
from kiosk.settings.notify import SmsSection

TEXT = 'Knygomatas „A“: kodas 123456 & "ačiū"'


def sms(gateway, **options) -> tuple[SmsGateway, list[float]]:
    pauses: list[float] = []
    gateway_options = SmsOptions(url=gateway.url, retry_backoff_s=0.5, **options)
    return SmsGateway(gateway_options, sleep=pauses.append), pauses


def test_json_body_with_bearer_token_and_headers(gateway) -> None:
    client, _ = sms(gateway, sender="AVB", auth="bearer", token="s3cret",
                    headers={"X-Api-Key": "k"})  # fmt: skip
    client.send("+37060000002", TEXT)
    [request] = gateway.requests
    assert request["method"] == "POST"
    assert json.loads(request["body"]) == {"to": "+37060000002", "from": "AVB", "text": TEXT}
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["X-Api-Key"] == "k"
    assert request["headers"]["Content-Type"].startswith("application/json")


def test_form_body_with_basic_auth(gateway) -> None:
    client, _ = sms(gateway, body="form", template="number=$to&message=$text",
                    auth="basic", username="kiosk", password="pw")  # fmt: skip
    client.send("+37060000002", TEXT)
    [request] = gateway.requests
    assert parse_qs(request["body"]) == {"number": ["+37060000002"], "message": [TEXT]}
    expected = base64.b64encode(b"kiosk:pw").decode()
    assert request["headers"]["Authorization"] == f"Basic {expected}"


def test_get_with_a_query_string(gateway) -> None:
    client, _ = sms(gateway, method="GET", body="query", template="to=$to&msg=$text")
    client.send("+37060000002", TEXT)
    [request] = gateway.requests
    assert request["method"] == "GET"
    assert parse_qs(urlsplit(request["path"]).query) == {"to": ["+37060000002"], "msg": [TEXT]}


def test_transient_failures_are_retried_with_back_off(gateway) -> None:
    gateway.statuses = [503, 429]
    client, pauses = sms(gateway, retries=2)
    client.send("+37060000002", TEXT)
    assert len(gateway.requests) == 3
    assert pauses == [0.5, 1.0]


def test_retries_run_out(gateway) -> None:
    gateway.statuses = [500, 502, 503]
    client, pauses = sms(gateway, retries=2)
    with pytest.raises(SmsError) as error:
        client.send("+37060000002", TEXT)
    assert not error.value.permanent and "503" in str(error.value)
    assert len(gateway.requests) == 3 and pauses == [0.5, 1.0]


def test_a_refusal_is_permanent_and_not_retried(gateway) -> None:
    gateway.statuses = [400]
    client, pauses = sms(gateway, retries=3)
    with pytest.raises(SmsError) as error:
        client.send("+37060000002", TEXT)
    assert error.value.permanent
    assert len(gateway.requests) == 1 and pauses == []


def test_a_dead_gateway_is_a_typed_error() -> None:
    options = SmsOptions(url="http://127.0.0.1:9/sms", retries=1, timeout_s=2)
    with pytest.raises(SmsError, match="not reachable"):
        SmsGateway(options, sleep=lambda _s: None).send("+37060000002", TEXT)


def test_a_template_cannot_be_broken_by_the_text() -> None:
    options = SmsOptions(url="http://x.invalid/sms", template='{"to": "$to", "text": "$text"}')
    body = render_body(options, '+370"}', 'a"b\\c\n$to')
    assert json.loads(body) == {"to": '+370"}', "text": 'a"b\\c\n$to'}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"template": "$to $foo $text"}, "unknown placeholder $foo"),
        ({"template": "to=$to"}, "must contain $to and $text"),
        ({"method": "GET"}, "body = 'query'"),
        ({"auth": "bearer"}, "needs token"),
        ({"auth": "basic"}, "needs username"),
    ],
)
def test_settings_refuse_unusable_gateways(options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        SmsSection(url="http://x.invalid/sms", **options)
