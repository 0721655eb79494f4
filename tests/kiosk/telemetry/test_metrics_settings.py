"""[metrics]: listen HOST:PORT (off when empty), token rules, essential device names;
errors come out as one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kiosk.settings import ConfigError, load_settings
from kiosk.settings.metrics import MetricsSection, split_listen


def test_defaults_are_off() -> None:
    section = MetricsSection()
    assert not section.enabled
    assert section.essential == ("reader",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:9464", ("127.0.0.1", 9464)),
        ("[::1]:9464", ("::1", 9464)),
        ("0.0.0.0:0", ("0.0.0.0", 0)),
    ],
)
def test_listen_forms(text: str, expected: tuple[str, int]) -> None:
    assert split_listen(text) == expected
    assert MetricsSection(listen=text).address == expected


@pytest.mark.parametrize("text", ["9464", "localhost", ":9464", "host:http", "host:70000"])
def test_bad_listen_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        MetricsSection(listen=text)


@pytest.mark.parametrize("token", ["short", "sixteen chars but spaces"])
def test_weak_token_refused(token: str) -> None:
    with pytest.raises(ValidationError):
        MetricsSection(token=token)


def test_bad_device_name_refused() -> None:
    with pytest.raises(ValidationError):
        MetricsSection(essential=("Reader One",))


def test_error_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[metrics]\nlisten = "9464"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "metrics.listen" in message and "HOST:PORT" in message
    assert "\n" not in message


@given(st.text(max_size=40))
def test_listen_is_an_address_or_a_value_error(text: str) -> None:
    try:
        host, port = split_listen(text)
    except ValueError:
        return
    assert host and 0 <= port <= 65535
