"""Self-voicing (EN 301 549 5.1.3): what the app says, in the screen's language, and the
patron's controls over it.

Owns the speaker port (espeak-ng in `kiosk run`, a recording fake in tests), which lines of
the current screen were already said (so a changing screen speaks only what is new), and the
volume. The hardware keypad is a blind patron's control, not places on the glass: with speech
on, ``+`` and ``-`` step the volume (announced as "Volume 3 of 6") and ``*`` says the whole
screen again (5.1.3.4 repeat, 5.1.3.11 volume). Every visit starts at the default volume
again (5.1.3.13). Never says a PIN digit: keys are announced as "Digit entered" (5.1.3.8);
the screens never mark the masked PIN speakable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kiosk.ui.presenters.text import N_, Texts

KEY_ANNOUNCEMENTS = {
    "digit": N_("Digit entered"),
    "deleted": N_("Deleted"),
    "cleared": N_("Cleared"),
}

# Loudness steps (share of the engine's loudest); espeak-ng's own default is 0.5.
VOLUMES = (0.25, 0.4, 0.5, 0.65, 0.8, 1.0)
DEFAULT_VOLUME = 2
# Hardware keys while speech is on: the character typed, or the numeric keypad's key code.
VOLUME_UP, VOLUME_DOWN, REPEAT = ("+", 270), ("-", 269), ("*", 268)


class Speaker(Protocol):
    def speak(self, text: str, language: str) -> None: ...
    def stop(self) -> None: ...
    def set_volume(self, share: float) -> None: ...


class SilentSpeaker:
    def speak(self, text: str, language: str) -> None:
        pass

    def stop(self) -> None:
        pass

    def set_volume(self, share: float) -> None:
        pass


class Voice:
    def __init__(self, speaker: Speaker | None, is_on: Callable[[], bool]) -> None:
        self.speaker = speaker or SilentSpeaker()
        self.is_on = is_on
        self.volume = DEFAULT_VOLUME
        self._said: set[str] = set()
        self.speaker.set_volume(VOLUMES[self.volume])

    def narrate(self, screen_text: str, tr: Texts, full: bool) -> None:
        """Say the screen (``full``) or only its lines not said yet, when speech is on."""
        if not self.is_on():
            return
        lines = [line for line in screen_text.splitlines() if line.strip()]
        new = lines if full else [line for line in lines if line not in self._said]
        self._said.update(lines)
        if new:
            self.speaker.speak("\n".join(new), tr.language)

    def say(self, text: str, tr: Texts) -> None:
        """A prompt of its own (the idle warning), when speech is on."""
        if self.is_on():
            self.speaker.speak(text, tr.language)

    def read_aloud(self, text: str, tr: Texts) -> None:
        """Something the patron asked to hear (the receipt): said even with speech off."""
        self.speaker.speak(text, tr.language)

    def announce_key(self, kind: str, tr: Texts) -> None:
        message = KEY_ANNOUNCEMENTS.get(kind, KEY_ANNOUNCEMENTS["digit"])
        self.say(tr.gettext(message), tr)

    def silence(self) -> None:
        """The screen changed (or speech went off): stop, and say the next screen afresh."""
        self.speaker.stop()
        self._said = set()

    def key(self, key: int, text: str | None, screen_text: Callable[[], str], tr: Texts) -> bool:
        """A hardware key for the voice (volume, repeat); False for any other key."""
        if not self.is_on():
            return False
        if text == VOLUME_UP[0] or key == VOLUME_UP[1]:
            self.set_volume(self.volume + 1, tr)
        elif text == VOLUME_DOWN[0] or key == VOLUME_DOWN[1]:
            self.set_volume(self.volume - 1, tr)
        elif text == REPEAT[0] or key == REPEAT[1]:
            self.narrate(screen_text(), tr, full=True)
        else:
            return False
        return True

    def set_volume(self, step: int, tr: Texts | None = None) -> None:
        """Set the volume step; announced (at the new loudness) when ``tr`` is given."""
        self.volume = min(len(VOLUMES) - 1, max(0, step))
        self.speaker.set_volume(VOLUMES[self.volume])
        if tr is not None:
            level = {"level": self.volume + 1, "levels": len(VOLUMES)}
            self.speaker.speak(tr.gettext("Volume %(level)d of %(levels)d") % level, tr.language)
