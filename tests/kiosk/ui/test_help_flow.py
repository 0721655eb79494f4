"""Call a librarian through the touch app on the real core (Xvfb): Ona signs in and taps
"Call a librarian"; the webhook and the mail catcher get the call (the bytes hold nothing of
her: no card number, name, e-mail or phone), she sees and hears "a librarian has been called"
with the library's chat QR code; a second tap sends nothing again; the staff card signing in
acknowledges the call. The voice's on-screen buttons step the volume and repeat the screen;
the staff screens get no help row; the row fits everywhere with large text."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.help import HelpDesk, HelpState
from kiosk.ui.presenters.views import Screen
from kiosk.ui.widgets.help_bar import HelpRow
from kiosk.ui.widgets.help_buttons import HelpButtons
from simulators.ils.simulator import IlsSimulator
from simulators.mail.sink import MailSink
from tests.kiosk.ui.test_core_flows import ONA, ONA_PIN, STAFF_CARD, STAFF_PIN, TODAY, CoreKiosk

ONA_WORDS = ("2100000001", "Ona", "Žemaitytė", "ona.zemaityte@example.lt", "+37060000001")
CHAT = "https://biblioteka.example.lt/pokalbis"


class Endpoint:
    """A webhook receiver on loopback that keeps each POST (as in
    tests/backend_sync/notify/test_help_channels.py, which this test tree cannot import)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        kept = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                kept.append({"body": self.rfile.read(length)})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def run_now(coroutine) -> None:
    asyncio.run(coroutine)


@pytest.fixture
def kiosk(window):
    with IlsSimulator(encoding="utf-8", clock=lambda: TODAY) as sim:

        class Holder:
            pass

        holder = Holder()
        holder.window = window
        made = CoreKiosk(holder, sim)
        yield made
        made.close()


@pytest.fixture
def hook():
    endpoint = Endpoint()
    yield endpoint
    endpoint.close()


def desk_with(tmp_path: Path, hook: Endpoint):
    from backend_sync.notify.help_channels import EmailHelpChannel, WebhookHelpChannel
    from backend_sync.notify.receipt_mailer import start_mailer
    from backend_sync.notify.smtp_sender import SmtpOptions
    from backend_sync.notify.webhook import Webhook, WebhookOptions

    sink = MailSink(tmp_path / "mail").start()
    mailer = start_mailer(
        tmp_path / "outbox.sqlite",
        SmtpOptions("127.0.0.1", sink.port, security="none", timeout_s=5),
        "kiosk@example.lt",
    )
    channels = [
        EmailHelpChannel(mailer, ["desk@example.lt"]),
        WebhookHelpChannel(Webhook(WebhookOptions(hook.url), sleep=lambda s: None)),
    ]
    clock = ManualClock(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Vilnius")))
    desk = HelpDesk("k1", "Apskrities viešoji biblioteka", channels, clock, location="1 aukštas")
    return desk, sink, mailer


def wait_for(predicate, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "nothing arrived"
        time.sleep(0.05)


def test_a_patron_calls_a_librarian_and_a_staff_card_acknowledges(
    kiosk, hook: Endpoint, tmp_path: Path
) -> None:
    from device_drivers.speech.fake import FakeSpeaker

    k = kiosk
    k.app.voice.speaker = FakeSpeaker()
    desk, sink, mailer = desk_with(tmp_path, hook)
    try:
        buttons = HelpButtons(k.app, desk, CHAT, spawn=run_now).attach()
        k.tap("start")
        k.keys(ONA)
        k.keys(ONA_PIN)
        assert k.app.state.screen is Screen.CIRCULATION
        k.app.toggle("speech")
        k.tap("help:call")
        assert desk.state is HelpState.CALLED and buttons.outcome == "called"
        assert buttons.dialog.title.text == "Bibliotekininkas iškviestas"
        assert buttons.dialog.qr.payload == CHAT and buttons.dialog.chat.text
        assert "Bibliotekininkas iškviestas" in k.app.voice.speaker.heard()
        wait_for(lambda: list((tmp_path / "mail").glob("*.eml")))
        [mail] = [p.read_bytes() for p in (tmp_path / "mail").glob("*.eml")]
        [posted] = hook.requests
        for data in (mail, posted["body"]):
            for word in ONA_WORDS:
                assert word.encode() not in data, word
        assert "1 aukštas".encode() in posted["body"]

        k.tap("help:close")
        k.tap("help:call")  # a second tap while called: nothing sent again
        assert buttons.outcome == "already_called" and len(hook.requests) == 1
        k.tap("help:close")

        k.tap("done")  # Ona leaves; a librarian comes and signs in with the staff card
        k.tap("finish")
        assert k.app.state.screen is Screen.ATTRACT
        k.tap("start")
        k.keys(STAFF_CARD)
        k.keys(STAFF_PIN)
        assert k.app.state.screen is Screen.STAFF
        assert desk.state is HelpState.ACKNOWLEDGED
        staff = k.app.screens[Screen.STAFF]
        assert not [w for w in staff.walk(restrict=True) if isinstance(w, HelpRow)]
    finally:
        mailer.worker.stop()
        sink.stop()


def test_the_voice_buttons_step_the_volume_and_repeat_the_screen(harness) -> None:
    h = harness
    HelpButtons(h.app).attach()  # no [help]: only the voice's buttons, and only with speech on
    h.settle()
    with pytest.raises(LookupError):
        h.tap("voice:louder")
    with pytest.raises(LookupError):
        h.tap("help:call")
    h.tap("toggle:speech")
    h.tap("voice:louder")
    assert h.speaker.volume == 0.65 and h.speaker.spoken[-1] == ("lt", "Garsumas 4 iš 6")
    h.tap("voice:quieter")
    h.tap("voice:quieter")
    assert h.speaker.spoken[-1] == ("lt", "Garsumas 2 iš 6")
    h.tap("voice:repeat")
    assert "Palieskite, kad pradėtumėte" in h.speaker.spoken[-1][1]
    assert "Pakartoti" in h.speaker.spoken[-1][1]  # the buttons themselves are read out too
    h.tap("language:en")
    h.tap("voice:repeat")
    assert "Say it again" in h.speaker.spoken[-1][1]


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("language", ["lt", "pl"])
def test_every_screen_fits_with_the_help_row_and_large_text(
    make_harness, language: str, landscape: bool
) -> None:
    from kiosk.settings.ui import UiSection
    from tests.kiosk.ui.test_fit import overflowing, overfull_boxes, show_everywhere

    h = make_harness(UiSection(fullscreen=False, speech=True))  # every button of the row shows
    without = show_everywhere(h, language, landscape, large=True)
    desk = HelpDesk("k1", "Biblioteka", [], ManualClock())  # no channel: the call fails
    buttons = HelpButtons(h.app, desk, CHAT, spawn=run_now).attach()
    problems = show_everywhere(h, language, landscape, large=True)
    # The row adds no problem (a view another change leaves overfull is that change's).
    added = [p for p in problems if p[0] not in {q[0] for q in without}]
    assert not added, added[:6]
    if landscape:  # beside the switches in the footer: the screens have no height to spare
        assert buttons.footer_row.parent is h.app.shell.footer
        assert len(buttons.footer_row.children) == 4
    else:
        assert any(len(row.children) == 4 and row.get_root_window() for row in buttons.rows)
    for outcome in ("called", "failed", "rate_limited"):
        buttons._show(outcome)
        h.settle()
        body = buttons.dialog.children[0]
        assert body.height <= h.window.height, (outcome, body.height)
        assert not overflowing(buttons.dialog) and not overfull_boxes(buttons.dialog), outcome
        buttons.close_dialog()
