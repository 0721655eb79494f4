"""After a crash (kill -9, power cut): what to do with a payment saga found in the journal.
Pure: the orchestrator journals the saga this returns, then runs its commands and drives it
on with the usual events (saga.py's rules). Never talks to the terminal or the library system.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.core.payments.saga import FINAL, PaymentHold, Saga, State, entry_commands
from kiosk.core.payments.saga_messages import Command, Journalled

S = State


def recover(journalled: Saga) -> tuple[Saga, tuple[Command, ...]]:
    """What to do with a saga found in the journal after a crash (kill -9, power cut): the
    saga to journal and the commands to run; then drive it on with the usual events.

    Any answer the kiosk was waiting for is lost, and in the reversal mode the terminal's
    hold died with the authorise call, so the terminal has reversed an unconfirmed payment.
    A saga journalled in TO_STAFF tells staff again (its ToStaff may not have run)."""
    saga = journalled
    if saga.mode is PaymentHold.REVERSAL:
        saga = replace(saga, hold_alive=False)
    match saga.state:
        case S.TO_STAFF:  # the list is keyed by payment id: telling staff twice is harmless
            return saga, entry_commands(saga)
        case s if s in FINAL:
            return saga, ()
        case S.WRITTEN_AHEAD | S.AUTHORISING:  # no approval reached the kiosk (rule 5)
            return replace(saga, state=S.NOT_CHARGED), ()
        case S.AUTHORISED | S.REVERSING:
            return _enter(saga, S.REVERSING)
        case S.POSTING | S.CHECKING_ILS:
            return _enter(saga, S.CHECKING_ILS)
        case S.ILS_ACCEPTED | S.IN_DOUBT:
            return saga.apply(Journalled())
        case S.CONFIRMING if saga.mode is PaymentHold.PREAUTH:
            return _enter(saga, S.CONFIRMING)  # book again; a refusal goes to staff
        case _:  # CONFIRMING, reversal: did the confirmation reach the terminal? only it knows
            note = "recorded at the library system; the confirmation may not have reached it"
            return _enter(replace(saga, staff_note=note), S.TO_STAFF)


def _enter(saga: Saga, state: State) -> tuple[Saga, tuple[Command, ...]]:
    after = replace(saga, state=state)
    return after, entry_commands(after)
