"""espeak-ng as a speech adapter: one utterance at a time, interrupted by the next or by stop().

Runs ``espeak-ng -v VOICE -s RATE --stdin`` as a child process and writes the text to its stdin,
so text never appears on a command line (``ps`` would show a patron's loans otherwise). Never
blocks the event loop: Popen returns at once and the process is reaped when replaced. A missing
espeak-ng binary raises ``SpeechUnavailable`` at construction, not in the middle of a visit.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

# espeak-ng voice names for the kiosk's languages (espeak-ng --voices).
VOICES = {"lt": "lt", "en": "en-gb", "ru": "ru", "uk": "uk", "pl": "pl"}


class SpeechUnavailable(RuntimeError):
    """The speech engine is not installed or cannot start (a deployment fault)."""


@dataclass(frozen=True)
class EspeakOptions:
    binary: str = "espeak-ng"
    rate_wpm: int = 150
    amplitude: int = 100
    output_device: str = ""  # an ALSA device for the headphone jack; "" = default output
    wav_file: str = ""  # write a WAV file instead of playing (tests, checking a voice)


class EspeakSpeaker:
    def __init__(self, options: EspeakOptions = EspeakOptions()) -> None:
        path = shutil.which(options.binary)
        if path is None:
            raise SpeechUnavailable(f"{options.binary} not found: install the espeak-ng package")
        self._path = path
        self._options = options
        self._amplitude = options.amplitude
        self._current: subprocess.Popen[bytes] | None = None

    def set_volume(self, share: float) -> None:
        """Loudness from 0 (silent) to 1 (espeak-ng's loudest, amplitude 200; the default
        amplitude 100 is 0.5), for the next utterance."""
        self._amplitude = round(200 * min(1.0, max(0.0, share)))

    def command(self, language: str) -> list[str]:
        voice = VOICES.get(language, "en-gb")
        options = self._options
        argv = [self._path, "-v", voice, "-s", str(options.rate_wpm), "-a", str(self._amplitude)]
        if options.wav_file:
            argv += ["-w", options.wav_file]
        elif options.output_device:
            argv += ["-d", options.output_device]
        return [*argv, "--stdin"]

    def speak(self, text: str, language: str) -> None:
        """Say ``text`` in ``language``, cutting off whatever was being said."""
        self.stop()
        if not text.strip():
            return
        try:
            process = subprocess.Popen(
                self.command(language),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise SpeechUnavailable(f"espeak-ng did not start: {error}") from error
        assert process.stdin is not None
        process.stdin.write(text.encode("utf-8"))
        process.stdin.close()
        self._current = process

    def speaking(self) -> bool:
        return self._current is not None and self._current.poll() is None

    def wait(self, timeout_s: float) -> None:
        """Block until the utterance ends (for the command line and tests, never in the UI)."""
        if self._current is not None:
            self._current.wait(timeout=timeout_s)

    def stop(self) -> None:
        process, self._current = self._current, None
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=2)

    def close(self) -> None:
        self.stop()
