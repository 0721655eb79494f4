"""`kiosk bench ui-start` and `kiosk bench ui-idle`: the touch app's cold start and idle CPU.

Each run starts a fresh Python process (``python -m kiosk.ui.startup_probe``) on its own Xvfb
with the scripted demo session, so the numbers include importing Kivy, opening the window and
building every screen, as a kiosk does at boot.

* ui-start: seconds from spawning the process to the first frame drawn (Window.on_flip), over
  ``--runs`` runs; compared with ``--budget-s`` (default 10 s).
* ui-memory: ``--sessions`` scripted visits (card, PIN, four items, account, Renew all,
  receipt, goodbye) through the app's intents with layout and text rendering but no drawing;
  resident memory after the 1st, 100th and last visit; growth after the 100th must stay under
  ``--limit-mb`` (5 MB).
* ui-idle: the app sits on the attract screen (the new-books strip turning every 20 s, the
  default [ui] new_books_turn_s); after a warm-up,
  the process's CPU time (user + system, its own threads) over ``--seconds`` (default 60) as a
  share of one core, against the target 2%. Printed beside it, what the CPU went to: frames
  actually drawn (one per turn of the strip, so about seconds / 20 are expected) and main-loop
  wakeups (capped at IDLE_FPS a second on the idle screen by kiosk/ui/boot.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from kiosk.ui.boot import IDLE_FPS


def register(subparsers: argparse._SubParsersAction) -> None:
    memory = subparsers.add_parser(
        "ui-memory",
        help="touch app: resident memory over many scripted visits",
        description=__doc__,
    )
    memory.add_argument("--sessions", type=int, default=1000, help="scripted visits to run")
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
    argv = [sys.executable, "-m", "kiosk.ui.startup_probe", mode, str(seconds), str(warmup_s)]
    env = dict(os.environ, KIOSK_BENCH_SPAWNED=repr(time.time()))
    env.pop("DISPLAY", None)
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 900)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"probe failed ({done.returncode}): {done.stderr[-400:]}")
    return json.loads(lines[-1])


def run_memory(args: argparse.Namespace) -> int:
    probe = _probe("memory", float(args.sessions), 0.0)
    rss = {int(k): v for k, v in probe["rss_bytes"].items()}
    first, hundredth, last = rss[1], rss[min(100, args.sessions)], rss[args.sessions]
    growth_mb = (last - hundredth) / 2**20
    result = {
        "benchmark": "ui-memory",
        "sessions": args.sessions,
        "rss_mb_after_1": round(first / 2**20, 1),
        "rss_mb_after_100": round(hundredth / 2**20, 1),
        "rss_mb_after_last": round(last / 2**20, 1),
        "growth_mb_after_100": round(growth_mb, 2),
        "limit_mb": args.limit_mb,
        "within_limit": growth_mb < args.limit_mb,
    }
    print(json.dumps(result))
    return 0


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
        "loop_wakeups_cap": int(probe["wall_s"] * IDLE_FPS),
        "cpu_per_drawn_frame_s": round(probe["cpu_s"] / max(1, probe["frames"]), 3),
        "renderer": probe["renderer"],
    }
    print(json.dumps(result))
    return 0
