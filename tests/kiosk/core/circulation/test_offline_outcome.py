"""Offline said plainly, in the core (issue 18): titles remembered from the library system's
answers replace bare barcodes; a visit's offline outcome (kept on the kiosk, refused by the
offline policy) is counted once and said in the same words on the receipt as on the goodbye
screen (kiosk/ui/presenters/text.offline_note)."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.offline_outcome import OfflineOutcome, offline_outcome
from kiosk.core.circulation.session import Activity, LineStatus
from kiosk.core.circulation.titles import TitleCache
from kiosk.core.circulation.visit import Visit
from kiosk.core.receipts import ItemKind
from kiosk.i18n import Catalogs
from kiosk.ui.presenters.text import offline_note

CARD = "2100000001"
NOW = datetime(2026, 11, 25, 12, 0)
METAI, KURMELIS, REFERENCE = "9786090100011", "9786090100042", "9786090100028"


def _offline_visit(titles: TitleCache) -> Visit:
    visit = Visit("s1", card=CARD, offline=True, titles=titles)
    kept = visit.add_line(METAI, Activity.RETURN, LineStatus.WORKING)
    visit.update(kept.seq, offline=True, status=LineStatus.RETURNED)
    visit.record(ItemKind.RETURNED, visit.lines[kept.seq])
    refused = visit.add_line(REFERENCE, Activity.BORROW, LineStatus.WORKING)
    visit.update(refused.seq, status=LineStatus.REFUSED, notice=Notice("offline.no_checkouts"))
    other = visit.add_line(KURMELIS, Activity.BORROW, LineStatus.WORKING)
    visit.update(other.seq, status=LineStatus.REFUSED, notice=Notice("item.unknown"))
    return visit


def test_titles_seen_online_replace_barcodes_offline() -> None:
    titles = TitleCache()
    online = Visit("s0", card=CARD, titles=titles)
    line = online.add_line(METAI, Activity.BORROW, LineStatus.WORKING)
    online.update(line.seq, title="Metai", status=LineStatus.BORROWED)
    visit = _offline_visit(titles)
    assert [line.title for line in visit.lines.values()] == ["Metai", "", ""]
    # an answer without a title keeps the one the kiosk knows
    online.update(line.seq, title="")
    assert online.lines[line.seq].title == "Metai"


def test_the_title_cache_is_bounded_and_ignores_blank_titles() -> None:
    titles = TitleCache(limit=2)
    titles.learn("1", "One")
    titles.learn("2", " ")
    titles.learn("3", "3")  # a "title" that is only the barcode says nothing
    titles.learn("4", "Four")
    titles.learn("5", "Five")
    assert (len(titles), titles.title("1"), titles.title("4"), titles.title("5")) == (
        2,
        "",
        "Four",
        "Five",
    )
    with pytest.raises(ValueError):
        TitleCache(limit=0)


def test_the_outcome_counts_kept_items_and_names_the_policy_refusals_only() -> None:
    titles = TitleCache()
    titles.learn(REFERENCE, "Lietuvių kalbos žodynas")
    visit = _offline_visit(titles)
    outcome = offline_outcome(visit.lines.values())
    assert outcome == OfflineOutcome(1, ("Lietuvių kalbos žodynas",))
    assert not offline_outcome(())


@pytest.mark.parametrize("language", ["lt", "en", "ru", "uk", "pl"])
def test_the_receipt_says_what_the_goodbye_screen_says(language: str) -> None:
    tr = Catalogs().translator(language)
    visit = _offline_visit(TitleCache())
    receipt = visit.receipt("Biblioteka", "kiosk-1", NOW, tr.gettext)
    assert receipt is not None
    said = offline_note(1, (REFERENCE,), tr)
    assert " ".join(receipt.notes) == said
    assert REFERENCE in said and len(receipt.notes) == 2
    assert CARD not in " ".join(receipt.notes)
