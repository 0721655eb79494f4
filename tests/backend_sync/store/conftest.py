"""Fixtures for the store's tests: a real SQLite file per test and the ILS simulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore
from simulators.ils.simulator import IlsSimulator


@pytest.fixture
def store(tmp_path: Path) -> OutboxStore:
    return OutboxStore(open_store(tmp_path / "store.sqlite"))


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator
