"""After a visit ends, no widget and no model still holds the patron's data: the widget tree
(every screen, including parts swapped out of it) is searched for the patron's name, titles
and card number, and weak references show the visit's view models were released."""

from __future__ import annotations

import gc
import weakref

from kivy.uix.label import Label

from kiosk.ui.presenters.views import Screen
from tests.kiosk.ui.scripted_port import PATRON_CARD, PATRON_PIN

SECRETS = ("Rūta", "Petraitienė", "Dievų miškas", "Vilius Karalius", PATRON_CARD, "1,20 €")


def all_texts(h) -> list[str]:
    texts = []
    roots = [*h.app.screens.values(), h.app.timeout_dialog]
    for screen in h.app.screens.values():
        roots += list(getattr(screen, "detachable", []))
        rows = [getattr(screen, name, None) for name in ("rows", "loans", "holds", "devices")]
        roots += [row for rowlist in rows if rowlist is not None for row in rowlist.rows]
    for root in roots:
        texts += [w.text for w in root.walk() if isinstance(w, Label)]
    return texts


def test_a_finished_visit_leaves_nothing_behind(harness) -> None:
    h = harness
    h.tap("start")
    h.keys(PATRON_CARD)
    h.keys(PATRON_PIN)
    h.session.pad_reads(2)
    h.settle()
    h.tap("account")
    account_view = weakref.ref(h.app.state.view)
    h.tap("back")
    circulation_view = weakref.ref(h.app.state.view)
    h.tap("done")
    h.tap("receipt:email")
    h.tap("key:r")
    h.tap("email:send")
    h.tap("finish")
    assert h.screen is Screen.ATTRACT
    gc.collect()
    leaks = [text for text in all_texts(h) for secret in SECRETS if secret in text]
    assert not leaks, leaks
    assert h.app.screens[Screen.RECEIPT].dialog.keyboard.text == ""
    assert h.app.screens[Screen.IDENTIFY].pin_pad.length == 0
    assert account_view() is None
    assert circulation_view() is None


def test_a_pickup_by_card_left_halfway_leaves_nothing_behind(harness) -> None:
    h = harness
    pickup = h.app.screens[Screen.PICKUP]
    h.tap("pickup")
    h.tap("pickup:card")
    h.keys(PATRON_CARD)  # the number now waits in the screen for its PIN
    assert pickup.card_waiting
    h.keys(PATRON_PIN[:2], submit=False)
    h.tap("cancel")
    assert h.screen is Screen.ATTRACT
    h.tap("pickup")
    h.tap("pickup:card")
    h.keys(PATRON_CARD, submit=False)  # shown on the card keypad, never submitted
    h.tap("cancel")
    assert h.screen is Screen.ATTRACT
    leaks = [text for text in all_texts(h) if PATRON_CARD in text or "••" in text]
    assert not leaks, leaks
    assert not pickup.card_waiting
    assert (pickup.card_pad.length, pickup.pin_pad.length, pickup.pad.length) == (0, 0, 0)


def test_a_pickup_by_card_done_leaves_nothing_behind(harness) -> None:
    h = harness
    pickup = h.app.screens[Screen.PICKUP]
    h.tap("pickup")
    h.tap("pickup:card")
    h.keys(PATRON_CARD)
    h.keys(PATRON_PIN)
    assert pickup.compartment.text == "Langelis 7"  # the demo's compartment for this card
    assert not pickup.card_waiting
    h.tap("cancel")
    assert h.screen is Screen.ATTRACT
    leaks = [text for text in all_texts(h) if PATRON_CARD in text or "Langelis 7" in text]
    assert not leaks, leaks
