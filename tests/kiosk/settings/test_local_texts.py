"""Config texts per language (issue 18): [ui] message and opening_hours and [receipts] message
take a plain value (as before) or a table per language, Lithuanian the fallback; a table with
no Lithuanian entry is refused with the key named; no opening hours unless configured; the
receipts print the [ui] hours (the old [receipts] opening_hours is refused, pointing there);
the circulation receipt carries the hours and message of the screen's language."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kiosk.core.circulation.offline_policy import OfflinePolicy
from kiosk.core.circulation.session import Activity, LineStatus
from kiosk.core.circulation.setup import CirculationRules, Ports
from kiosk.core.circulation.visit import Visit
from kiosk.core.circulation.visit_work import VisitWork
from kiosk.core.clock import ManualClock
from kiosk.core.receipts import ItemKind, Receipt
from kiosk.settings import ConfigError, load_settings
from kiosk.settings.printer import ReceiptsSection
from kiosk.settings.ui import UiSection
from kiosk.ui.presenters.attract import attract_view
from simulators.models.outbox_fake import FakeOutbox

ROOT = Path(__file__).resolve().parents[3]


def test_a_plain_string_and_list_stay_valid_for_every_language() -> None:
    ui = UiSection(message="Sveiki!", opening_hours=["I–V 10:00–19:00"])
    assert ui.message_for("en") == "Sveiki!" and ui.hours_for("pl") == ("I–V 10:00–19:00",)


def test_a_table_per_language_falls_back_to_lithuanian() -> None:
    ui = UiSection(
        message={"lt": "Naujiena", "en": "News"},
        opening_hours={"lt": ["I–V 10–19"], "en": ["Mon–Fri 10–19"]},
    )
    assert (ui.message_for("en"), ui.message_for("ru")) == ("News", "Naujiena")
    assert (ui.hours_for("en"), ui.hours_for("uk")) == (("Mon–Fri 10–19",), ("I–V 10–19",))


def test_no_opening_hours_unless_configured() -> None:
    assert UiSection().hours_for("lt") == () and UiSection().message_for("en") == ""


def _load(tmp_path: Path, text: str):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{tmp_path}"\n{text}', encoding="utf-8")
    return load_settings(path)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('[ui]\nmessage = { en = "News" }\n', ("ui.message", "'lt'")),
        ('[ui]\nopening_hours = { en = ["Mon 10-19"] }\n', ("ui.opening_hours", "'lt'")),
        ('[ui]\nmessage = { de = "Neu", lt = "Nauja" }\n', ("ui.message",)),
        ('[receipts]\nmessage = { pl = "Dzięki" }\n', ("receipts.message", "'lt'")),
        ('[receipts]\nopening_hours = ["I–V 10–19"]\n', ("receipts", "[ui] opening_hours")),
    ],
)
def test_a_bad_table_is_refused_naming_the_key(tmp_path: Path, table: str, words) -> None:
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, table)
    for word in words:
        assert word in str(refused.value)


def test_the_demo_config_speaks_each_language_on_the_idle_screen() -> None:
    settings = load_settings(ROOT / "config" / "demo.toml")
    view = attract_view(settings)
    hours_en, message_en = view.in_language("en")
    assert hours_en[0].startswith("Mon–Fri") and message_en.startswith("News")
    hours_lt, message_lt = view.in_language("lt")
    assert hours_lt == view.opening_hours and message_lt == view.message
    assert message_lt.startswith("Naujiena")


def test_the_receipt_prints_the_screens_hours_in_the_screens_language() -> None:
    ui = UiSection(opening_hours={"lt": ["I–V 10–19"], "en": ["Mon–Fri 10–19"]})
    receipts = ReceiptsSection(message={"lt": "Ačiū!", "en": "Thank you!"})
    language = ["en"]
    made: list[Receipt] = []
    ports = Ports(
        library=None,  # type: ignore[arg-type]
        outbox=FakeOutbox(),
        clock=ManualClock(),
        receipts=lambda _session, receipt: made.append(receipt) or "desk",  # type: ignore[arg-type,func-returns-value]
        receipt_footer=lambda: (ui.hours_for(language[0]), receipts.message_for(language[0])),
    )
    visit = Visit("s1", card="2100000001")
    line = visit.add_line("9786090100011", Activity.BORROW, LineStatus.BORROWED)
    visit.record(ItemKind.BORROWED, line)
    work = VisitWork(
        ports, CirculationRules(), OfflinePolicy(), "k1", visit, lambda _a: None, lambda: None
    )
    asyncio.run(work.receipt_desk("Biblioteka"))
    language[0] = "ru"  # no Russian entries: the Lithuanian ones
    asyncio.run(work.receipt_desk("Biblioteka"))
    assert [(r.opening_hours, r.message) for r in made] == [
        (("Mon–Fri 10–19",), "Thank you!"),
        (("I–V 10–19",), "Ačiū!"),
    ]
