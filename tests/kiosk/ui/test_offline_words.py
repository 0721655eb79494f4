"""Offline said plainly (issue 18), through the touch app on the real core with the ILS
simulator switched offline through its control switch: items show their titles (remembered
from the library system's earlier answers) instead of bare barcodes, and the goodbye screen
says in words that what the patron did is recorded on the kiosk and which items could not be
handled offline (the default policy: returns only)."""

from __future__ import annotations

from kiosk.ui.presenters.views import Screen
from tests.kiosk.ui.test_core_flows import (
    KURMELIS,
    METAI,
    ONA,
    ONA_PIN,
    REFERENCE,
    kiosk,  # noqa: F401 - the fixture
    tag,
)

KEPT_LT = "Nepavyko susisiekti su bibliotekos sistema. Tai, ką atlikote, įrašyta šiame knygomate"
NOT_HANDLED_LT = "Negalima, kol bibliotekos sistema nepasiekiama: "


def _visit_online(k) -> dict[str, str]:
    """Ona borrows two books and tries a reference book while the library system answers."""
    k.tap("start")
    k.keys(ONA)
    k.keys(ONA_PIN)
    k.place(tag(METAI, 1), tag(KURMELIS, 2), tag(REFERENCE, 3))
    titles = {line.item_id: line.title for line in k.app.state.view.lines}
    k.tap("done")
    assert k.app.state.screen is Screen.GOODBYE
    assert k.app.screens[Screen.GOODBYE].offline.parent is None  # nothing to say online
    k.tap("finish")
    return titles


def test_offline_returns_show_titles_and_the_goodbye_says_they_are_kept(kiosk) -> None:  # noqa: F811
    k = kiosk
    titles = _visit_online(k)
    assert titles[METAI] == "Metai" and titles[KURMELIS] not in ("", KURMELIS)
    k.sim.set_offline("refuse")
    k.tap("return")
    k.place(tag(METAI, 1), tag(KURMELIS, 2))
    screen = k.app.screens[Screen.CIRCULATION]
    rows = [row for row in screen.rows.rows if row.parent is not None]
    assert sorted(row.title.text for row in rows) == sorted((titles[METAI], titles[KURMELIS]))
    assert all(row.status.text == "Grąžinta" for row in rows)
    k.tap("done")
    assert k.app.state.screen is Screen.GOODBYE
    assert k.app.state.view.offline_kept == 2
    goodbye = k.app.screens[Screen.GOODBYE]
    assert goodbye.offline.parent is not None
    assert goodbye.offline.text.startswith(KEPT_LT)
    assert NOT_HANDLED_LT not in goodbye.offline.text


def test_offline_borrowing_refused_by_policy_is_named_on_the_goodbye_screen(kiosk) -> None:  # noqa: F811
    k = kiosk
    titles = _visit_online(k)
    k.sim.set_offline("refuse")
    k.tap("start")
    k.keys(ONA)
    k.keys(ONA_PIN)
    assert k.app.state.screen is Screen.CIRCULATION
    k.place(tag(REFERENCE, 3))
    (line,) = k.app.state.view.lines
    assert line.title == titles[REFERENCE] != REFERENCE  # not a bare barcode
    k.tap("done")
    assert k.app.state.screen is Screen.GOODBYE
    view = k.app.state.view
    assert (view.offline_kept, view.not_offline) == (0, (titles[REFERENCE],))
    text = k.app.screens[Screen.GOODBYE].offline.text
    assert text == NOT_HANDLED_LT + titles[REFERENCE]
    k.app.set_language("en")
    k.app.show(k.app.state)
    assert k.app.screens[Screen.GOODBYE].offline.text == (
        "Not possible while the library system is offline: " + titles[REFERENCE]
    )
