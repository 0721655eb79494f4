"""One patron's visit: everything of the patron the kiosk holds, in one object that the
service drops at the end of the session (so a weak reference to it dies with the session).

Also the shared context the circulation steps (borrow.py, returns.py, renewals.py) work in:
the ports, the rules, and the staff-alert and publish callbacks. Holds no logic beyond
bookkeeping: which lines exist, which tags were already handled, what goes on the receipt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.offline_outcome import offline_outcome, outcome_sentences
from kiosk.core.circulation.offline_policy import OfflinePolicy
from kiosk.core.circulation.pad import Pad, PadItem
from kiosk.core.circulation.session import Activity, ItemLine, LineStatus
from kiosk.core.circulation.titles import TitleCache
from kiosk.core.clock import Clock
from kiosk.core.model import Patron
from kiosk.core.outbox import EntryKind, Outbox, OutboxEntry
from kiosk.core.ports import LibrarySystem
from kiosk.core.receipts import ItemKind, Receipt, ReceiptItem

ALERT_NOTICES = frozenset({"item.hold_shelf", "item.staff_bin"})


@dataclass(frozen=True)
class StaffAlert:
    """Something staff must look at: ``kind`` is security_failed, outcome_unknown,
    pad_unavailable …; never carries a card number."""

    kind: str
    item_id: str = ""
    detail: str = ""


@dataclass
class Visit:
    session_id: str
    card: str = ""
    started_at: datetime | None = None
    offline_at: datetime | None = None  # when this visit found the ILS unreachable
    pin: str | None = None
    patron: Patron | None = None
    offline: bool = False
    may_borrow: bool = False
    own_loans: set[str] = field(default_factory=set)
    lines: dict[int, ItemLine] = field(default_factory=dict)
    handled_uids: dict[str, str] = field(default_factory=dict)  # tag UID -> item id
    waiting_parts: dict[str, dict[int, PadItem]] = field(default_factory=dict)
    borrowed_offline: int = 0
    borrow_refusal: Notice | None = None  # why this patron may not borrow, when they may not
    receipt_items: list[ReceiptItem] = field(default_factory=list)
    counter: int = 0
    titles: TitleCache = field(default_factory=TitleCache)  # shared by the service's visits

    def add_line(
        self, item_id: str, activity: Activity, status: LineStatus, at: datetime | None = None
    ) -> ItemLine:
        self.counter += 1
        line = ItemLine(self.counter, item_id, activity, status, self.titles.title(item_id), at=at)
        self.lines[line.seq] = line
        return line

    def went_offline(self, now: datetime) -> None:
        if not self.offline:
            self.offline, self.offline_at = True, now

    def update(self, seq: int, **changes: Any) -> ItemLine:
        line = replace(self.lines[seq], **changes)
        if line.title:  # the library system named it: remembered for offline visits
            self.titles.learn(line.item_id, line.title)
        elif known := self.titles.title(line.item_id):  # an answer without a title
            line = replace(line, title=known)
        self.lines[seq] = line
        return line

    def record(self, kind: ItemKind, line: ItemLine) -> None:
        due = line.due.date() if line.due else None
        self.receipt_items.append(ReceiptItem(kind, line.title or line.item_id, line.item_id, due))

    def receipt(
        self, library_name: str, kiosk_id: str, now: datetime, translate: Callable[[str], str]
    ) -> Receipt | None:
        """The receipt of this visit, or None when nothing was recorded. The patron appears
        only as a masked card number; returns with an alert say where the item goes, and an
        offline visit says what was recorded on the kiosk and what could not be handled
        offline, in the goodbye screen's words (offline_outcome.py)."""
        if not self.receipt_items:
            return None
        notes = [
            f"{line.title or line.item_id}: {translate(line.notice.where)}"
            for line in self.lines.values()
            if line.notice is not None and line.notice.key in ALERT_NOTICES
        ]
        notes += outcome_sentences(offline_outcome(self.lines.values()), translate)
        fields: dict[str, Any] = {
            "library_name": library_name,
            "kiosk_id": kiosk_id,
            "issued_at": now,
            "items": tuple(self.receipt_items),
            "notes": tuple(notes),
        }
        return Receipt.for_card(self.card, **fields) if self.card else Receipt(**fields)

    def entry_key(self, kiosk_id: str, kind: EntryKind, item_id: str) -> str:
        self.counter += 1
        return f"{kiosk_id}:{self.session_id}:{kind.value}:{item_id}:{self.counter}"


@dataclass(frozen=True)
class Release:
    """How a circulation step hands its outbox entry over once the kiosk's side is done:
    ``result`` (the ILS accepted it live) marks it done; otherwise it is kept for replay,
    noted as an attempt when the request may have gone out (``maybe_sent``: the ILS stopped
    answering mid-send, the replayer asks the ILS first), or as never sent."""

    key: str
    result: dict[str, Any] | None = None
    maybe_sent: bool = False


@dataclass
class Circulation:
    """The ports and rules a circulation step needs, and its one visit."""

    library: LibrarySystem
    outbox: Outbox
    pad: Pad | None
    clock: Clock
    policy: OfflinePolicy
    kiosk_id: str
    visit: Visit
    alert: Callable[[StaffAlert], None]
    publish: Callable[[], None]
    returns_own_loans_only: bool = True

    async def write_ahead(self, kind: EntryKind, item_id: str, **payload: Any) -> str | None:
        """Make the transaction durable before anything is sent; returns its key, or None
        when the outbox cannot write (then nothing may be sent: staff are alerted). The entry
        is live (the replayer leaves it to the kiosk) until ``release``; it is marked
        offline only then, if it is kept for replay unsent."""
        key = self.visit.entry_key(self.kiosk_id, kind, item_id)
        entry = OutboxEntry(
            key=key,
            kind=kind,
            payload={"item_id": item_id, "session": self.visit.session_id, **payload},
            happened_at=self.now(),
        )
        try:
            await self.outbox.add(entry)
        except Exception as exc:  # any store failure: the transaction must not go out
            self.alert(StaffAlert("outbox_failed", item_id, type(exc).__name__))
            return None
        return key

    async def release(self, release: Release | None) -> None:
        """The kiosk's side of the transaction is finished (security written or reported)."""
        if release is None:
            return
        if release.result is not None:
            await self.outbox.mark_done(release.key, release.result)
        elif release.maybe_sent:
            await self.outbox.note_attempt(release.key, "offline: kept for replay")
        else:
            await self.outbox.keep_for_replay(release.key, "offline: kept for replay")

    def now(self) -> datetime:
        return self.clock.now()
