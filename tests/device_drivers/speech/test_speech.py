"""Speech output: the real espeak-ng speaks each kiosk language (to a WAV file here, as there
is no sound card), the text goes through stdin and never onto the command line, a new
utterance or stop() cuts the previous one, and the fake records what would be heard."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from device_drivers.speech.espeak import EspeakOptions, EspeakSpeaker, SpeechUnavailable
from device_drivers.speech.fake import FakeSpeaker

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")

PHRASES = {
    "lt": "Palieskite, kad pradėtumėte",
    "en": "Tap here to start",
    "ru": "Нажмите, чтобы начать",
    "uk": "Торкніться, щоб почати",
    "pl": "Dotknij, aby zacząć",
}


@needs_espeak
@pytest.mark.parametrize("language", sorted(PHRASES))
def test_espeak_speaks_every_kiosk_language(tmp_path: Path, language: str) -> None:
    out = tmp_path / f"{language}.wav"
    speaker = EspeakSpeaker(EspeakOptions(rate_wpm=300, wav_file=str(out)))
    speaker.speak(PHRASES[language], language)
    speaker.wait(timeout_s=20)
    with wave.open(str(out)) as sound:
        assert sound.getnframes() > 1000


@needs_espeak
def test_text_never_appears_on_the_command_line() -> None:
    speaker = EspeakSpeaker()
    argv = speaker.command("lt")
    assert argv[-1] == "--stdin" and "-v" in argv and "lt" in argv
    assert not any("Petraitienė" in part for part in argv)


@needs_espeak
def test_a_new_utterance_or_stop_cuts_the_previous_one(tmp_path: Path) -> None:
    speaker = EspeakSpeaker(EspeakOptions(rate_wpm=80, wav_file=str(tmp_path / "x.wav")))
    speaker.speak("Labas. " * 200, "lt")
    speaker.stop()
    assert not speaker.speaking()
    speaker.speak("", "lt")
    assert not speaker.speaking()


def test_missing_engine_is_a_clear_error() -> None:
    with pytest.raises(SpeechUnavailable, match="install the espeak-ng package"):
        EspeakSpeaker(EspeakOptions(binary="no-such-espeak"))


def test_fake_records_and_counts_interruptions() -> None:
    fake = FakeSpeaker()
    fake.speak("Sveiki", "lt")
    fake.speak("Hello", "en")
    fake.speak("   ", "en")
    assert fake.spoken == [("lt", "Sveiki"), ("en", "Hello")]
    assert fake.stops == 2 and not fake.speaking()
    assert fake.heard() == "Sveiki\nHello"


@needs_espeak
def test_the_volume_step_changes_how_loud_espeak_speaks(tmp_path: Path) -> None:
    import array

    def peak(share: float) -> int:
        out = tmp_path / f"{share}.wav"
        speaker = EspeakSpeaker(EspeakOptions(rate_wpm=300, wav_file=str(out)))
        speaker.set_volume(share)
        speaker.speak(PHRASES["lt"], "lt")
        speaker.wait(timeout_s=20)
        with wave.open(str(out)) as sound:
            samples = array.array("h", sound.readframes(sound.getnframes()))
        return max(abs(s) for s in samples)

    assert peak(1.0) > 1.5 * peak(0.25) > 0
