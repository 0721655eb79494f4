"""Reads the TOML file and turns every problem into one line: file, key, what is expected.

A file that sets a secret (a password, client secret, token or PIN/password hash) must not
be readable by other local users: such a file is refused with the fix (`chmod 640 FILE`)
when others can read it, i.e. it has the o+r bit and every directory above it lets others
through (a file in a 0700 directory, as pytest's tmp_path, is private whatever its bits).
The two files shipped in the package's own config/ directory (demo.toml, kiosk.example.toml)
hold only demo values: for them it is a logged warning, never a refusal.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, SecretStr, ValidationError

from kiosk.settings.model import Settings

DEFAULT_CONFIG_ENV = "KIOSK_CONFIG"
_SECRET_KEY = re.compile(r"password|secret|token|pin_hash", re.IGNORECASE)
DEFAULT_CONFIG_PATHS = ("config/kiosk.toml", "/etc/knygomatas/kiosk.toml")
SHIPPED_CONFIG = Path(__file__).resolve().parents[2] / "config"  # the package's own
DEMO_FILES = ("demo.toml", "kiosk.example.toml")  # demo values only: warned, not refused
log = logging.getLogger("knygomatas.settings")


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
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(describe(path, exc)) from None
    _secrets_kept_private(path, settings)
    return settings


def _secrets_kept_private(path: Path, settings: Settings) -> None:
    secrets = sorted(set_secrets(settings))
    if not secrets or not readable_by_others(path):
        return
    where = f"{path}: sets {', '.join(secrets[:3])} but other users can read it"
    if path.resolve().parent == SHIPPED_CONFIG and path.name in DEMO_FILES:
        log.warning("%s (demo values; a real configuration is refused so)", where)
        return
    raise ConfigError(f"{where}: chmod 640 {path}")


def set_secrets(model: BaseModel, prefix: str = "") -> Iterator[str]:
    """The dotted keys of every secret the settings set (non-empty)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}{name}"
        if isinstance(value, SecretStr):
            if value.get_secret_value():
                yield key
        elif isinstance(value, str) and value and _SECRET_KEY.search(name):
            yield key
        elif isinstance(value, BaseModel):
            yield from set_secrets(value, key + ".")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from set_secrets(item, f"{key}.{index}.")


def readable_by_others(path: Path) -> bool:
    """Can a user who is neither the owner nor in the group read it: o+r on the file and
    o+x on every directory above it."""
    try:
        resolved = path.resolve()
        if not resolved.stat().st_mode & stat.S_IROTH:
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in resolved.parents)
    except OSError:
        return False


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
