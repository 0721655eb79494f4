"""A configuration file that sets a secret is refused when other users can read it (one
line naming the fix), loaded when it is private (0640 / 0600, or in a directory others
cannot enter); the demo files shipped in config/ only warn; a file without secrets loads."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.settings.loader import SHIPPED_CONFIG, ConfigError, load_settings, set_secrets

WITH_SECRET = """\
[ils]
host = "127.0.0.1"
port = 6001
username = "knygomatas1"
password = "s3cret-Value"
"""


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory every local user may enter, as /etc/knygomatas is (tmp_path is 0700)."""
    directory = Path(tempfile.mkdtemp(prefix="kiosk-config-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory)


def write(directory: Path, text: str, mode: int) -> Path:
    path = directory / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_a_world_readable_file_with_a_password_is_refused(open_dir: Path) -> None:
    path = write(open_dir, WITH_SECRET, 0o644)
    with pytest.raises(ConfigError) as refused:
        load_settings(path)
    message = str(refused.value)
    assert message == (f"{path}: sets ils.password but other users can read it: chmod 640 {path}")
    assert "s3cret" not in message


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o400])
def test_a_private_file_loads(open_dir: Path, mode: int) -> None:
    settings = load_settings(write(open_dir, WITH_SECRET, mode))
    assert settings.ils is not None and settings.ils.password.get_secret_value()


def test_a_file_without_secrets_may_be_world_readable(open_dir: Path) -> None:
    text = WITH_SECRET.replace('password = "s3cret-Value"\n', "")
    assert load_settings(write(open_dir, text, 0o644)).ils is not None


def test_a_file_in_a_directory_others_cannot_enter_is_private(open_dir: Path) -> None:
    inner = open_dir / "private"
    inner.mkdir(mode=0o700)
    inner.chmod(0o700)
    assert load_settings(write(inner, WITH_SECRET, 0o644)).ils is not None


def test_the_shipped_demo_file_only_warns(caplog) -> None:
    demo = SHIPPED_CONFIG / "demo.toml"
    with caplog.at_level(logging.WARNING, logger="knygomatas.settings"):
        settings = load_settings(demo)
    assert sorted(set_secrets(settings))[:2] == ["circulation.staff_pin_hash", "ils.password"]
    assert all("demo values" in record.getMessage() for record in caplog.records)


def test_a_token_is_a_secret_too(open_dir: Path) -> None:
    text = WITH_SECRET.replace('password = "s3cret-Value"\n', "") + (
        '\n[metrics]\ntoken = "a-token-of-sixteen+chars"\n'
    )
    with pytest.raises(ConfigError, match=r"sets metrics\.token .*chmod 640"):
        load_settings(write(open_dir, text, 0o604))
