"""What a compartment is for, as a table: free, being loaded, holding a patron's items,
being emptied by the patron or by staff, expired, or needing staff.

Rules:
- FREE --load started--> LOADING --door closed, item seen--> HELD
- HELD --load started (same patron)--> LOADING; an abandoned load goes back to FREE, or to
  HELD when the compartment already holds that patron's items
- HELD --code or card accepted--> PICKUP --door closed, empty--> FREE
- HELD --deadline passed--> EXPIRED --staff opens expired--> RETRIEVING --closed, empty--> FREE
- PICKUP or RETRIEVING --closed but still occupied--> NEEDS_STAFF --staff cleared--> FREE
- PICKUP --door jammed--> HELD (a new code is issued); RETRIEVING --door jammed--> EXPIRED
Any pair not in TABLE raises IllegalTransition. Pure.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.core.lockers.doors import IllegalTransition


class Use(StrEnum):
    FREE = "free"
    LOADING = "loading"
    HELD = "held"
    PICKUP = "pickup"
    EXPIRED = "expired"
    RETRIEVING = "retrieving"
    NEEDS_STAFF = "needs_staff"


class UseEvent(StrEnum):
    LOAD_STARTED = "load_started"
    LOAD_CONFIRMED = "load_confirmed"
    LOAD_ABANDONED = "load_abandoned"
    LOAD_ABANDONED_KEEPING = "load_abandoned_keeping"
    PICKUP_STARTED = "pickup_started"
    DEADLINE_PASSED = "deadline_passed"
    RETRIEVAL_STARTED = "retrieval_started"
    EMPTIED = "emptied"
    LEFT_BEHIND = "left_behind"
    STAFF_CLEARED = "staff_cleared"
    RELEASE_FAILED = "release_failed"


U, V = Use, UseEvent
TABLE: dict[tuple[Use, UseEvent], Use] = {
    (U.FREE, V.LOAD_STARTED): U.LOADING,
    (U.HELD, V.LOAD_STARTED): U.LOADING,
    (U.LOADING, V.LOAD_CONFIRMED): U.HELD,
    (U.LOADING, V.LOAD_ABANDONED): U.FREE,
    (U.LOADING, V.LOAD_ABANDONED_KEEPING): U.HELD,
    (U.HELD, V.PICKUP_STARTED): U.PICKUP,
    (U.HELD, V.DEADLINE_PASSED): U.EXPIRED,
    (U.EXPIRED, V.RETRIEVAL_STARTED): U.RETRIEVING,
    (U.PICKUP, V.EMPTIED): U.FREE,
    (U.PICKUP, V.LEFT_BEHIND): U.NEEDS_STAFF,
    (U.RETRIEVING, V.EMPTIED): U.FREE,
    (U.RETRIEVING, V.LEFT_BEHIND): U.NEEDS_STAFF,
    (U.NEEDS_STAFF, V.STAFF_CLEARED): U.FREE,
    (U.PICKUP, V.RELEASE_FAILED): U.HELD,
    (U.RETRIEVING, V.RELEASE_FAILED): U.EXPIRED,
}


def next_use(use: Use, event: UseEvent) -> Use:
    try:
        return TABLE[(use, event)]
    except KeyError:
        raise IllegalTransition(f"compartment {use.value} cannot take {event.value}") from None
