"""Signing in at the kiosk: which card is a staff card and which a patron card, the PIN
lockout, and the check itself: a patron at the ILS (identify.py, with the offline policy when
the ILS cannot be asked), a staff card's PIN at the ILS or, only when the ILS cannot be asked,
against the local technician PIN (staff_auth.py). Each check answers with the session table's
next event (an ``Identified``); the circulation service applies it to the session.

Must never: keep a PIN (the lockout keeps salted hashes only; a staff PIN is not even put on
the visit), read the clock (``now`` comes from the service's Clock port), or change the
session's state.
"""

from __future__ import annotations

import re

from kiosk.core.attempts import Lockout
from kiosk.core.circulation.identify import Identified, identify
from kiosk.core.circulation.offline_policy import OfflinePolicy
from kiosk.core.circulation.setup import CirculationRules
from kiosk.core.circulation.staff_auth import PinHash, staff_login
from kiosk.core.circulation.visit import Visit
from kiosk.core.patron_checks import PinLockout
from kiosk.core.ports import LibrarySystem


class SignIn:
    """Lives as long as the service: the lockout must outlast the visits it counts."""

    def __init__(
        self,
        library: LibrarySystem,
        policy: OfflinePolicy,
        rules: CirculationRules,
        lockout: Lockout | None = None,
    ) -> None:
        self._library = library
        self._policy = policy
        self._rules = rules
        # the kiosk's shared, persisted lockout when the wiring gives one (kiosk/core/attempts.py)
        self._lockout = lockout or PinLockout(rules.pin_max_tries, rules.lockout_s)
        pin_hash = rules.staff_pin_hash
        self._staff_pin = PinHash.parse(pin_hash) if pin_hash else None

    def is_staff_card(self, card: str) -> bool:
        pattern = self._rules.staff_card_pattern
        return bool(pattern) and bool(re.fullmatch(pattern, card))

    def is_patron_card(self, card: str) -> bool:
        return bool(re.fullmatch(self._rules.card_pattern, card))

    def locked(self, card: str, now: float) -> bool:
        return self._lockout.locked(card, now)

    def tries_left(self, card: str) -> int:
        return self._lockout.tries_left(card)

    async def patron(self, visit: Visit, pin: str | None, now: float) -> Identified:
        """The patron's card (and PIN) at the ILS; fills the visit when accepted."""
        return await identify(
            self._library,
            self._policy,
            self._lockout,
            self._rules.expired_markers,
            visit,
            pin,
            now,
        )

    async def staff(self, visit: Visit, pin: str, now: float) -> Identified:
        """Card + PIN at the ILS, else the local technician PIN. The PIN is not kept on the
        visit: staff mode needs nothing more from the ILS."""
        return await staff_login(
            self._library, self._staff_pin, self._lockout, visit.card, pin, now
        )
