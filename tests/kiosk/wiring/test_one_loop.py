"""One event loop: the kiosk's synchronous parts reach it only through kiosk/wiring/loop_bridge.py,
and only entry points (commands, benchmarks, the demo harness) start a loop with asyncio.run."""

from __future__ import annotations

import ast
import asyncio
import threading
from pathlib import Path

import pytest

from kiosk.wiring.loop_bridge import LoopBridge

ROOT = Path(__file__).resolve().parents[3]
LOOP_MAKERS = {"new_event_loop", "run_coroutine_threadsafe", "run_until_complete"}
ENTRY_POINTS = ("kiosk/commands/", "kiosk/bench/", "kiosk/demo/")
THE_BRIDGE = "kiosk/wiring/loop_bridge.py"


def loop_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            owner = getattr(node.func.value, "id", "")
            if name in LOOP_MAKERS or (name == "run" and owner == "asyncio"):
                found.append(f"{owner}.{name} (line {node.lineno})")
    return found


def test_only_the_bridge_and_the_entry_points_touch_loops() -> None:
    offenders = {}
    for package in ("kiosk", "device_drivers", "backend_sync"):
        for path in sorted((ROOT / package).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            if module == THE_BRIDGE or module.startswith(ENTRY_POINTS):
                continue
            if found := loop_calls(path):
                offenders[module] = found
    assert offenders == {}, f"go through kiosk/wiring/loop_bridge.py: {offenders}"


def test_the_scan_sees_the_bridge() -> None:
    assert loop_calls(ROOT / THE_BRIDGE), "the scan must find the bridge's own loop calls"


async def answer(value: int) -> tuple[int, str]:
    await asyncio.sleep(0)
    return value, threading.current_thread().name


def test_a_worker_thread_runs_a_coroutine_on_the_loop() -> None:
    bridge = LoopBridge.own_loop("t")
    try:
        value, thread = bridge.run(answer(7))
        assert (value, thread) == (7, "loop-t")
    finally:
        bridge.close()
    assert bridge.loop.is_closed()


def test_run_on_the_loops_own_thread_refuses_instead_of_hanging() -> None:
    async def main() -> None:
        bridge = LoopBridge.of_running_loop()
        with pytest.raises(RuntimeError, match="own thread"):
            bridge.run(answer(1))
        # from a worker thread of that loop it works
        assert (await asyncio.to_thread(bridge.run, answer(2)))[0] == 2
        bridge.close()  # not its loop: nothing stops
        assert asyncio.get_running_loop().is_running()

    asyncio.run(main())


def test_a_coroutine_past_its_time_is_cancelled() -> None:
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    bridge = LoopBridge.own_loop("slow", timeout_s=0.05)
    try:
        with pytest.raises(TimeoutError):
            bridge.run(forever())
        assert cancelled.wait(5)
    finally:
        bridge.close()
