"""The idle countdown's table: quiet time leads to the warning, then to the end; a touch or
"extend my time" starts the wait again; the attract screen pauses it."""

from __future__ import annotations

from kiosk.ui.presenters.idle import IdleCountdown, Phase


def test_warning_then_expiry() -> None:
    idle = IdleCountdown(timeout_s=60, warning_s=20)
    idle.resume(0)
    assert idle.tick(39) is Phase.ACTIVE
    assert idle.tick(40) is Phase.WARNING
    assert idle.seconds_left(40) == 20
    assert idle.seconds_left(59.5) == 1
    assert idle.tick(60) is Phase.EXPIRED
    idle.activity(61)
    assert idle.tick(200) is Phase.EXPIRED


def test_a_touch_during_the_warning_starts_again() -> None:
    idle = IdleCountdown(timeout_s=60, warning_s=20)
    idle.resume(0)
    idle.tick(45)
    idle.activity(45)
    assert idle.phase is Phase.ACTIVE
    assert idle.tick(100) is Phase.WARNING
    assert idle.tick(105) is Phase.EXPIRED


def test_paused_on_the_attract_screen() -> None:
    idle = IdleCountdown(timeout_s=60, warning_s=20)
    idle.activity(0)
    assert idle.tick(1000) is Phase.IDLE
    idle.resume(1000)
    idle.pause()
    assert idle.tick(5000) is Phase.IDLE
