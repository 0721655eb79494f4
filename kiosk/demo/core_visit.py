"""The autopilot against the REAL kiosk: `kiosk demo --autopilot DIR` with the simulator fleet.

The app runs on the core that kiosk.wiring.assembly.build_kiosk assembles (SIP2 to the ILS
simulator, the
FEIG driver on the RFID simulator, the ESC/POS printer simulator, the locker bank simulator);
only the patron's hands are simulated: touches on the app's own buttons, books laid on the
pad and doors closed through the simulators' control APIs, and the locker load done by staff
through the locker service (its pickup code taken from the notifier on its way out). The
visit, once per language: card and PIN, a stack borrowed, a language switch, my account with
Renew all, the core's idle warning (its clock moved on) and "extend my time", the printed
receipt, goodbye; the same books returned without login, the receipt by e-mail (typed on the
Lithuanian keyboard, kept by the mail catcher simulator); a locker pickup by door code and the
door closed; the staff screen (a staff card and the staff PIN), a printer test, its tabs.

Imported only after kiosk/ui/boot.configure_kivy (it imports Kivy through step_runner).
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from kiosk.core.circulation.session import Activity, LineStatus, State
from kiosk.core.clock import wall_time
from kiosk.core.lockers.service import LoadStarted
from kiosk.demo.autopilot import Step
from kiosk.demo.step_runner import NEXT_FRAME, AutopilotRun, WaitFor
from kiosk.ui.presenters.views import PickupView, Screen, StaffView

PATRON, PIN = "2100000001", "1234"  # simulators/ils/data/demo_library.json
STACK = ("9786090100011", "9786090100042")  # on the shelf: Metai, Kurmelis
HELD_HERE = "9786090100257"  # on loan to Ona, held for Žygimantas at KNYGOMATAS-1
# config/demo.toml [circulation] staff_card_pattern; its PIN is checked at the ILS simulator
# (demo_library.json) and is also the demo's offline technician PIN (staff_pin_hash)
STAFF_CARD, STAFF_PIN = "9900000001", "4321"
EMAIL = ("o", "n", "a", "@", "p", "a", "s", "t", "a", "s", ".lt")  # the e-mail keyboard's keys
LOCKER_STAFF, LOCKER_STAFF_PIN = "2100000007", "7890"  # [lockers] staff_card_pattern


class Controller(Protocol):
    """A simulator's control API (simulators.control.ControlClient, by simulator name:
    `kiosk demo` hands its fleet's in, kiosk/demo/autopilot.py starts a fleet otherwise)."""

    def call(self, action: str, **params: Any) -> Any: ...


class OffsetClock:
    """The core's clock, with monotonic time that the autopilot can move on (the idle
    warning without waiting a minute); wall time stays true (due dates, receipts)."""

    def __init__(self, zone: str | None = None) -> None:
        self.offset = 0.0
        self._wall = wall_time(zone)  # the library's zone, as SystemClock reads it

    def now(self) -> datetime:
        return self._wall()

    def monotonic(self) -> float:
        return time.monotonic() + self.offset


class CodeCatcher:
    """The locker notifier, passed through, keeping the last pickup code for the autopilot
    (the patron would read it from the e-mail)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.codes: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def send_pickup_code(self, notice: Any) -> Any:
        self.codes.append(notice.code)
        return self.inner.send_pickup_code(notice)


class CoreAutopilotRun(AutopilotRun):
    def __init__(
        self,
        settings: Any,
        kiosk: Any,
        controls: dict[str, Controller],
        clock: OffsetClock,
        out_dir: Path,
        languages: tuple[str, ...],
    ) -> None:
        super().__init__(settings, out_dir, languages, kiosk.port)
        self.kiosk = kiosk
        self.clock = clock
        self.rfid = controls["rfid"]
        self.locks = controls.get("lockers")
        self.catcher: CodeCatcher | None = None
        if kiosk.lockers is not None:
            self.catcher = CodeCatcher(kiosk.lockers.service.notifier)
            kiosk.lockers.service.notifier = self.catcher
        self.loaded: list[int] = []
        self.ils = controls["ils"]

    # -- what the core is doing -------------------------------------------------------------

    def core(self, *states: State) -> WaitFor:
        view = lambda: self.kiosk.service.view  # noqa: E731
        return WaitFor(f"the core in {states}", lambda: view().state in states)

    def lines_done(self, count: int) -> WaitFor:
        def ready() -> bool:
            lines = self.kiosk.service.view.lines
            return len(lines) >= count and all(x.status is not LineStatus.WORKING for x in lines)

        return WaitFor(f"{count} items handled", ready)

    def screen(
        self,
        screen: Screen,
        test: Callable[[Any], bool] = lambda _: True,
        timeout_s: float = 20,
        required: bool = True,
    ) -> WaitFor:
        def ready() -> bool:
            state = self.app.state
            return state is not None and state.screen is screen and bool(test(state.view))

        return WaitFor(f"the {screen} screen", ready, timeout_s, required)

    def renewed(self) -> WaitFor:
        def ready() -> bool:
            lines = [x for x in self.kiosk.service.view.lines if x.activity is Activity.ACCOUNT]
            return bool(lines) and all(x.status is not LineStatus.WORKING for x in lines)

        return WaitFor("the renewals", ready)

    def warning(self, shown: bool) -> WaitFor:
        """The core's warning, and the app's dialog showing it (or both gone)."""

        def ready() -> bool:
            core = self.kiosk.service.view.warning_s is not None
            dialog = self.app.timeout_dialog.parent is not None
            return core is shown and dialog is shown

        return WaitFor("the idle warning", ready)

    # -- the simulated world ----------------------------------------------------------------

    def reset_library(self) -> None:
        """The library as loaded, so each language's visit starts from the same loans and
        holds (the held book is on loan again, ready to be checked in and loaded)."""
        self.ils.call("reset")

    def lay_stack(self) -> None:
        for item in STACK:
            self.rfid.call("place", item=item)

    def clear_pad(self) -> None:
        self.rfid.call("remove", all=True)

    def idle_until_warning(self) -> None:
        self.clock.offset += self.settings.circulation.idle_warn_s + 1

    def start_loading_locker(self) -> None:
        """Staff load the next held book through the locker service, in a worker thread:
        the locker logic asks the ILS on the app's loop (kiosk/wiring/loop_bridge.py), so it
        must never run on that loop's own thread. ``locker_loaded`` waits for it."""
        worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="demo-locker")
        self._loading = worker.submit(self.load_locker)
        worker.shutdown(wait=False)

    def locker_loaded(self) -> WaitFor:
        def ready() -> bool:
            loading = getattr(self, "_loading", None)
            if loading is None or not loading.done():
                return False
            try:
                loading.result()
            except LookupError as error:
                print(f"step locker: {error}")
            return True

        return WaitFor("the locker loaded", ready)

    def load_locker(self) -> None:
        """The door opens, the book goes in, the door closes, the patron's code is issued."""
        runner, locks = self.kiosk.lockers, self.locks
        staff = runner.call(lambda s, _now: s.staff_login(LOCKER_STAFF, LOCKER_STAFF_PIN))
        item = HELD_HERE
        started = runner.call(lambda s, now: s.start_load(staff, item, now))
        if not isinstance(started, LoadStarted):
            raise LookupError(f"loading {item} was refused: {started}")
        compartment = started.compartment
        runner.poll_once()
        locks.call("put_item", compartment=compartment)
        locks.call("close_door", compartment=compartment)
        runner.poll_once()
        self.loaded.append(compartment)

    def typed(self, keys: tuple[str, ...]) -> tuple[Callable[[], None], ...]:
        return tuple(self.tap(f"key:{key}") for key in keys)

    def type_code(self) -> None:
        assert self.catcher is not None and self.catcher.codes, "no pickup code was issued"
        for digit in self.catcher.codes[-1]:
            self.press(f"key:{digit}")
        self.press("key:ok")

    def take_and_close(self) -> None:
        compartment = self.loaded[-1]
        self.kiosk.lockers.poll_once()  # the door is seen open: the loan is made
        self.locks.call("take_items", compartment=compartment)
        self.locks.call("close_door", compartment=compartment)

    def test_printer(self) -> None:
        view = self.app.state.view if self.app.state else None
        rows = [d.device for d in view.devices] if isinstance(view, StaffView) else []
        if "printer" not in rows:
            raise LookupError("no printer row on the staff screen")
        self.press("row:action", index=rows.index("printer"))

    # -- the visit --------------------------------------------------------------------------

    def steps(self, language: str) -> list[Step]:
        other = "en" if language != "en" else "lt"
        tap, keys = self.tap, self.keys
        idle, working, receipt = State.IDLE, State.WORKING, State.RECEIPT
        steps = [
            Step(
                "attract",
                (self.reset_library, lambda: self.app.set_language(language)),
                Screen.ATTRACT,
            ),
            Step("identify-card", (tap("start"),), Screen.IDENTIFY),
            Step(
                "identify-pin",
                (*keys(PATRON, "ok"), self.core(State.AWAITING_PIN), NEXT_FRAME),
                Screen.IDENTIFY,
            ),
            Step("pin-typed", keys(PIN[:2]), Screen.IDENTIFY),
            Step(
                "borrow-empty",
                (*keys(PIN[2:], "ok"), self.core(working), self.screen(Screen.CIRCULATION)),
                Screen.CIRCULATION,
            ),
            Step(
                "borrow-stack",
                (self.lay_stack, self.lines_done(len(STACK)), NEXT_FRAME),
                Screen.CIRCULATION,
            ),
            Step(f"language-{other}", (tap(f"language:{other}"),), Screen.CIRCULATION),
            Step("account", (tap("account"), self.screen(Screen.ACCOUNT)), Screen.ACCOUNT),
            Step(
                "renew-all",
                (tap("renew_all"), self.renewed(), NEXT_FRAME),
                Screen.ACCOUNT,
            ),
            Step(
                "timeout-warning",
                (self.idle_until_warning, self.warning(True), NEXT_FRAME),
                Screen.ACCOUNT,
            ),
            Step("timeout-extended", (tap("extend"), self.warning(False)), Screen.ACCOUNT),
            Step(
                "receipt-choice",
                (tap(f"language:{language}"), NEXT_FRAME, tap("done"), self.core(receipt)),
                Screen.RECEIPT,
            ),
            Step(
                "goodbye",
                (tap("receipt:print"), self.screen(Screen.GOODBYE)),
                Screen.GOODBYE,
            ),
            Step("back-to-attract", (tap("finish"), self.clear_pad), Screen.ATTRACT),
        ]
        return [*steps, *self.return_steps(language), *self.locker_steps(language, idle)]

    def return_steps(self, language: str) -> list[Step]:
        tap = self.tap
        return [
            Step(
                "return-books",
                (
                    tap(f"language:{language}"),
                    tap("return"),
                    self.core(State.RETURNS),
                    self.lay_stack,
                    self.lines_done(len(STACK)),
                    NEXT_FRAME,
                ),
                Screen.CIRCULATION,
            ),
            Step("return-done", (tap("done"), self.core(State.RECEIPT)), Screen.RECEIPT),
            Step(
                "return-email",
                (tap("receipt:email"), NEXT_FRAME, *self.typed(EMAIL)),
                Screen.RECEIPT,
            ),
            Step(
                "return-goodbye",
                (tap("email:send"), self.screen(Screen.GOODBYE), self.clear_pad),
                Screen.GOODBYE,
            ),
        ]

    def locker_steps(self, language: str, idle: State) -> list[Step]:
        tap, keys = self.tap, self.keys
        opened = self.screen(
            Screen.PICKUP, lambda v: isinstance(v, PickupView) and (v.stage != "code" or v.error)
        )
        closed = self.screen(
            Screen.PICKUP, lambda v: isinstance(v, PickupView) and v.stage == "closed"
        )
        steps = []
        if self.kiosk.lockers is not None:
            steps = [
                Step(
                    "pickup-code",
                    (
                        tap("finish"),
                        self.core(idle),
                        self.start_loading_locker,
                        self.locker_loaded(),
                        NEXT_FRAME,
                        tap(f"language:{language}"),
                        tap("pickup"),
                    ),
                    Screen.PICKUP,
                ),
                Step("pickup-open", (self.type_code, opened, NEXT_FRAME), Screen.PICKUP),
                Step("pickup-closed", (self.take_and_close, closed), Screen.PICKUP),
                Step("pickup-done", (tap("cancel"),), Screen.ATTRACT),
            ]
        # the printer's row appears with its first health report (the probes, [metrics])
        staff = self.screen(
            Screen.STAFF,
            lambda v: "printer" in [d.device for d in v.devices],
            timeout_s=5,
            required=False,
        )
        return [
            *steps,
            Step(
                "staff-pin",
                (
                    tap(f"language:{language}"),
                    NEXT_FRAME,
                    tap("start"),
                    NEXT_FRAME,
                    *keys(STAFF_CARD, "ok"),
                    self.core(State.AWAITING_PIN),
                    NEXT_FRAME,
                ),
                Screen.IDENTIFY,
            ),
            Step(
                "staff-devices",
                (*keys(STAFF_PIN, "ok"), self.core(State.STAFF), staff),
                Screen.STAFF,
            ),
            Step("staff-test-printer", (self.test_printer, NEXT_FRAME), Screen.STAFF),
            Step("staff-lockers", (tap("tab:lockers"),), Screen.STAFF),
            Step("staff-outbox", (tap("tab:outbox"),), Screen.STAFF),
            Step("staff-settings", (tap("tab:settings"),), Screen.STAFF),
            Step("end", (tap("leave"), self.core(idle)), Screen.ATTRACT),
        ]


async def drive(
    settings: Any,
    out_dir: Any,
    languages: tuple[str, ...],
    controls: dict[str, Controller],
    build_kiosk: Callable[..., Any],
) -> list:
    """The visit against the kiosk ``build_kiosk`` (kiosk.wiring.assembly's, handed in by `kiosk
    demo`: the UI never imports the composition) assembles on this loop."""
    clock = OffsetClock(settings.kiosk.timezone)
    async with build_kiosk(settings, clock=clock) as kiosk:
        run = CoreAutopilotRun(settings, kiosk, controls, clock, out_dir, languages)
        return await run.run_async()
