"""The headphone jack on the staff screen: the jack's health (kiosk/wiring/jack_health.py)
becomes a "Headphone jack" row, a fault with the driver's reason in words, in the staff
screen's language (Xvfb)."""

from __future__ import annotations

from device_drivers.speech.jack import JackHealth
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState
from kiosk.ui.presenters.core_views import staff_view
from kiosk.ui.presenters.views import DeviceLine, Screen, UiState
from kiosk.ui.widgets.base import FitLabel
from kiosk.wiring.jack_health import jack_device_health

GONE = "/dev/input/event5 does not exist (sound card unplugged, or a wrong path)"


def jack_rows(reason: str = GONE) -> tuple[DeviceLine, ...]:
    health = [
        DeviceHealth("reader", DeviceKind.READER, DeviceState.OK),
        jack_device_health(JackHealth("unavailable", "/dev/input/event5", reason)),
    ]
    return staff_view(health, {}, ("", ""), False).devices


def test_the_jack_is_a_row_of_the_staff_view() -> None:
    assert jack_rows() == (
        DeviceLine("reader", True, "reader"),
        DeviceLine("headphones", False, f"headphone-jack: {GONE}"),
    )
    listening = jack_device_health(JackHealth("listening", "/dev/input/event5"))
    shown = staff_view([listening], {}, ("", ""), False).devices
    assert shown == (DeviceLine("headphones", True, "headphone-jack"),)


def test_the_staff_screen_names_the_jack_and_its_fault(harness) -> None:
    h = harness
    view = staff_view(
        [jack_device_health(JackHealth("unavailable", "/dev/input/event5", GONE))],
        {},
        ("", ""),
        False,
    )
    h.app.show(UiState(Screen.STAFF, view))
    h.settle()
    texts = [w.text for w in h.app.screens[Screen.STAFF].walk() if isinstance(w, FitLabel)]
    assert "Ausinių lizdas" in texts
    assert any(GONE in text for text in texts)
    h.app.set_language("en")
    texts = [w.text for w in h.app.screens[Screen.STAFF].walk() if isinstance(w, FitLabel)]
    assert "Headphone jack" in texts
