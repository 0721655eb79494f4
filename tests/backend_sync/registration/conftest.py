"""Fixtures for the registration backends: each simulator on a free loopback port."""

from __future__ import annotations

import pytest

from simulators.registration.server import RegistrationSimulator


@pytest.fixture
def koha_sim():
    sim = RegistrationSimulator("koha", client_id="kiosk", client_secret="s3cret").start()
    yield sim
    sim.stop()


@pytest.fixture
def folio_sim():
    sim = RegistrationSimulator(
        "folio", client_id="kiosk-user", client_secret="pw", tenant="lib"
    ).start()
    yield sim
    sim.stop()
