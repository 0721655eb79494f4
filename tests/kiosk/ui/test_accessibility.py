"""Accessibility (EN 301 549 clause 5.1): self-voicing in the screen's language without the
PIN, speech stopping on a screen change, the hardware keypad with a focus ring, 15 mm touch
targets, large text and high contrast, and the accessibility settings reset after a visit."""

from __future__ import annotations

from kiosk.settings.ui import UiSection
from kiosk.ui.presenters.views import Screen
from kiosk.ui.widgets.buttons import KioskButton
from tests.kiosk.ui.scripted_port import PATRON_CARD, PATRON_PIN

TAB, ENTER = 9, 13


def test_speech_reads_the_screen_in_its_language_but_never_the_pin(harness) -> None:
    h = harness
    h.tap("toggle:speech")
    assert h.speaker.spoken[-1][0] == "lt"
    assert "Palieskite, kad pradėtumėte" in h.speaker.spoken[-1][1]
    h.tap("start")
    h.keys(PATRON_CARD)
    h.keys(PATRON_PIN, submit=False)
    heard = h.speaker.heard()
    assert "Skaitmuo įvestas" in heard
    assert PATRON_PIN not in heard.replace(PATRON_CARD, "")
    assert not any(text.strip() in set(PATRON_PIN) for _, text in h.speaker.spoken)
    pin_display = h.app.screens[Screen.IDENTIFY].pin_pad.display
    assert pin_display.text == "••••" and not pin_display.speakable
    h.tap("key:ok")
    assert h.screen is Screen.CIRCULATION


def test_speech_stops_when_the_screen_changes_and_follows_the_language(harness) -> None:
    h = harness
    h.tap("toggle:speech")
    stops = h.speaker.stops
    h.tap("start")
    assert h.speaker.stops > stops
    h.tap("language:ru")
    language, text = h.speaker.spoken[-1]
    assert language == "ru" and "Покажите читательский билет" in text


def test_new_lines_are_spoken_as_items_arrive(harness) -> None:
    h = harness
    h.tap("toggle:speech")
    h.tap("start")
    h.keys(PATRON_CARD)
    h.keys(PATRON_PIN)
    h.session.pad_reads(1)
    h.settle()
    assert "Balys Sruoga. Dievų miškas" in h.speaker.spoken[-1][1]
    assert "Skolinimasis" not in h.speaker.spoken[-1][1]


def test_the_whole_flow_works_from_a_hardware_keypad(harness) -> None:
    h = harness
    window = h.window
    window.dispatch("on_key_down", TAB, 0, None, [])
    focused = h.app.focus.current
    assert isinstance(focused, KioskButton) and focused.focused
    while h.app.focus.current.action_name != "start":
        window.dispatch("on_key_down", TAB, 0, None, [])
    window.dispatch("on_key_down", ENTER, 0, None, [])
    h.settle()
    assert h.screen is Screen.IDENTIFY
    for digit in PATRON_CARD:
        window.dispatch("on_key_down", ord(digit), 0, digit, [])
    window.dispatch("on_key_down", 271, 0, None, [])  # no focus: typed digits, then OK by tab
    h.settle()
    while h.app.focus.current is None or h.app.focus.current.action_name != "key:ok":
        window.dispatch("on_key_down", TAB, 0, None, [])
    window.dispatch("on_key_down", ENTER, 0, None, [])
    h.settle()
    assert h.app.screens[Screen.IDENTIFY].view.card_seen


def test_every_button_is_at_least_15_mm(harness) -> None:
    h = harness
    minimum = h.app.theme.min_target - 0.5
    for screen_name in (Screen.ATTRACT, Screen.IDENTIFY):
        small = [
            (b.action_name, b.size)
            for b in h.root.walk()
            if isinstance(b, KioskButton) and b.opacity > 0 and min(b.size) < minimum
        ]
        assert not small, small
        if screen_name is Screen.ATTRACT:
            h.tap("start")


def test_large_text_and_contrast_switch_and_reset_after_the_visit(harness) -> None:
    h = harness
    body = h.app.screens[Screen.ATTRACT].message
    normal_size = body.base_size
    h.tap("toggle:large_text")
    h.tap("toggle:contrast")
    assert body.base_size > normal_size * 1.2
    assert list(h.window.clearcolor[:3]) == [0.0, 0.0, 0.0]
    assert h.app.shell.toggles["contrast"].text.endswith("įjungta")
    h.tap("start")
    h.tap("cancel")
    assert h.screen is Screen.ATTRACT
    assert body.base_size == normal_size
    assert not h.app.switches["contrast"]


def test_configured_speech_is_on_from_the_start(make_harness) -> None:
    h = make_harness(UiSection(fullscreen=False, speech=True), language="en")
    assert h.speaker.spoken and h.speaker.spoken[-1][0] == "en"
    assert "Tap here to start" in h.speaker.spoken[-1][1]


def test_the_receipt_is_read_aloud_on_request_even_with_speech_off(harness) -> None:
    h = harness
    h.tap("start")
    h.keys(PATRON_CARD)
    h.keys(PATRON_PIN)
    h.session.pad_reads(2)
    h.settle()
    h.tap("done")
    assert h.screen is Screen.RECEIPT
    spoken_before = len(h.speaker.spoken)
    h.tap("receipt:read")
    language, text = h.speaker.spoken[-1]
    assert len(h.speaker.spoken) == spoken_before + 1 and language == "lt"
    assert "Balys Sruoga. Dievų miškas" in text  # the receipt's content, not the screen's
    stops = h.speaker.stops
    h.tap("receipt:none")
    assert h.speaker.stops > stops  # leaving the screen stops the reading


def test_headphones_switch_speech_on_for_as_long_as_they_stay_plugged(harness) -> None:
    from device_drivers.speech.jack_fake import FakeJack

    h = harness
    jack = FakeJack(on_change=h.app.headphones_changed).start()
    assert not h.app.switches["speech"]
    jack.plug()
    assert h.app.switches["speech"] and "Palieskite" in h.speaker.spoken[-1][1]
    h.tap("start")
    h.keys(PATRON_CARD)
    h.keys(PATRON_PIN)
    h.tap("done")  # nothing borrowed: straight back to the attract screen
    assert h.screen is Screen.ATTRACT
    assert h.app.switches["speech"]  # still plugged: the next patron hears the screen too
    jack.unplug()
    assert not h.app.switches["speech"]
    h.tap("start")
    h.tap("language:en")
    assert not h.app.switches["speech"] and jack.reports == [True, False]


def test_volume_and_repeat_on_the_hardware_keypad_reset_for_the_next_patron(harness) -> None:
    h = harness
    key = lambda code, text=None: h.window.dispatch("on_key_down", code, 0, text, [])  # noqa: E731
    key(ord("+"), "+")  # speech off: the key is not the voice's
    assert h.speaker.volume == 0.5 and not h.speaker.spoken
    h.tap("toggle:speech")
    key(270)  # the numeric keypad's +
    assert h.speaker.volume > 0.5 and h.speaker.spoken[-1] == ("lt", "Garsumas 4 iš 6")
    for _ in range(10):
        key(ord("+"), "+")
    assert h.speaker.volume == 1.0 and h.speaker.spoken[-1][1] == "Garsumas 6 iš 6"
    key(269)
    assert h.speaker.spoken[-1][1] == "Garsumas 5 iš 6"
    key(268)  # the keypad's *: the whole screen again
    assert "Palieskite, kad pradėtumėte" in h.speaker.spoken[-1][1]
    h.tap("start")
    h.tap("cancel")  # the visit ends: the next patron starts at the default volume
    assert h.screen is Screen.ATTRACT and h.speaker.volume == 0.5
