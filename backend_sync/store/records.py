"""Turning the ILS's results into the plain JSON the store keeps, and entries into rows and back.

Dates become ISO text, amounts decimal strings, tuples and sets lists: what a staff member
reads in a CSV is what the ILS said. Pure: no database, no clock.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from kiosk.core.outbox import EntryKind, EntryState, OutboxEntry


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | Enum):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def dumps(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, sort_keys=True)


def entry_from_row(row: Any) -> OutboxEntry:
    return OutboxEntry(
        key=row.key,
        kind=EntryKind(row.kind),
        payload=json.loads(row.payload),
        happened_at=datetime.fromisoformat(row.happened_at),
        offline=bool(row.offline),
        state=EntryState(row.state),
        attempts=row.attempts,
        result=json.loads(row.result),
        reason=row.reason,
    )


def entry_values(entry: OutboxEntry, added_at: float) -> dict[str, Any]:
    return {
        "key": entry.key,
        "kind": str(entry.kind),
        "payload": dumps(entry.payload),
        "happened_at": entry.happened_at.isoformat(),
        "offline": entry.offline,
        "state": str(EntryState.PENDING),
        "attempts": 0,
        "in_doubt": False,
        "check": "{}",
        "result": "{}",
        "reason": "",
        "added_at": added_at,
        "last_attempt_at": "",
        "finished_at": "",
        "resolved_at": "",
        "resolved_note": "",
    }
