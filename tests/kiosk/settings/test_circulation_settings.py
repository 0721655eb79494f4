"""[circulation] staff_pin_hash at load: a well-formed scrypt line loads and reaches the core
rules, a malformed one is a one-line ConfigError naming circulation.staff_pin_hash and what is
wrong (never the value), a plain PIN is refused, and `kiosk config check` hides the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.circulation.staff_auth import hash_pin
from kiosk.settings import ConfigError, load_settings
from kiosk.wiring.core_parts import circulation_rules

LINE = hash_pin("2580", b"knygomatas-tests").line()


def write(tmp_path: Path, pin_hash: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[circulation]\nstaff_pin_hash = "{pin_hash}"\n', encoding="utf-8")
    return path


def test_a_scrypt_line_loads_and_reaches_the_core_rules(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, LINE))
    assert settings.circulation.staff_pin_hash.get_secret_value() == LINE
    assert LINE not in repr(settings)
    assert circulation_rules(settings.circulation).staff_pin_hash == LINE


def test_no_line_is_the_default(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""))
    assert circulation_rules(settings.circulation).staff_pin_hash == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4321", "6 fields"),  # a plain PIN is not a credential
        (LINE.replace("scrypt", "md5", 1), "scheme must be 'scrypt'"),
        (LINE.replace("$16384$", "$1024$", 1), "power of two from 16384"),
        (LINE[:-12] + "!!!!", "hash is not base64"),
    ],
)
def test_a_malformed_line_is_one_config_error_line(
    tmp_path: Path, value: str, expected: str
) -> None:
    path = write(tmp_path, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: circulation.staff_pin_hash: ")
    assert expected in message and "\n" not in message
    assert value not in message and "<hidden>" in message


def test_config_check_hides_the_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path, LINE)
    assert main(["--config", str(path), "config", "check"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["circulation"]["staff_pin_hash"] == "**********"


def test_a_malformed_line_stops_the_cli_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = write(tmp_path, "scrypt$1$2")
    assert main(["--config", str(path), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "circulation.staff_pin_hash" in err
    assert "Traceback" not in err
