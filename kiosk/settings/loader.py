"""Reads the TOML file and turns every problem into one line: file, key, what is expected."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from pydantic import ValidationError

from kiosk.settings.model import Settings

DEFAULT_CONFIG_ENV = "KIOSK_CONFIG"
_SECRET_KEY = re.compile(r"password|secret|token|pin_hash", re.IGNORECASE)
DEFAULT_CONFIG_PATHS = ("config/kiosk.toml", "/etc/knygomatas/kiosk.toml")


class ConfigError(Exception):
    """The settings are wrong: the message names the file, the key and what is expected."""


def resolve_path(explicit: str | None) -> Path:
    """--config wins, then $KIOSK_CONFIG, then config/kiosk.toml, then /etc/knygomatas/."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DEFAULT_CONFIG_ENV)
    if env:
        return Path(env)
    for candidate in DEFAULT_CONFIG_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ConfigError(
        f"no configuration file: pass --config FILE or set {DEFAULT_CONFIG_ENV} "
        "(config/kiosk.example.toml documents every key)"
    )


def load_settings(path: str | os.PathLike[str]) -> Settings:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe(path, exc)) from None


def describe(path: Path, exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        what = "unknown key"
    elif first["type"] == "missing":
        what = "required key is missing"
    elif isinstance(first.get("input"), dict):  # a whole table is wrong: the message says why
        what = f"{first['msg'][0].lower()}{first['msg'][1:]}"
    else:
        secret = _SECRET_KEY.search(key.rsplit(".", 1)[-1])
        got = "<hidden>" if secret else _shown(first.get("input"))
        what = f"{first['msg'][0].lower()}{first['msg'][1:]} (got {got})"
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    return f"{path}: {key}: {what}{more if len(errors) > 1 else ''}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
