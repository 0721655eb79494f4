"""Data sets for the booking-system model: the library's own rooms, and a large one for benchmarks.

The library (GLOSSARY): individual work spaces, group work spaces and the arts reading room
(Menų skaitykla) at the central library, with its opening hours and a few bookings of the day.
The large set (50 spaces, ~2,000 bookings a day) exists for `kiosk bench rooms-refresh`.
Both are built for a given day from a seeded random source, so runs repeat exactly.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.core.rooms.model import Booking, Category, CategoryRules, Location, Space
from simulators.models.rooms import RoomsDataset, WeeklyHours

LIBRARY_LID = 101
INDIVIDUAL_CID = 201
GROUP_CID = 202
ARTS_CID = 203

LIBRARY_HOURS: WeeklyHours = {
    **{day: (time(8, 0), time(20, 0)) for day in range(5)},
    5: (time(10, 0), time(18, 0)),
    6: (time(10, 0), time(16, 0)),
}

DEMO_PATRONS = (
    ("Ona", "Onaitė", "ona@example.lt"),
    ("Jonas", "Jonaitis", "jonas@example.lt"),
    ("Rūta", "Rūtienė", "ruta@example.lt"),
)


def library_dataset(day: date, tz: ZoneInfo, seed: int = 8) -> RoomsDataset:
    """The county library's bookable rooms, with a few bookings on `day`."""
    individual = CategoryRules(slot_minutes=30, max_booking_minutes=180, max_day_minutes=240)
    group = CategoryRules(slot_minutes=30, max_booking_minutes=120, max_day_minutes=180)
    arts = CategoryRules(
        slot_minutes=60, max_booking_minutes=180, max_day_minutes=180, max_bookings_per_day=1
    )
    categories = [
        Category(INDIVIDUAL_CID, LIBRARY_LID, "Individualaus darbo erdvės", individual),
        Category(GROUP_CID, LIBRARY_LID, "Grupinio darbo erdvės", group),
        Category(ARTS_CID, LIBRARY_LID, "Menų skaitykla", arts),
    ]
    spaces = [
        *(
            Space(301 + i, LIBRARY_LID, INDIVIDUAL_CID, f"Individuali erdvė {i + 1}", 1)
            for i in range(4)
        ),
        Space(311, LIBRARY_LID, GROUP_CID, "Grupinė erdvė A", 6),
        Space(312, LIBRARY_LID, GROUP_CID, "Grupinė erdvė B", 8),
        Space(313, LIBRARY_LID, GROUP_CID, "Grupinė erdvė C", 4),
        Space(321, LIBRARY_LID, ARTS_CID, "Menų skaitykla", 20),
    ]
    dataset = RoomsDataset(
        tz=tz,
        locations=[Location(LIBRARY_LID, "Centrinė biblioteka")],
        categories=categories,
        spaces=spaces,
        weekly_hours={LIBRARY_LID: LIBRARY_HOURS},
    )
    rng = random.Random(seed)
    span = LIBRARY_HOURS.get(day.weekday())
    if span is not None:
        for n, space in enumerate(spaces[::2]):
            hour = rng.randrange(span[0].hour, span[1].hour - 1)
            first, last, email = DEMO_PATRONS[n % len(DEMO_PATRONS)]
            start = datetime.combine(day, time(hour), tz)
            dataset.bookings.append(
                Booking(
                    f"cs_SEED{n:04d}",
                    space.id,
                    start,
                    start + timedelta(hours=1),
                    first_name=first,
                    last_name=last,
                    email=email,
                )
            )
    return dataset


def large_dataset(
    day: date, tz: ZoneInfo, spaces: int = 50, bookings: int = 2000, seed: int = 50
) -> RoomsDataset:
    """`spaces` rooms open 07:00–22:00 in 15-minute slots, with `bookings` one-slot bookings."""
    lid, slots_a_day = 1, 60
    if bookings > spaces * slots_a_day:
        raise ValueError(f"{bookings} bookings do not fit in {spaces} spaces")
    rules = CategoryRules(
        slot_minutes=15, max_booking_minutes=120, max_day_minutes=240, auto_cancel_minutes=0
    )
    cats = [Category(10 + c, lid, f"Kategorija {c + 1}", rules) for c in range(5)]
    rooms = [
        Space(1000 + i, lid, 10 + i % 5, f"Erdvė {i + 1:02d}", 2 + i % 6) for i in range(spaces)
    ]
    everyday = {d: (time(7, 0), time(22, 0)) for d in range(7)}
    dataset = RoomsDataset(tz, [Location(lid, "Didelė biblioteka")], cats, rooms, {lid: everyday})
    rng = random.Random(seed)
    opening = datetime.combine(day, time(7, 0), tz)
    for n, (room, slot) in enumerate(
        rng.sample([(r, s) for r in range(spaces) for s in range(slots_a_day)], bookings)
    ):
        start = opening + timedelta(minutes=15 * slot)
        dataset.bookings.append(
            Booking(
                f"cs_B{n:06d}",
                rooms[room].id,
                start,
                start + timedelta(minutes=15),
                first_name="Skaitytojas",
                last_name=str(n),
                email=f"reader{n}@example.lt",
            )
        )
    return dataset
