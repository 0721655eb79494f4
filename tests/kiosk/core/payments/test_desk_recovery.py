"""Kill the payment at every journal write (just before it is durable, and just after) and
restart: start-up recovery must end each payment paid-and-recorded, or not charged, or on the
reconciliation list with the discrepancy named; never charged-but-not-recorded.

The "kill" is a BaseException from the journal, which nothing in the desk catches: the
process's state is gone, only the SQLite file and the simulators' state remain. The terminal
then does what a real one does when its link drops mid-dialogue: an approval the kiosk never
acknowledged is reversed."""

from __future__ import annotations

import pytest

from kiosk.core.payments.fees import PayAll
from kiosk.core.payments.saga import PaymentHold

FINED, PIN = "2100000005", "5678"


class Killed(BaseException):
    """The process died here."""


class DyingJournal:
    """The real journal, until write number `at` (1-based) kills the process."""

    def __init__(self, journal, at: int, after: bool) -> None:
        self.journal, self.at, self.after, self.writes = journal, at, after, 0

    async def write(self, entry) -> None:
        self.writes += 1
        if self.writes == self.at and not self.after:
            raise Killed
        await self.journal.write(entry)
        if self.writes == self.at:
            raise Killed

    def __getattr__(self, name):
        return getattr(self.journal, name)


def writes_of_a_clean_payment(world, mode) -> int:
    counting = DyingJournal(world.journal, at=0, after=False)
    world.run(world.desk(mode, journal=counting).pay(FINED, PIN, PayAll()))
    return counting.writes


def terminal_drops_the_link(model) -> None:
    for entry in model._s.journal:  # what the wire simulator does when the kiosk vanishes
        model.settle(entry, False)


@pytest.mark.parametrize("after", [False, True], ids=["before-write", "after-write"])
@pytest.mark.parametrize("mode", list(PaymentHold))
def test_a_kill_at_any_write_settles_on_restart(desk_world_factory, mode, after) -> None:
    total = writes_of_a_clean_payment(desk_world_factory(), mode)
    assert total >= 6
    for at in range(1, total + 1):
        world = desk_world_factory()
        dying = world.desk(mode, journal=DyingJournal(world.journal, at, after))
        with pytest.raises(Killed):
            world.run(dying.pay(FINED, PIN, PayAll()))
        terminal_drops_the_link(world.model)
        recovered = world.run(world.desk(mode).recover())
        records = world.journal.payments_on(world.clock.now().date())
        if not records:  # killed before the intent was durable: nothing may have started
            assert world.model.journal() == [] and world.owed_cents() == 1240, at
            continue
        (record,) = records
        paid_at_ils, booked = 1240 - world.owed_cents(), world.booked_cents()
        where = f"{mode} killed at write {at}/{total} ({'after' if after else 'before'})"
        assert record.state in ("paid", "reversed", "not_charged", "to_staff"), where
        assert booked <= paid_at_ils, f"charged but not recorded: {where}"
        if record.state == "paid":
            # preauth books what was recorded: after a crash between postings, only part
            assert booked == paid_at_ils == record.charged_cents > 0, where
        elif record.state in ("reversed", "not_charged"):
            assert booked == paid_at_ils == 0, where
        else:  # to_staff: recorded and not charged, named on the list with its numbers
            assert record.reason and record.receipt_number is not None, where
            assert record.recorded_cents == paid_at_ils, where
        assert [r.payment_id for r in recovered] in ([], [record.payment_id]), where
        assert not world.journal.open_entries_now(), where
        assert {e["state"] for e in world.model.journal()} <= {"approved", "booked", "reversed",
                                                                "released", "reserved"}  # fmt: skip
