"""The locker service on an in-process bank: load, notify, pickup, free, and every refusal."""

from datetime import timedelta
from typing import Any

from kiosk.core.lockers.model import AlarmKind
from kiosk.core.lockers.service import LoadStarted, Opened, Refused

Bank = Any  # conftest.Bank: an in-process bank with stand-in ILS and notifier


def kinds(bank: Bank) -> list[str]:
    return [alarm.kind.value for alarm in bank.service.alarms.active()]


def test_full_cycle_load_notify_pickup_free(bank: Bank) -> None:
    comp = bank.load("I1", "P1")
    assert bank.service.overview()[comp]["use"] == "held"
    [notice] = bank.mail.notices
    assert notice.compartments == (comp,) and notice.patron_id == "P1"
    assert len(notice.code) == 6 and notice.titles == ("Title I1",)
    opened = bank.service.pickup_by_code(notice.code, bank.now)
    assert opened == Opened((comp,))
    bank.tick()
    assert bank.ils.checkouts == [("P1", "I1")]
    bank.model.take_items(comp)
    bank.model.close_door(comp)
    bank.tick()
    assert bank.service.overview()[comp]["use"] == "free"
    assert bank.service.pickup_by_code(notice.code, bank.now) == Refused("wrong_code")
    assert kinds(bank) == []


def test_one_code_opens_all_compartments_of_a_patron(bank: Bank) -> None:
    first = bank.load("I1", "P1", size="S")
    second = bank.load("I2", "P1", size="L")
    assert first != second
    latest = bank.mail.notices[-1]
    assert latest.compartments == tuple(sorted({first, second}))
    revoked = [r for r in bank.service.codes.records if r.revoked]
    assert len(revoked) == 1 and revoked[0].compartments == {first}
    assert set(bank.service.pickup_by_code(latest.code, bank.now).compartments) == {first, second}


def test_same_patron_goes_into_the_same_compartment_when_it_fits(bank: Bank) -> None:
    first = bank.load("I1", "P1", size="M")
    assert bank.load("I2", "P1", size="S") == first
    assert bank.ils.checkins == ["I1", "I2"], "a load checks in only the item being loaded"


def test_refusals_leave_everything_untouched(bank: Bank) -> None:
    held = bank.load("I1", "P1")
    assert bank.service.start_load("s", "NOHOLD", bank.now) == Refused("no_hold", "no hold")
    bank.ils.holds["ELSEWHERE"] = ("P2", "ABONEMENTAS")
    assert bank.service.start_load("s", "ELSEWHERE", bank.now).reason == "other_pickup_location"
    checkins = len(bank.ils.checkins)
    assert bank.service.start_load("s", "I1", bank.now).reason == "already_loaded"
    assert len(bank.ils.checkins) == checkins, "a repeated scan is not checked in again"
    assert bank.hardware.releases == [held]
    assert bank.service.overview()[held]["use"] == "held"


def test_no_free_compartment(bank_factory) -> None:
    bank = bank_factory(n_modbus=1, n_second=0)
    bank.load("I1", "P1")
    bank.ils.holds["I2"] = ("P2", "KNYGOMATAS")
    assert bank.service.start_load("s", "I2", bank.now) == Refused("no_free_compartment")


def test_wrong_codes_lock_the_keypad_and_raise_one_alarm(bank: Bank) -> None:
    bank.load("I1", "P1")
    code = bank.mail.notices[0].code
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        assert bank.service.pickup_by_code(wrong, bank.now).reason == "wrong_code"
    assert bank.service.pickup_by_code(code, bank.now).reason == "keypad_locked"
    assert kinds(bank) == ["keypad_locked"]
    assert bank.service.alarms.raised_total[AlarmKind.KEYPAD_LOCKED] == 1
    bank.now += timedelta(minutes=6)
    assert isinstance(bank.service.pickup_by_code(code, bank.now), Opened)


def test_pickup_by_card_and_pin(bank: Bank) -> None:
    comp = bank.load("I1", "P1")
    bank.ils.patrons[("CARD1", "1234")] = "P1"
    assert bank.service.pickup_by_card("CARD1", "9999", bank.now) == Refused("wrong_card_or_pin")
    assert bank.service.pickup_by_card("CARD1", "1234", bank.now) == Opened((comp,))
    assert bank.service.pickup_by_code(bank.mail.notices[0].code, bank.now).reason == "wrong_code"


def test_wrong_pins_at_the_locker_lock_the_card_and_an_offline_ils_is_no_wrong_pin(
    bank: Bank,
) -> None:
    comp = bank.load("I1", "P1")
    bank.ils.patrons[("CARD1", "1234")] = "P1"
    bank.ils.reachable = False
    for _ in range(10):  # the ILS cannot be asked: never counted against the patron
        assert bank.service.pickup_by_card("CARD1", "1234", bank.now).reason == "ils_unreachable"
    bank.ils.reachable = True
    tries = bank.service.policy.max_wrong_codes
    answers = [bank.service.pickup_by_card("CARD1", "0000", bank.now) for _ in range(tries)]
    assert answers[-1] == Refused("card_locked") and answers[0] == Refused("wrong_card_or_pin")
    assert bank.service.pickup_by_card("CARD1", "1234", bank.now) == Refused("card_locked")
    later = bank.now + bank.service.policy.keypad_lockout
    assert bank.service.pickup_by_card("CARD1", "1234", later) == Opened((comp,))


def test_jammed_lock_during_load_moves_to_another_compartment(bank: Bank) -> None:
    bank.ils.holds["I1"] = ("P1", "KNYGOMATAS")
    bank.model.jam(3)
    started = bank.service.start_load("s", "I1", bank.now)
    assert started == LoadStarted(3, "I1")
    bank.tick(1)
    bank.tick(5)
    assert "door_jammed" in kinds(bank)
    overview = bank.service.overview()
    assert overview[3]["out_of_service"] and overview[3]["use"] == "free"
    moved = [n for n, c in overview.items() if c["use"] == "loading"]
    assert moved and moved[0] != 3


def test_silent_board_costs_only_its_compartments(bank: Bank) -> None:
    bank.model.silence("b1")
    bank.ils.holds["I1"] = ("P1", "KNYGOMATAS")
    started = bank.service.start_load("s", "I1", bank.now)
    assert isinstance(started, LoadStarted) and started.compartment > 100
    bank.tick()
    assert "board_unavailable" in kinds(bank)
    bank.model.silence("b1", False)
    bank.tick()
    assert "board_unavailable" not in kinds(bank)


def test_forced_door_left_open_and_occupancy_alarms_once(bank: Bank) -> None:
    comp = bank.load("I1", "P1")
    bank.model.force_door(comp)
    bank.tick()
    bank.tick(61)
    bank.tick(61)
    assert sorted(kinds(bank)) == ["door_forced", "door_left_open"]
    bank.model.take_items(comp)
    bank.model.close_door(comp)
    bank.tick()
    bank.tick()
    assert kinds(bank) == ["occupancy_mismatch"]
    counts = bank.service.alarms.counts()
    assert counts["occupancy_mismatch"] == (1, 1) and counts["door_forced"] == (0, 1)


def test_stuck_occupancy_sensor_on_a_free_compartment(bank: Bank) -> None:
    bank.model.stick_sensor(1, "occupancy", True)
    bank.tick()
    assert kinds(bank) == ["occupancy_mismatch"]


def test_load_closed_empty_is_not_a_load(bank: Bank) -> None:
    bank.ils.holds["I1"] = ("P1", "KNYGOMATAS")
    comp = bank.service.start_load("s", "I1", bank.now).compartment
    bank.tick()
    bank.model.close_door(comp)
    bank.tick()
    assert bank.service.overview()[comp]["use"] == "free"
    assert bank.mail.notices == [] and kinds(bank) == ["occupancy_mismatch"]


def test_failing_notifier_keeps_the_load_and_retries(bank: Bank) -> None:
    bank.mail.failing = True
    comp = bank.load("I1", "P1")
    assert bank.service.overview()[comp]["use"] == "held"
    assert bank.mail.notices == [] and "notification_failed" in kinds(bank)
    bank.mail.failing = False
    bank.tick()
    assert len(bank.mail.notices) == 1 and kinds(bank) == []
    assert isinstance(bank.service.pickup_by_code(bank.mail.notices[0].code, bank.now), Opened)


def test_expiry_marks_opens_checks_in_and_lists(bank: Bank) -> None:
    comp = bank.load("I1", "P1")
    code = bank.mail.notices[0].code
    bank.tick(48 * 3600)
    assert bank.service.overview()[comp]["use"] == "expired"
    assert bank.service.pickup_by_code(code, bank.now).reason == "wrong_code"
    [line] = bank.service.open_expired("staff1", bank.now)
    assert (line.compartment, line.item_id) == (comp, "I1")
    bank.tick()
    assert bank.ils.checkins.count("I1") == 2
    bank.model.take_items(comp)
    bank.model.close_door(comp)
    bank.tick()
    assert bank.service.overview()[comp]["use"] == "free"


def test_items_left_behind_need_staff(bank: Bank) -> None:
    comp = bank.load("I1", "P1")
    bank.service.pickup_by_code(bank.mail.notices[0].code, bank.now)
    bank.tick()
    bank.model.close_door(comp)
    bank.tick()
    assert bank.service.overview()[comp]["use"] == "needs_staff"
    assert kinds(bank) == ["occupancy_mismatch"]
    bank.model.force_door(comp)
    bank.model.take_items(comp)
    bank.model.close_door(comp)
    bank.service.clear_compartment(comp)
    bank.tick()
    assert bank.service.overview()[comp]["use"] == "free"


def test_jammed_pickup_door_gives_the_patron_a_new_code(bank: Bank) -> None:
    comp = bank.load("I1", "P1")
    bank.model.jam(comp)
    bank.service.pickup_by_code(bank.mail.notices[0].code, bank.now)
    bank.tick(5)
    assert bank.service.overview()[comp]["use"] == "held"
    assert len(bank.mail.notices) == 2 and "door_jammed" in kinds(bank)


class Staff:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    def authenticate(self, card: str, pin: str | None) -> str | None:
        self.asked.append((card, pin))
        return "staff-7" if card == "S1" and pin in ("4321", None) else None


def test_staff_login_with_card_and_pin(bank: Bank) -> None:
    assert bank.service.staff_login("S1", "4321") == Refused("staff_login_unavailable")
    bank.service.staff = Staff()
    assert bank.service.staff_login("S1", "") == Refused("pin_required")
    assert bank.service.staff_login("S1", "0000") == Refused("wrong_staff_card_or_pin")
    assert bank.service.staff_login("S1", "4321") == "staff-7"


def test_staff_login_card_only_never_passes_a_pin(bank: Bank) -> None:
    from dataclasses import replace

    bank.service.policy = replace(bank.service.policy, staff_pin_required=False)
    bank.service.staff = staff = Staff()
    assert bank.service.staff_login("S1", "9999") == "staff-7"
    assert staff.asked == [("S1", None)]


def test_keypad_alarm_clears_when_the_lockout_ends(bank: Bank) -> None:
    bank.load("I1", "P1")
    for _ in range(3):
        bank.service.pickup_by_code("999999", bank.now)
    bank.tick(60)
    assert kinds(bank) == ["keypad_locked"]
    bank.tick(300)
    assert kinds(bank) == []


def test_one_failing_door_of_several_gets_a_new_code_for_it(bank: Bank) -> None:
    first = bank.load("I1", "P1", size="S")
    second = bank.load("I2", "P1", size="L")
    assert second > 100
    bank.model.silence("b2")
    opened = bank.service.pickup_by_code(bank.mail.notices[-1].code, bank.now)
    assert opened == Opened((first,), (second,))
    assert bank.mail.notices[-1].compartments == (second,)
    assert bank.service.overview()[second]["use"] == "held"


def test_expiry_of_one_compartment_keeps_the_code_for_the_other(bank: Bank) -> None:
    first = bank.load("I1", "P1", size="S")
    bank.tick(24 * 3600)
    second = bank.load("I2", "P1", size="L")
    code = bank.mail.notices[-1].code
    bank.tick(25 * 3600)
    assert bank.service.overview()[first]["use"] == "expired"
    assert bank.service.pickup_by_code(code, bank.now) == Opened((second,))


class Recorder:
    def __init__(self) -> None:
        self.boards: dict[str, tuple[str, str]] = {}
        self.lockers_seen: list[tuple[int, int, dict]] = []
        self.lockouts = 0

    def report(self, health) -> None:
        self.boards[health.device] = (health.kind.value, health.state.value)

    def printer_paper(self, state) -> None:
        raise AssertionError("lockers never report paper")

    def door_code_lockout(self) -> None:
        self.lockouts += 1

    def lockers(self, occupied: int, total: int, alarms) -> None:
        self.lockers_seen.append((occupied, total, dict(alarms)))


def test_board_health_occupancy_and_alarms_reach_the_telemetry_ports(bank: Bank) -> None:
    bank.service.health = bank.service.activity = recorder = Recorder()
    bank.load("I1", "P1")
    assert recorder.lockers_seen[-1][:2] == (1, 6)
    bank.model.silence("b2")
    bank.tick()
    assert recorder.boards == {
        "board-b1": ("lock_board", "ok"),
        "board-b2": ("lock_board", "down"),
    }
    assert recorder.lockers_seen[-1][2]["board_unavailable"] == (1, 1)
    for _ in range(3):
        bank.service.pickup_by_code("999999", bank.now)
    assert recorder.lockouts == 1


def test_pickup_from_a_door_that_was_forced_open_still_checks_out(bank: Bank) -> None:
    comp = bank.load("I1", "P1")
    bank.model.force_door(comp)
    bank.tick()
    assert isinstance(bank.service.pickup_by_code(bank.mail.notices[0].code, bank.now), Opened)
    bank.model.take_items(comp)
    bank.model.close_door(comp)
    bank.tick()
    assert bank.ils.checkouts == [("P1", "I1")]
    assert bank.service.overview()[comp]["use"] == "free"
