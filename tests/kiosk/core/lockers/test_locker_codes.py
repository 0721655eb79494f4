"""Pickup codes and the keypad guard."""

import random
from datetime import UTC, datetime, timedelta

from kiosk.core.lockers.codes import CodeBook, KeypadGuard

T0 = datetime(2026, 1, 1, tzinfo=UTC)
LATER = T0 + timedelta(hours=48)


def book(seed: int = 1, length: int = 6) -> CodeBook:
    return CodeBook(random.Random(seed), length=length, iterations=10)


def test_code_has_configured_length_and_is_stored_only_as_salted_hash() -> None:
    codes = book(length=8)
    code, record = codes.issue("P1", frozenset({3}), T0, LATER)
    assert len(code) == 8 and code.isdigit()
    assert code.encode() not in record.digest and code not in repr(record)
    assert len(record.salt) == 16
    assert codes.match(code, T0) == record


def test_same_seed_same_code_different_salt_different_hash() -> None:
    a, _ = book(5).issue("P1", frozenset({1}), T0, LATER)
    b, _ = book(5).issue("P1", frozenset({1}), T0, LATER)
    assert a == b
    first = book(1)
    _, r1 = first.issue("P1", frozenset({1}), T0, LATER)
    _, r2 = first.issue("P2", frozenset({2}), T0, LATER)
    assert r1.salt != r2.salt


def test_code_is_single_use_and_expires() -> None:
    codes = book()
    code, record = codes.issue("P1", frozenset({1, 2}), T0, LATER)
    assert codes.match(code, LATER - timedelta(seconds=1)) is not None
    assert codes.match(code, LATER) is None
    codes.consume(record, T0)
    assert codes.match(code, T0) is None


def test_new_code_for_a_patron_revokes_the_old_one() -> None:
    codes = book()
    _, first = codes.issue("P1", frozenset({1}), T0, LATER)
    new, record = codes.issue("P1", frozenset({1, 2}), T0, LATER)
    assert codes.records[0].revoked and codes.records[0].digest == first.digest
    assert codes.match(new, T0) == record
    assert record.compartments == {1, 2}


def test_malformed_codes_never_match() -> None:
    codes = book()
    codes.issue("P1", frozenset({1}), T0, LATER)
    for wrong in ("", "12", "abcdef", "1234567"):
        assert codes.match(wrong, T0) is None


def test_keypad_locks_after_max_wrong_and_unlocks_after_lockout() -> None:
    guard = KeypadGuard(3, timedelta(minutes=5))
    assert not guard.record_wrong(T0)
    assert not guard.record_wrong(T0)
    assert guard.record_wrong(T0)
    assert guard.locked(T0 + timedelta(minutes=4))
    assert not guard.locked(T0 + timedelta(minutes=5))
    assert guard.wrong == 0


def test_success_resets_the_wrong_count() -> None:
    guard = KeypadGuard(2, timedelta(minutes=5))
    guard.record_wrong(T0)
    guard.record_success()
    assert not guard.record_wrong(T0)


def test_one_slow_hash_per_attempt_however_many_codes_are_active() -> None:
    codes = book()
    for n in range(10):
        codes.issue(f"P{n}", frozenset({n}), T0, LATER)
    calls = []
    slow = codes._stretch
    codes._stretch = lambda code: calls.append(code) or slow(code)
    codes.match("000000", T0)
    assert len(calls) == 1
