"""Which compartment a new load goes into. Pure.

Order of preference:
1. a compartment already holding this patron's items, when it fits (one door, one code);
2. a free compartment that fits, the smallest size first (keep big doors for big items);
3. among those, for a patron who needs a low compartment only low ones (floor at or below
   ``low_height_cm``); for everyone else the high ones first, to keep low ones free;
4. then the lowest number, so the choice is predictable for staff.
Out-of-service compartments are never chosen.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from kiosk.core.lockers.lifecycle import Use
from kiosk.core.lockers.model import SIZES, CompartmentSpec, fits


def choose_compartment(
    specs: Collection[CompartmentSpec],
    uses: Mapping[int, Use],
    holders: Mapping[int, str],
    patron_id: str,
    item_size: str,
    needs_low: bool,
    low_height_cm: int,
    out_of_service: Collection[int] = (),
) -> int | None:
    def usable(spec: CompartmentSpec) -> bool:
        if spec.id in out_of_service or not fits(spec.size, item_size):
            return False
        return not needs_low or spec.height_cm <= low_height_cm

    candidates = [spec for spec in specs if usable(spec)]
    own = [s for s in candidates if uses.get(s.id) == Use.HELD and holders.get(s.id) == patron_id]
    if own:
        return min(own, key=lambda s: s.id).id
    free = [s for s in candidates if uses.get(s.id, Use.FREE) == Use.FREE]
    if not free:
        return None

    def preference(spec: CompartmentSpec) -> tuple[int, int, int]:
        is_low = spec.height_cm <= low_height_cm
        return (SIZES.index(spec.size), int(is_low and not needs_low), spec.id)

    return min(free, key=preference).id
