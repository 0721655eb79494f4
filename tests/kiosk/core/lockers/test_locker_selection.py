"""Choosing a compartment: size, same patron first, low compartments."""

from kiosk.core.lockers.lifecycle import Use
from kiosk.core.lockers.model import CompartmentSpec
from kiosk.core.lockers.selection import choose_compartment

SPECS = [
    CompartmentSpec(1, "S", 40),
    CompartmentSpec(2, "M", 80),
    CompartmentSpec(3, "S", 140),
    CompartmentSpec(4, "L", 160),
]


def choose(patron="P1", size="S", low=False, uses=None, holders=None, oos=()):
    return choose_compartment(SPECS, uses or {}, holders or {}, patron, size, low, 100, oos)


def test_smallest_fitting_high_compartment_first() -> None:
    assert choose() == 3
    assert choose(size="M") == 2
    assert choose(size="L") == 4


def test_patron_needing_low_gets_only_low() -> None:
    assert choose(low=True) == 1
    assert choose(low=True, size="L") is None


def test_same_patrons_compartment_first() -> None:
    uses = {4: Use.HELD, 1: Use.HELD}
    assert choose(uses=uses, holders={4: "P1", 1: "P2"}) == 4
    assert choose(patron="P3", uses=uses, holders={4: "P1", 1: "P2"}) == 3


def test_busy_and_out_of_service_are_skipped() -> None:
    uses = {3: Use.LOADING, 1: Use.EXPIRED}
    assert choose(uses=uses, oos={2}) == 4
    assert choose(uses=uses, oos={2, 4}) is None
