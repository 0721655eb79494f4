"""The offline policy's decisions, mode by mode (pure)."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.core.circulation.offline_policy import OfflineMode, OfflinePolicy


def test_none_allows_nothing() -> None:
    policy = OfflinePolicy(OfflineMode.NONE)
    assert not policy.identify().allowed and not policy.checkin().allowed
    assert policy.checkout(0).reason == "offline.no_checkouts"
    assert policy.identify().reason == "offline.out_of_service"


def test_returns_only_takes_returns_and_refuses_loans() -> None:
    policy = OfflinePolicy(OfflineMode.RETURNS)
    assert policy.identify().allowed and policy.checkin().allowed
    assert not policy.checkout(0).allowed


@pytest.mark.parametrize(("done", "allowed"), [(0, True), (2, True), (3, False), (9, False)])
def test_returns_and_checkouts_caps_loans_per_session(done: int, allowed: bool) -> None:
    policy = OfflinePolicy(OfflineMode.RETURNS_AND_CHECKOUTS, max_checkouts=3)
    decision = policy.checkout(done)
    assert decision.allowed is allowed
    assert decision.reason == ("" if allowed else "offline.checkout_cap")


@pytest.mark.parametrize("mode", list(OfflineMode))
def test_nothing_is_renewed_offline(mode: OfflineMode) -> None:
    assert OfflinePolicy(mode).renew().reason == "offline.no_renewals"


def test_offline_loans_are_due_at_closing_time_after_the_loan_period() -> None:
    policy = OfflinePolicy(OfflineMode.RETURNS_AND_CHECKOUTS, loan_days=14)
    assert policy.due(datetime(2026, 11, 25, 9, 30)) == datetime(2026, 12, 9, 23, 59, 59)
