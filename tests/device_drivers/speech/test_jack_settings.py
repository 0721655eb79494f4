"""[ui] headphone_jack: "auto" by default, "off", or an absolute event-node path; anything else
is one configuration line naming the key (loaded from a real TOML file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.settings import ConfigError, load_settings


def load(tmp_path: Path, value: str | None):
    path = tmp_path / "kiosk.toml"
    line = "" if value is None else f'headphone_jack = "{value}"\n'
    path.write_text(f"[ui]\n{line}", encoding="utf-8")
    return load_settings(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "auto"), ("off", "off"), ("auto", "auto"), ("/dev/input/event5", "/dev/input/event5")],
)
def test_accepted_values(tmp_path: Path, value: str | None, expected: str) -> None:
    settings = load(tmp_path, value)
    assert settings.ui is not None and settings.ui.headphone_jack == expected


@pytest.mark.parametrize("value", ["event5", "on", "", "dev/input/event5"])
def test_anything_else_is_one_line_naming_the_key(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as error:
        load(tmp_path, value)
    message = str(error.value)
    assert "ui.headphone_jack: " in message and '"auto", "off" or an absolute path' in message
    assert "\n" not in message
