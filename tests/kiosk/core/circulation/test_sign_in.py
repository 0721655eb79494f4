"""SignIn on its own: which cards are staff or patron cards, and the lockout it keeps across
visits. The checks at the ILS run against the ILS simulator in test_session.py and
test_staff_sign_in.py; here the library system is one that cannot be reached."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from kiosk.core.circulation.offline_policy import OfflineMode, OfflinePolicy
from kiosk.core.circulation.setup import CirculationRules
from kiosk.core.circulation.sign_in import SignIn
from kiosk.core.circulation.staff_auth import hash_pin
from kiosk.core.circulation.visit import Visit
from kiosk.core.errors import LibraryUnavailable

STAFF_CARD, PATRON_CARD = "9900000001", "2100000001"
RULES = CirculationRules(staff_card_pattern=r"^99[0-9]{8}$", pin_max_tries=2, lockout_s=60.0)


class Unreachable:
    """A library system whose line is down: every question raises LibraryUnavailable."""

    async def patron(self, card: str, pin: str | None = None, *, details: str = "") -> None:
        raise LibraryUnavailable("connection refused")


def sign_in(rules: CirculationRules = RULES, mode: OfflineMode = OfflineMode.RETURNS) -> SignIn:
    return SignIn(Unreachable(), OfflinePolicy(mode), rules)  # type: ignore[arg-type]


def test_cards_are_told_apart_by_the_patterns() -> None:
    s = sign_in()
    assert s.is_staff_card(STAFF_CARD) and not s.is_staff_card(PATRON_CARD)
    assert s.is_patron_card(PATRON_CARD) and not s.is_patron_card("12345")


def test_without_a_staff_pattern_no_card_is_a_staff_card() -> None:
    s = sign_in(CirculationRules())
    assert not s.is_staff_card(STAFF_CARD) and not s.is_staff_card("")


def test_staff_without_the_ils_and_without_a_local_pin_is_refused() -> None:
    outcome = asyncio.run(sign_in().staff(Visit("s1", card=STAFF_CARD), "4321", 0.0))
    assert outcome.event == "refused" and not outcome.asked_ils
    assert outcome.notice is not None and outcome.notice.key == "staff.no_local_pin"


def test_wrong_local_pins_lock_the_card_for_later_visits() -> None:
    line = hash_pin("4321", b"sign-in-test-salt").line()
    s = sign_in(replace(RULES, staff_pin_hash=line))
    first = asyncio.run(s.staff(Visit("s1", card=STAFF_CARD), "1111", 0.0))
    assert first.event == "pin_needed" and s.tries_left(STAFF_CARD) == 1
    second = asyncio.run(s.staff(Visit("s2", card=STAFF_CARD), "2222", 1.0))
    assert second.event == "refused" and s.locked(STAFF_CARD, 2.0)


def test_a_patron_without_the_ils_follows_the_offline_policy() -> None:
    visit = Visit("s1", card=PATRON_CARD)
    refused = asyncio.run(sign_in(mode=OfflineMode.NONE).patron(visit, "1234", 0.0))
    assert refused.event == "refused" and not refused.asked_ils
    allowed = asyncio.run(sign_in().patron(Visit("s2", card=PATRON_CARD), "1234", 0.0))
    assert allowed.event == "accepted" and not allowed.asked_ils
