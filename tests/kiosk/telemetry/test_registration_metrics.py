"""kiosk_registrations_total{outcome} and the pending gauges: fed by send_or_queue and
resend_pending through the Telemetry registry, closed vocabulary, nothing personal."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.core.registration import resend_pending, send_or_queue
from kiosk.telemetry.exposition import build_registry, render
from kiosk.telemetry.registry import Telemetry
from simulators.models.registration import SAMPLE_APPLICATION as APP
from simulators.models.registration import SAMPLE_PERSONAL_DATA as PERSONAL
from simulators.models.registration import FakeRegistration

T0 = datetime(2026, 3, 2, 10, 0)


def exposed(telemetry: Telemetry) -> tuple[str, dict[tuple[str, tuple], float]]:
    text = render(build_registry(telemetry, "0.1.0")).decode()
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return text, out


def test_outcomes_and_the_backlog_are_exposed_without_personal_data(tmp_path) -> None:
    telemetry, fake = Telemetry("k1", clock=lambda: 0.0), FakeRegistration()
    queue = RegistrationQueueFile(tmp_path / "registration.sqlite", "koha")
    fake.unavailable = True
    asyncio.run(send_or_queue(fake, queue, APP, "k1", T0, telemetry))
    text, samples = exposed(telemetry)
    assert samples[("kiosk_registrations_total", (("outcome", "queued"),))] == 1
    assert samples[("kiosk_registrations_pending", ())] == 1
    assert samples[("kiosk_registrations_pending_oldest_age_seconds", ())] == 0
    asyncio.run(resend_pending(fake, queue, T0 + timedelta(hours=2), telemetry))
    assert exposed(telemetry)[1][("kiosk_registrations_pending_oldest_age_seconds", ())] == 7200
    fake.unavailable = False
    asyncio.run(resend_pending(fake, queue, T0 + timedelta(hours=3), telemetry))
    other = APP.__class__(**{**APP.__dict__, "email": "kitas@pastas.lt"})
    fake.model.add_existing(other.email)
    asyncio.run(send_or_queue(fake, queue, other, "k2", T0, telemetry))
    text, samples = exposed(telemetry)
    assert samples[("kiosk_registrations_total", (("outcome", "sent"),))] == 1
    assert samples[("kiosk_registrations_total", (("outcome", "duplicate"),))] == 1
    assert samples[("kiosk_registrations_pending", ())] == 0
    assert samples[("kiosk_registrations_pending_oldest_age_seconds", ())] == 0
    assert not [value for value in PERSONAL if value in text]


def test_the_outcome_label_is_a_closed_vocabulary() -> None:
    telemetry = Telemetry("k1")
    with pytest.raises(ValueError):
        telemetry.registration("ona@pastas.lt")
    with pytest.raises(ValueError):
        telemetry.registrations_pending(-1, None)


def test_no_gauges_until_the_kiosk_registers() -> None:
    _, samples = exposed(Telemetry("k1"))
    assert not [name for name, _ in samples if name.startswith("kiosk_registrations_pending")]
