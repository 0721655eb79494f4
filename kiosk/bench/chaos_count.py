"""What `kiosk bench chaos` counts at the end, from the simulators' own books, the kiosk's
SQLite store and payment journal, and the journal of what the patron was told. Pure counting:
no process, no socket. The rules are those of tests/integration/test_crash_visit.py and
test_payment_crash.py, turned from assertions into counts:

- lost: a transaction the patron was told about (borrowed, renewed, returned, paid) whose
  outbox entry is neither DONE nor refused by the ILS at replay (on the staff list with its
  words), or a payment told "paid" that the journal does not hold as paid;
- doubled: an item the ILS lent, renewed or took back twice, an outbox entry kind written
  twice for one item, or a patron charged more than they owed;
- security_disagrees_unlisted: a tag whose security bit disagrees with the ILS (on loan <->
  AFI "checked out") while the item's newest settled entry is not on the staff list;
- charged_unrecorded: a charge at the terminal that no journalled payment recorded at the
  library for the same amount (nor put on the reconciliation list).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.outbox import EntryKind, EntryState, OutboxEntry

CHECKED_IN, CHECKED_OUT = 0x07, 0xC2
FLAGS = ("interrupted", "outcome unknown")  # what a crash leaves for staff to check
KINDS = ("checkout", "checkin", "renew")
CHARGED = ("approved", "booked")


@dataclass
class ItemBooks:
    """One item at the end: its outbox entries, what the ILS counted, its tag's AFI."""

    applied: dict[str, int]
    on_loan: bool
    afi: int | None
    entries: dict[str, list[OutboxEntry]] = field(default_factory=dict)
    history: list[OutboxEntry] = field(default_factory=list)


def _is_flag(entry: OutboxEntry) -> bool:
    return entry.state is EntryState.REJECTED and entry.reason.startswith(FLAGS)


def flagged(history: list[OutboxEntry]) -> bool:
    settled = [e for e in history if e.state is EntryState.DONE or _is_flag(e)]
    return bool(settled) and _is_flag(settled[-1])


def refused_at_replay(entry: OutboxEntry) -> bool:
    kept = entry.offline or entry.attempts > 0
    refused = entry.state is EntryState.REJECTED and entry.result.get("ok") is False
    return kept and refused and not _is_flag(entry)


def no_op_return(entry: OutboxEntry) -> bool:
    return entry.kind is EntryKind.CHECKIN and entry.result.get("recovered") is True


def sort_entries(items: Mapping[str, ItemBooks], entries: Iterable[OutboxEntry]) -> None:
    for entry in entries:
        item = items.get(str(entry.payload.get("item_id", "")))
        if item is not None:
            item.entries.setdefault(str(entry.kind), []).append(entry)
            item.history.append(entry)


def count_items(items: Mapping[str, ItemBooks], acked: Mapping[str, set[str]]) -> dict[str, int]:
    found = {"lost": 0, "doubled": 0, "security_disagrees_unlisted": 0, "store_untrue": 0}
    for item_id, item in items.items():
        told = acked.get(item_id, set())
        for kind in KINDS:
            entries, applied = item.entries.get(kind, []), item.applied.get(kind, 0)
            if len(entries) > 1 or applied > 1:
                found["doubled"] += 1
            entry = entries[-1] if entries else None
            if kind in told and not (
                entry is not None and (entry.state is EntryState.DONE or refused_at_replay(entry))
            ):
                found["lost"] += 1
            done = entry is not None and entry.state is EntryState.DONE
            if (done and applied == 0 and not no_op_return(entry)) or (
                applied and not (entry is not None and (done or _is_flag(entry)))
            ):
                found["store_untrue"] += 1
        if item.afi is not None:
            agrees = item.afi == (CHECKED_OUT if item.on_loan else CHECKED_IN)
            if not agrees and not flagged(item.history):
                found["security_disagrees_unlisted"] += 1
    return found


def count_payments(
    records: list[Any],
    cards: Mapping[str, str],
    terminal_journal: list[dict[str, Any]],
    owed_before: Mapping[str, int],
    paid_told: Iterable[str],
) -> dict[str, int]:
    """``records`` are the journal's PaymentRecords, ``cards`` payment id -> card,
    ``paid_told`` the cards the kiosk told "paid"."""
    charged = {e["receipt"]: e["booked_cents"] for e in terminal_journal if e["state"] in CHARGED}
    mine = {r.receipt_number: r for r in records if r.receipt_number is not None}
    unrecorded = sum(1 for receipt in charged if receipt not in mine)
    per_card: dict[str, int] = {}
    paid_cards = set()
    for record in records:
        t_charged = charged.get(record.receipt_number, 0) if record.receipt_number else 0
        card = cards[record.payment_id]
        per_card[card] = per_card.get(card, 0) + t_charged
        if record.state == "paid":
            paid_cards.add(card)
            if not t_charged == record.recorded_cents == record.charged_cents > 0:
                unrecorded += 1
        elif record.state in ("reversed", "not_charged"):
            unrecorded += t_charged != 0
        elif t_charged not in (0, record.recorded_cents):
            unrecorded += 1
    doubled = sum(1 for card, cents in per_card.items() if cents > owed_before.get(card, 0))
    lost = sum(1 for card in set(paid_told) if card not in paid_cards)
    return {
        "charged_unrecorded": unrecorded,
        "doubled": doubled,
        "lost": lost,
        "charged": len(charged),
        "on_staff_list": sum(1 for r in records if r.state == "to_staff"),
    }
