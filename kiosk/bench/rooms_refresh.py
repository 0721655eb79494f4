"""`kiosk bench rooms-refresh`: how long the rooms cache refresh takes, and how many requests.

Runs the LibCal simulator in-process on loopback with a large library (default 50 spaces,
2,000 bookings a day), refreshes an empty cache (cold: everything) and then refreshes again
(warm: today's availability and bookings only), and times what the screens wait for (a cache
snapshot). Prints one JSON object comparing the requests counted by the client and by the
simulator with the number the refresh design calls for, computed from the same parameters:

  cold  = token + locations + categories + category items + ceil(S/ids) item details
          + hours + ceil(S/ids) availability + (floor(B/limit) + 1) booking pages
  warm  = ceil(S/ids) availability + (floor(B/limit) + 1) booking pages

and the warm refresh time with the refresh interval it has to fit in.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from backend_sync.rooms.cache import RoomsCache
from backend_sync.rooms.libcal_client import LibCalClient
from backend_sync.rooms.sync import CachedRooms
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import large_dataset
from simulators.rooms.server import LibCalSimulator


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rooms-refresh",
        help="rooms cache refresh: time and HTTP requests for a large library",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--spaces", type=int, default=50, help="bookable spaces")
    parser.add_argument("--bookings", type=int, default=2000, help="bookings a day")
    parser.add_argument("--page-limit", type=int, default=500, help="bookings per page (≤ 500)")
    parser.add_argument("--ids-per-request", type=int, default=50, help="space ids per request")
    parser.add_argument("--rounds", type=int, default=5, help="warm refreshes to time")
    parser.add_argument("--refresh-s", type=float, default=60.0, help="the refresh interval")
    parser.set_defaults(func=run)


def expected_requests(spaces: int, bookings: int, page_limit: int, ids: int) -> dict[str, int]:
    item_requests = math.ceil(spaces / ids)
    pages = bookings // page_limit + 1
    return {"cold": 4 + item_requests + 1 + item_requests + pages, "warm": item_requests + pages}


def run(args: argparse.Namespace) -> int:
    tz = ZoneInfo("Europe/Vilnius")
    now = datetime(2026, 11, 25, 6, 30, tzinfo=tz)  # before opening: every slot of the day counts
    model = RoomsModel(large_dataset(now.date(), tz, args.spaces, args.bookings), SimClock(tz, now))
    sim = LibCalSimulator(model).start()
    client = LibCalClient(
        sim.url,
        "kiosk",
        "demo",
        tz=tz,
        page_limit=args.page_limit,
        ids_per_request=args.ids_per_request,
    )
    with tempfile.TemporaryDirectory() as tmp:
        rooms = CachedRooms(client, RoomsCache(Path(tmp) / "rooms.sqlite"))
        try:
            result = _measure(rooms, client, sim, now, args)
        finally:
            rooms.cache.close()
            client.close()
            sim.stop()
    print(json.dumps(result))
    return 0


def _measure(rooms: CachedRooms, client: LibCalClient, sim: LibCalSimulator, now, args) -> dict:
    expected = expected_requests(args.spaces, args.bookings, args.page_limit, args.ids_per_request)
    started = time.perf_counter()
    cold = rooms.refresh(now, full=True)
    cold_s = time.perf_counter() - started
    cold_requests, cold_served = client.requests_made, sum(sim.requests.values())
    warm_times, warm_requests = [], []
    for _ in range(max(1, args.rounds)):
        before = client.requests_made
        started = time.perf_counter()
        warm = rooms.refresh(now)
        warm_times.append(time.perf_counter() - started)
        warm_requests.append(client.requests_made - before)
    snapshot_times = []
    for _ in range(5):
        started = time.perf_counter()
        snap = rooms.snapshot(now)
        snapshot_times.append(time.perf_counter() - started)
    warm_s = statistics.median(warm_times)
    return {
        "benchmark": "rooms-refresh",
        "spaces": args.spaces,
        "bookings": args.bookings,
        "cached_bookings": len(snap.bookings),
        "cold_ok": cold.ok,
        "cold_s": round(cold_s, 4),
        "cold_requests": cold_requests,
        "cold_requests_served": cold_served,
        "cold_requests_expected": expected["cold"],
        "cold_rows_written": cold.rows_written,
        "warm_ok": warm.ok,
        "warm_s_median": round(warm_s, 4),
        "warm_requests": max(warm_requests),
        "warm_requests_expected": expected["warm"],
        "warm_rows_written": warm.rows_written,
        "snapshot_s_median": round(statistics.median(snapshot_times), 4),
        "requests_match_model": cold_requests == expected["cold"]
        and max(warm_requests) == expected["warm"],
        "refresh_interval_s": args.refresh_s,
        "warm_share_of_interval": round(warm_s / args.refresh_s, 4),
    }
