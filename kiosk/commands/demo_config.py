"""The configuration `kiosk demo --any-ports` ran with, written as TOML so that
`kiosk ils|lockers|rooms … --config THAT` talk to the running demo's simulators.

Written readable by its owner only (0600): it holds the configuration's secrets, as the file
it came from does.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

from pydantic import SecretStr

from kiosk.settings import Settings

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def write_config(settings: Settings, path: Path) -> Path:
    """Write `settings` as TOML to `path` (replaced whole, never half-written); return it."""
    text = to_toml(settings.model_dump(exclude_none=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(partial, path)
    return path


def to_toml(data: dict[str, Any]) -> str:
    return "".join(_table(data, ()))


def _table(data: dict[str, Any], prefix: tuple[str, ...], header: bool = True) -> Iterator[str]:
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in data.items() if _is_table_array(v)}
    plain = {k: v for k, v in data.items() if k not in tables and k not in arrays}
    if header and prefix and (plain or not (tables or arrays)):
        yield f"\n[{_dotted(prefix)}]\n"
    for key, value in plain.items():
        yield f"{_key(key)} = {_value(value)}\n"
    for key, value in tables.items():
        yield from _table(value, (*prefix, str(key)))
    for key, items in arrays.items():
        for item in items:  # an array item's own header, then its keys and sub-tables
            yield f"\n[[{_dotted((*prefix, str(key)))}]]\n"
            yield from _table(item, (*prefix, str(key)), header=False)


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, list | tuple) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def _dotted(keys: tuple[str, ...]) -> str:
    return ".".join(_key(k) for k in keys)


def _key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, PurePath):
        value = str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return "[" + ", ".join(_value(v) for v in items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
