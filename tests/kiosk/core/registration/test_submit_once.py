"""The resend rule over the in-process fake: look first, submit, look again after a lost answer."""

from __future__ import annotations

import asyncio
import random
from datetime import date

import pytest

from kiosk.core.registration import (
    AnswerLost,
    Application,
    BackendUnavailable,
    Duplicate,
    new_idempotency_key,
    submit_once,
)
from simulators.models.registration import FakeRegistration

APP = Application("Ona", "Žemaitė", date(1990, 5, 17), email="ona@pastas.lt")


def test_a_new_application_is_created_once() -> None:
    fake = FakeRegistration()
    done = asyncio.run(submit_once(fake, APP, "key-1"))
    assert fake.model.created == 1 and not done.recovered
    assert fake.calls == ["find_existing", "submit"]
    again = asyncio.run(submit_once(fake, APP, "key-1"))  # a replay after a restart
    assert again.recovered and again.record_id == done.record_id
    assert fake.model.created == 1


def test_a_lost_answer_is_looked_for_before_resending() -> None:
    fake = FakeRegistration()
    fake.lose_next = 1
    done = asyncio.run(submit_once(fake, APP, "key-1"))
    assert done.recovered and fake.model.created == 1
    assert fake.calls == ["find_existing", "submit", "find_existing"]


def test_somebody_elses_record_is_a_duplicate_in_words() -> None:
    fake = FakeRegistration()
    fake.model.add_existing("ona@pastas.lt")
    with pytest.raises(Duplicate) as caught:
        asyncio.run(submit_once(fake, APP, "key-1"))
    assert "already registered" in caught.value.reason
    assert fake.calls == ["find_existing"] and fake.model.created == 1


def test_an_unreachable_backend_creates_nothing() -> None:
    fake = FakeRegistration()
    fake.unavailable = True
    with pytest.raises(BackendUnavailable):
        asyncio.run(submit_once(fake, APP, "key-1"))
    assert fake.model.created == 0


class LosesThenGoesDown(FakeRegistration):
    """The answer is lost and then the library system cannot be asked."""

    async def submit(self, application, idempotency_key):
        self.lose_next = 1
        try:
            return await super().submit(application, idempotency_key)
        finally:
            self.unavailable = True


def test_a_lost_answer_that_cannot_be_checked_stays_lost() -> None:
    fake = LosesThenGoesDown()
    with pytest.raises(AnswerLost):
        asyncio.run(submit_once(fake, APP, "key-1"))
    fake.unavailable = False  # the outbox tries again later with the same key
    assert asyncio.run(submit_once(fake, APP, "key-1")).recovered
    assert fake.model.created == 1


def test_idempotency_keys_come_from_the_injected_random_source() -> None:
    first = new_idempotency_key(random.Random(5))
    assert first == new_idempotency_key(random.Random(5))
    assert first != new_idempotency_key(random.Random(6))
    assert len(first) == 36 and first[14] == "4" and first[19] in "89ab"
