"""Status colours on the staff screen (issue 18): a good state is never red, a bad one never
green, and every state carries a word, so colour is never the only cue. Walks the staff view's
rows (devices, the reconciliation list, the alarms line) in the normal and the high-contrast
palette and checks each state's colour class."""

from __future__ import annotations

import pytest

from kiosk.ui.presenters.text import Tone, alarm_summary
from kiosk.ui.presenters.views import DeviceLine, ReconciliationLine, Screen, StaffView, UiState
from kiosk.ui.theme import HIGH_CONTRAST, NORMAL

DEVICES = (
    DeviceLine("reader", True, "127.0.0.1:10001"),
    DeviceLine("locks", False, "no answer"),
    DeviceLine("printer", True),
    DeviceLine("ils", False, "offline"),
)


class English:
    language = "en"

    def gettext(self, message: str) -> str:
        return message


def test_no_alarms_is_a_good_state_in_words() -> None:
    assert alarm_summary((), English()) == ("No alarms.", Tone.GOOD)
    text, tone = alarm_summary(("Compartment 12: door left open",), English())
    assert (text, tone) == ("Compartment 12: door left open", Tone.BAD)


def _staff(h, alarms: tuple[str, ...], contrast: bool):
    if h.app.switches["contrast"] != contrast:
        h.app.toggle("contrast")
    recon = (ReconciliationLine("40007", "Metai", "returned_offline"),)
    h.app.show(UiState(Screen.STAFF, StaffView("Ona", DEVICES, 1, 1, recon, alarms=alarms)))
    h.settle()
    screen = h.app.screens[Screen.STAFF]
    screen.show_tab("settings")
    h.settle()
    return screen


@pytest.mark.parametrize("contrast", [False, True], ids=["normal", "high-contrast"])
def test_each_staff_state_has_its_colour_class_and_a_word(harness, contrast: bool) -> None:
    palette = HIGH_CONTRAST if contrast else NORMAL
    screen = _staff(harness, (), contrast)
    words = {"Veikia": palette.good, "Gedimas": palette.bad}
    shown = [row for row in screen.devices.rows if row.status.text]
    assert len(shown) == len(DEVICES)
    for row, device in zip(shown, DEVICES, strict=True):
        want = palette.good if device.healthy else palette.bad
        assert row.status.text in words, row.status.text  # a word, not colour alone
        assert tuple(row.status.color) == want
        assert tuple(row.status.color) != (palette.bad if device.healthy else palette.good)
    to_check = [row for row in screen.recon.rows if row.status.text]
    assert [tuple(r.status.color) for r in to_check] == [palette.wait]
    assert screen.alarms.text == "Aliarmų nėra."
    assert tuple(screen.alarms.color) == palette.good  # was red ("bad") before issue 18

    screen = _staff(harness, ("Langelis 12: durelės paliktos atviros",), contrast)
    assert screen.alarms.text == "Langelis 12: durelės paliktos atviros"
    assert tuple(screen.alarms.color) == palette.bad
