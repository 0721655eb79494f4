"""Paying fines through the touch app, end to end over real sockets (issue 14, "Done when"):
the app as `kiosk run` assembles it (kiosk.wiring.touch_app.assemble_app: the real core, the
pay flow and the payment desk from [payment_terminal]) runs in a child process on its own
Xvfb and is driven by touches; the ILS simulator (SIP2) and the ZVT terminal simulator (TCP)
run here, in the test process, and keep their own books.

1. A patron with fines pays them all on the screen; then an independent SIP2 client
   (`kiosk ils patron`, a fresh connection) sees the fee amount at zero, and the terminal's
   journal holds one approved payment of that amount. The patron prints the receipt: the
   printer simulator (ESC/POS over loopback TCP) prints the fees paid, the new balance and
   the terminal's cardholder lines.
2. A declined card (the simulator's "decline", armed through its control API by the child):
   the screen says declined beside the bank's own text, nothing is charged and the fine
   stays.
3. The library system refuses the payment (someone paid the same fine at the desk while the
   patron was at the terminal): the screen says the card was not charged, and the terminal
   simulator's journal shows the payment reversed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.cli import main
from simulators.ils.simulator import IlsSimulator
from simulators.models.payment_terminal import PaymentTerminalModel, Timings
from simulators.payment.app import PaymentSimulator
from simulators.printer.server import PrinterSimulator, SimulatorOptions

ROOT = Path(__file__).resolve().parents[2]
FINED, FINED_PIN = "2100000005", "5678"  # 3,00 € + 9,40 € (demo library)
SMALL, SMALL_PIN = "2100000008", "8901"  # 0,60 €

CHILD = r"""
import asyncio, contextlib, json, sys, tempfile
from pathlib import Path

from kiosk.demo.virtual_display import VirtualDisplay
from kiosk.settings.loader import load_settings
from kiosk.ui.boot import configure_kivy

settings = load_settings(Path(sys.argv[1]))
control_url = sys.argv[2]
display = VirtualDisplay(1080, 1920)
display.start()
home = tempfile.TemporaryDirectory(prefix="kiosk-kivy-")
configure_kivy(settings.ui, Path(home.name), headless=True)


async def visit(app, out, card, pin, key):
    from kiosk.demo.touches import find_button, flush_layout, tap as touch
    from kivy.core.window import Window
    from kiosk.ui.presenters.views import Screen

    async def until(ready, what, timeout_s=30.0):
        for _ in range(int(timeout_s / 0.05)):
            if ready():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{key}: never {what}: {app.state}")

    async def tap(name):
        transition = app.shell.screens.transition
        if transition.is_active:
            transition.stop()
        for layer in Window.children:
            flush_layout(layer)
        touch(find_button(app._top_layer(), name))
        await asyncio.sleep(0)

    async def keys(digits):
        for digit in digits:
            await tap(f"key:{digit}")
        await tap("key:ok")

    def on(screen, stage=None):
        state = app.state
        return state.screen is screen and (stage is None or state.view.stage == stage)

    await tap("start")
    await keys(card)
    await until(lambda: on(Screen.IDENTIFY) and app.state.view.card_seen, "asked for the PIN")
    await keys(pin)
    await until(lambda: on(Screen.CIRCULATION), "signed in")
    await tap("account")
    await until(lambda: on(Screen.ACCOUNT), "my account")
    seen = {"payment": app.state.view.payment, "fines": app.state.view.fines_total_cents}
    await tap("pay")
    await until(lambda: on(Screen.PAY, "choose"), "the fees")
    await tap("pay:all")
    seen["confirm"] = app.state.view.amount_cents
    stages = []
    def heard(state):
        view = state.view
        if state.screen is Screen.PAY:
            stages.append((view.stage, view.progress, view.terminal_text))
    app.port.subscribe(heard)  # every state the screen is given, not a sample of them
    await tap("pay:confirm")
    await until(lambda: app.state.view.stage == "outcome", "an outcome")
    app.port._listeners.remove(heard)
    pay = app.screens[Screen.PAY]
    view = app.state.view
    seen.update(outcome=view.outcome, balance=view.new_balance_cents, reference=view.reference,
                texts=[label.text for label in (pay.title, *pay.lines) if label.text],
                stages=sorted({s for s, _, _ in stages}),
                terminal_texts=sorted({t for _, _, t in stages if t}),
                receipt_choices=list(view.receipt_choices))
    if "print" in view.receipt_choices:
        await tap("pay:print")
        await until(lambda: app.state.view.receipt_done, "the receipt printed")
        seen["receipt_done"] = app.state.view.receipt_done
    await tap("pay:done")
    await until(lambda: on(Screen.ACCOUNT), "my account again")
    await until(lambda: app.state.view.fines_total_cents != seen["fines"]
                or seen["outcome"] != "paid", "the fines read afresh", 10)
    seen["fines_after"] = app.state.view.fines_total_cents
    await tap("done")
    await until(lambda: on(Screen.GOODBYE) or on(Screen.ATTRACT), "goodbye")
    if on(Screen.GOODBYE):
        await tap("finish")
    await until(lambda: on(Screen.ATTRACT), "the attract screen")
    out[key] = seen


async def main():
    from kiosk.wiring.touch_app import assemble_app
    from kivy.core.window import Window
    from simulators.control import ControlClient

    out = {}
    async with contextlib.AsyncExitStack() as stack:
        app, _kiosk = await assemble_app(settings, stack, speech=False)
        root = app.build()
        Window.add_widget(root)
        try:
            await visit(app, out, "2100000005", "5678", "paid")
            ControlClient(control_url).call("fault", name="decline", count=1)
            await visit(app, out, "2100000008", "8901", "declined")
            await visit(app, out, "2100000008", "8901", "refused")
        finally:
            app.close()
    print("RESULT " + json.dumps(out, ensure_ascii=False))


try:
    asyncio.run(main())
finally:
    display.stop()
    home.cleanup()
"""


class PaidAtTheDeskMeanwhile(PaymentTerminalModel):
    """The terminal simulator's model, plus a hook run as the Nth card dialogue begins: the
    library's own desk takes the same fine while the patron is at the card terminal."""

    def __init__(self, nth: int, meanwhile, **kwargs) -> None:
        super().__init__(**kwargs)
        self.nth, self.meanwhile, self.dialogues = nth, meanwhile, 0

    def begin(self, kind: str, amount_cents: int):
        self.dialogues += 1
        if self.dialogues == self.nth:
            self.meanwhile()
        return super().begin(kind, amount_cents)


@pytest.fixture
def sims() -> Iterator[tuple[IlsSimulator, PaymentSimulator]]:
    with IlsSimulator(encoding="utf-8", dialect="koha") as ils:
        library = ils.library

        def paid_at_the_desk() -> None:
            from datetime import datetime

            library.pay(SMALL, library.balance(SMALL), datetime.now(), fine_id=None)

        model = PaidAtTheDeskMeanwhile(3, paid_at_the_desk, password=123456)
        with PaymentSimulator(model, timings=Timings(0, 0, 0, 0.05)) as terminal:
            yield ils, terminal


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[PrinterSimulator]:
    options = SimulatorOptions(out_dir=tmp_path / "printed", port=0, pty=False, png=False)
    sim = PrinterSimulator(options).start()
    try:
        yield sim
    finally:
        sim.stop()


def config_for(tmp_path: Path, ils_port: int, terminal_url: str, printer_port: int) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""[kiosk]
data_dir = "{tmp_path / "var"}"

[ils]
host = "127.0.0.1"
port = {ils_port}
username = "kiosk1"
password = "demo"
institution = "AVB"
location = "ABONEMENTAS"
encoding = "utf-8"
timeout_s = 3.0
keepalive_s = 0

[payment_terminal]
url = "{terminal_url}"
password = 123456
hold_mode = "reversal"
ack_timeout_s = 2.0
completion_timeout_s = 10.0
connect_timeout_s = 2.0

[printer]
url = "tcp://127.0.0.1:{printer_port}"

[ui]
fullscreen = false
headphone_jack = "off"
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.timeout(240)
def test_fines_paid_declined_and_refused_through_the_touch_app(
    sims, printer, tmp_path, capsys
) -> None:
    ils, terminal = sims
    config = config_for(tmp_path, ils.port, terminal.tcp_url, printer.port)
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env["KIVY_NO_ARGS"] = env["KIVY_NO_CONSOLELOG"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(config), terminal.control.url],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=220,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-5000:]
    seen = json.loads(lines[-1].removeprefix("RESULT "))

    paid = seen["paid"]
    assert (paid["payment"], paid["fines"], paid["confirm"]) == ("offered", 1240, 1240)
    assert (paid["outcome"], paid["balance"], paid["fines_after"]) == ("paid", 0, 0)
    assert paid["texts"][:3] == [
        "Sumokėta. Ačiū!",
        "Sumokėta: 12,40 €",
        "Dabar jūs nieko neskolingi.",
    ]
    assert paid["stages"] == ["outcome", "recording", "terminal"]
    assert "Insert card" in paid["terminal_texts"]  # the terminal's own words, live
    assert paid["texts"][3].startswith("Mokėjimo nuoroda: ")
    assert main(["--config", str(config), "ils", "patron", FINED]) == 0
    assert json.loads(capsys.readouterr().out)["fee_amount"] == "0.00"  # a fresh SIP2 session

    declined = seen["declined"]
    assert (declined["outcome"], declined["fines_after"]) == ("declined", 60)
    assert declined["texts"][0] == "Mokėjimas atmestas."
    assert "nenuskaičiuoti" in declined["texts"][1]
    assert declined["texts"][-1] == "Declined by the card issuer"  # the bank's own words
    assert declined["receipt_choices"] == [] and "receipt_done" not in declined

    refused = seen["refused"]
    assert refused["outcome"] == "library_refused" and "recording" in refused["stages"]
    assert refused["texts"][0] == "Bibliotekos sistema mokėjimo nepriėmė."
    assert ils.library.balance(SMALL) == Decimal("0")  # paid at the desk, once

    journal = terminal.model.journal()
    assert [(e["state"], e["amount_cents"]) for e in journal] == [
        ("approved", 1240), ("reversed", 60)]  # fmt: skip
    assert terminal.model.totals()["amount_cents"] == 1240

    print_receipt = paid["receipt_choices"], paid["receipt_done"]
    assert print_receipt == (["print", "none"], "printed")
    (printed,) = sorted((tmp_path / "printed").glob("receipt-*.txt"))  # one receipt, once
    receipt = printed.read_text(encoding="utf-8")
    for line in (
        "Delspinigiai: Šarūnas",
        "Suma: 3,00 €",
        "Sugadinta knyga: Frank Kruk",
        "Suma: 9,40 €",
        "Iš viso sumokėta: 12,40 €",  # the fees paid
        "Dabar jūs nieko neskolingi.",  # the new balance
        "PAYMENT",
        "Terminal 52500001",
        "Visa",
        "EUR 12.40",
    ):  # the cardholder's copy
        assert line in receipt, receipt
    assert f"Mokėjimo nuoroda: {paid['reference']}" in receipt
    assert "******0005" in receipt and FINED not in receipt
