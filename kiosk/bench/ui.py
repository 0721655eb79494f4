"""`kiosk bench ui-start` and `kiosk bench ui-idle`: the touch app's cold start and idle CPU.

Each run starts a fresh Python process (`python -m kiosk.demo.startup_probe`) on its own Xvfb
with the real core over an in-process ILS simulator (kiosk/demo/in_process.py), so the numbers
include importing Kivy, opening the window and building every screen, as a kiosk does at boot.

* ui-start: seconds from spawning the process to the first frame drawn (Window.on_flip), over
  `--runs` runs; compared with `--budget-s` (default 10 s).
* ui-memory: the app as `kiosk run` assembles it over the real core, against the simulator
  fleet of the configuration (started here, on free ports, in this process: their memory is
  not counted), driven through `--sessions` visits by taps while its loop draws frames
  (kiosk/bench/ui_memory_child.py: card and PIN, two books borrowed, My account and Renew
  all, the receipt printed every tenth visit, then the books returned without a card: two
  patron sessions a visit; the five languages in turn); resident memory after the first visit
  and every 100 sessions; growth after the 100th must stay under `--limit-mb` (5 MB).
  Needs a configuration with [ils] and [rfid] (`kiosk --config config/demo.toml bench
  ui-memory`). About 2-3.5 s a visit on a 2-core machine with software rendering.
* ui-idle: the app sits on the attract screen (the new-books strip turning every 20 s, the
  default [ui] new_books_turn_s); after a warm-up,
  the process's CPU time (user + system, its own threads) over `--seconds` (default 60) as a
  share of one core, against the target 2%. Printed beside it, what the CPU went to: frames
  actually drawn (one per turn of the strip, so about seconds / 20 are expected) and main-loop
  wakeups (capped at IDLE_FPS a second on the idle screen by kiosk/ui/boot.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

from kiosk.commands.common import CommandError, settings_from
from kiosk.settings import Settings
from kiosk.ui.boot import IDLE_FPS


def register(subparsers: argparse._SubParsersAction) -> None:
    memory = subparsers.add_parser(
        "ui-memory",
        help="touch app: resident memory over many scripted visits",
        description=__doc__,
    )
    memory.add_argument(
        "--sessions", type=int, default=1000, help="patron sessions to run (two a visit)"
    )
    memory.add_argument("--limit-mb", type=float, default=5.0, help="allowed growth after 100")
    memory.set_defaults(func=run_memory)
    start = subparsers.add_parser(
        "ui-start", help="touch app: cold start to the first frame", description=__doc__
    )
    start.add_argument("--runs", type=int, default=3, help="cold starts to time")
    start.add_argument("--budget-s", type=float, default=10.0, help="acceptable cold start")
    start.set_defaults(func=run_start)
    idle = subparsers.add_parser(
        "ui-idle", help="touch app: CPU use while idle on the attract screen", description=__doc__
    )
    idle.add_argument("--seconds", type=float, default=60.0, help="how long to measure")
    idle.add_argument("--warmup-s", type=float, default=5.0, help="settle time before measuring")
    idle.set_defaults(func=run_idle)


def _probe(mode: str, seconds: float, warmup_s: float) -> dict:
    argv = [sys.executable, "-m", "kiosk.demo.startup_probe", mode, str(seconds), str(warmup_s)]
    env = dict(os.environ, KIOSK_BENCH_SPAWNED=repr(time.time()))
    env.pop("DISPLAY", None)
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 900)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"probe failed ({done.returncode}): {done.stderr[-400:]}")
    return json.loads(lines[-1])


def run_memory(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    logging.getLogger().setLevel(logging.WARNING)  # the simulators' chatter: stdout is the JSON
    if settings.ils is None or settings.rfid is None:
        raise CommandError("ui-memory needs [ils] and [rfid] tables (config/demo.toml)", 2)
    probe = _memory_probe(settings, args.sessions)
    rss = {int(k): v for k, v in probe["rss_bytes"].items()}
    first, hundredth, last = rss[min(rss)], rss[min(100, args.sessions)], rss[args.sessions]
    growth_mb = (last - hundredth) / 2**20
    result = {
        "benchmark": "ui-memory",
        "sessions": args.sessions,
        "rss_mb_after_first_visit": round(first / 2**20, 1),
        "rss_mb_after_100": round(hundredth / 2**20, 1),
        "rss_mb_after_last": round(last / 2**20, 1),
        "growth_mb_after_100": round(growth_mb, 2),
        "limit_mb": args.limit_mb,
        "within_limit": growth_mb < args.limit_mb,
        "growth_mb_per_100": [
            round((rss[b] - rss[a]) / 2**20, 2) for a, b in pairwise(sorted(rss)[1:])
        ],
        "wall_s": round(probe["wall_s"], 1),
        "outbox_entries_done": probe["outbox"],
    }
    if probe.get("python_growth_after_100"):  # $KIOSK_BENCH_TRACEMALLOC
        result["python_growth_after_100"] = probe["python_growth_after_100"]
    print(json.dumps(result))
    return 0


def _memory_probe(settings: Settings, sessions: int) -> dict:
    """The simulators here, the app in a fresh process (kiosk/bench/ui_memory_child.py)."""
    from simulators.fleet import Fleet, FleetError, FleetOptions

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        where = Path(tmp)
        options = FleetOptions(any_ports=True, out_dir=where / "sim-printer", time_scale=0.0)
        try:
            fleet = Fleet(settings, options).start()
        except FleetError as exc:
            raise CommandError(str(exc), 2) from None
        try:
            (where / "settings.pickle").write_bytes(pickle.dumps(_isolated(fleet, where)))
            (where / "controls.json").write_text(json.dumps(fleet.controls()), encoding="utf-8")
            argv = [
                sys.executable, "-m", "kiosk.bench.ui_memory_child",
                str(where / "settings.pickle"), str(where / "controls.json"), str(sessions),
            ]  # fmt: skip
            env = dict(os.environ)
            env.pop("DISPLAY", None)
            done = subprocess.run(argv, env=env, capture_output=True, text=True)
        finally:
            fleet.stop()
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    probe = json.loads(lines[-1]) if lines else {}
    if done.returncode != 0 or "rss_bytes" not in probe:
        why = probe.get("error") or done.stderr[-600:]
        raise CommandError(f"ui-memory: the visits failed ({done.returncode}): {why}", 1)
    return probe


def _isolated(fleet, where: Path) -> Settings:
    """The fleet's settings with a fresh data directory and /metrics on a free port."""
    settings = fleet.kiosk_settings()
    changes: dict = {"kiosk": settings.kiosk.model_copy(update={"data_dir": str(where / "data")})}
    if settings.metrics is not None and settings.metrics.enabled:
        changes["metrics"] = settings.metrics.model_copy(update={"listen": "127.0.0.1:0"})
    return settings.model_copy(update=changes)


def run_start(args: argparse.Namespace) -> int:
    starts = [_probe("start", 0.0, 0.0)["first_frame_s"] for _ in range(args.runs)]
    result = {
        "benchmark": "ui-start",
        "runs": args.runs,
        "first_frame_s": [round(s, 3) for s in starts],
        "median_s": round(statistics.median(starts), 3),
        "budget_s": args.budget_s,
        "within_budget": statistics.median(starts) <= args.budget_s,
    }
    print(json.dumps(result))
    return 0


def run_idle(args: argparse.Namespace) -> int:
    probe = _probe("idle", args.seconds, args.warmup_s)
    share = probe["cpu_s"] / probe["wall_s"]
    result = {
        "benchmark": "ui-idle",
        "wall_s": round(probe["wall_s"], 2),
        "cpu_s": round(probe["cpu_s"], 3),
        "cpu_share_of_one_core": round(share, 4),
        "target": 0.02,
        "meets_target": share < 0.02,
        "frames_drawn": probe["frames"],
        "frames_expected": int(probe["wall_s"] // 20) + 1,
        "loop_wakeups": probe["wakeups"],
        "loop_wakeups_per_s": round(probe["wakeups"] / probe["wall_s"], 2),
        "idle_fps": IDLE_FPS,
        "cpu_per_drawn_frame_s": round(probe["cpu_s"] / max(1, probe["frames"]), 3),
        "renderer": probe["renderer"],
    }
    print(json.dumps(result))
    return 0
