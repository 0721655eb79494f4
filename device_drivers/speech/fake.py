"""An in-process speaker for tests and for kiosks without audio: it records, it never sounds.

Same surface as ``EspeakSpeaker``; ``spoken`` keeps every (language, text) pair and ``stops``
counts interruptions, so a test can check what a blind patron would have heard and that speech
stopped when the screen changed.
"""

from __future__ import annotations


class FakeSpeaker:
    def __init__(self) -> None:
        self.spoken: list[tuple[str, str]] = []
        self.stops = 0
        self.volume = 0.5
        self._speaking = False

    def set_volume(self, share: float) -> None:
        self.volume = min(1.0, max(0.0, share))

    def speak(self, text: str, language: str) -> None:
        self.stop()
        if text.strip():
            self.spoken.append((language, text))
            self._speaking = True

    def speaking(self) -> bool:
        return self._speaking

    def stop(self) -> None:
        if self._speaking:
            self.stops += 1
        self._speaking = False

    def close(self) -> None:
        self.stop()

    def heard(self) -> str:
        """Everything said so far, one utterance a line."""
        return "\n".join(text for _, text in self.spoken)
