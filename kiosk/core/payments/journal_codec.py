"""A journal entry as plain JSON-able data and back, so the store keeps the whole saga in one
column and a newer kiosk reads an older row. Pure: no I/O.

Money stays integer cents; enums are stored by value; times as ISO strings (library wall
time, naive). The bank card is only ever the terminal's masked PAN.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from kiosk.core.payments.fees import Allocation, Posting
from kiosk.core.payments.journal import JournalEntry
from kiosk.core.payments.saga import PaymentHold, Saga, State
from kiosk.core.payments.terminal import Approved
from kiosk.core.vocabulary import FeeType

VERSION = 1


class JournalFormatError(ValueError):
    """A journal row this program cannot read (damaged, or written by a newer version)."""


def entry_to_data(entry: JournalEntry) -> dict[str, Any]:
    saga = entry.saga
    return {
        "version": VERSION,
        "payment_id": saga.payment_id,
        "card": saga.card,
        "mode": saga.mode.value,
        "state": saga.state.value,
        "postings": [
            {
                "amount_cents": p.amount_cents,
                "fee_type": p.fee_type.value,
                "fee_id": p.fee_id,
                "description": p.description,
            }
            for p in saga.allocation.postings
        ],
        "owed_before_cents": saga.allocation.owed_before_cents,
        "approval": asdict(saga.approval) if saga.approval else None,
        "next_posting": saga.next_posting,
        "recorded_cents": saga.recorded_cents,
        "hold_alive": saga.hold_alive,
        "staff_note": saga.staff_note,
        "kiosk_id": entry.kiosk_id,
        "currency": entry.currency,
        "started_at": entry.started_at.isoformat(),
        "settled_at": entry.settled_at.isoformat() if entry.settled_at else None,
        "ils_ids": list(entry.ils_ids),
        "reason": entry.reason,
        "told_staff": entry.told_staff,
        "sold": entry.sold,
        "resolved": entry.resolved,
    }


def entry_from_data(data: dict[str, Any]) -> JournalEntry:
    try:
        if data.get("version", 0) > VERSION:
            raise JournalFormatError(
                f"journal row version {data['version']} is newer than {VERSION}"
            )
        allocation = Allocation(
            tuple(Posting(p["amount_cents"], FeeType(p["fee_type"]), p["fee_id"],
                          p.get("description", "")) for p in data["postings"]),
            data["owed_before_cents"],
        )  # fmt: skip
        saga = Saga(data["payment_id"], data["card"], PaymentHold(data["mode"]), allocation,
                    State(data["state"]), _approval(data["approval"]), data["next_posting"],
                    data["recorded_cents"], data["hold_alive"], data["staff_note"])  # fmt: skip
        settled = data["settled_at"]
        return JournalEntry(saga, data["kiosk_id"], data["currency"],
                            datetime.fromisoformat(data["started_at"]),
                            datetime.fromisoformat(settled) if settled else None,
                            tuple(data["ils_ids"]), data["reason"], data["told_staff"],
                            data["sold"], data.get("resolved", ""))  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, JournalFormatError):
            raise
        raise JournalFormatError(f"unreadable journal row: {exc!r}") from None


def _approval(data: dict[str, Any] | None) -> Approved | None:
    if data is None:
        return None
    known = {f.name for f in fields(Approved)}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known}
    return Approved(**values)
