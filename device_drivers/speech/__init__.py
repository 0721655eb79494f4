"""Speech output for self-voicing (EN 301 549 5.1.3): espeak-ng in the screen's language.

``espeak.EspeakSpeaker`` is the real adapter, ``fake.FakeSpeaker`` records what would be said.
Both offer ``speak(text, language)``, ``stop()`` and ``close()``. Deciding *what* to say (and
never a PIN digit) is the UI's job (kiosk/ui/narration.py); this package only makes sound.

It also hears the headphone jack: ``jack_events`` (the kernel's jack switch events, pure),
``jack.HeadphoneJack`` (reads the event node, calls ``on_change(plugged)``) and
``jack_fake.FakeJack`` (plug()/unplug() for tests); docs/speech.md.
"""
