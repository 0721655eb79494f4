"""The SIP2 client against the ILS simulator over real loopback sockets.

Every fault of the simulator is exercised; after each, the simulator's own counters prove that
no state-changing transaction was applied twice.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.errors import (
    LibraryUnavailable,
    NotSupported,
    OutcomeUnknown,
    OutcomeUnknownUnreachable,
)
from kiosk.core.model import LoanResult
from kiosk.core.vocabulary import Desensitize, FeeType
from simulators.ils.simulator import IlsSimulator

T = TypeVar("T")
ONA, ONA_PIN = "2100000001", "1234"  # holds waiting at the knygomatas
JONAS = "2100000002"
BLOCKED, EXPIRED, FINED = "2100000003", "2100000004", "2100000005"
AISTE = "2100000009"  # a loan at its renewal limit
AVAILABLE = "9786090100011"  # Donelaitis, „Metai“, on the shelf
ALSO_AVAILABLE = "9786090100042"
ON_LOAN_TO_ONA = "9786090100035"  # Žemaitė, „Marti“
ON_LOAN_WITH_HOLD = "9786090100257"  # Škėma, held for another patron
REFERENCE = "9786090100028"
AT_RENEWAL_LIMIT = "9786090100189"


def config(sim: IlsSimulator, **wire: object) -> Sip2Config:
    return Sip2Config(
        endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=5),
        wire=Wire(
            **{"encoding": "utf-8", "timeout_s": 2.0, "retries": 2, **wire}  # type: ignore[arg-type]
        ),
        terminal=Terminal(institution="AVB", location="ABONEMENTAS"),
        username="kiosk1",
        password="demo",
        keepalive_s=0,
    )


def run(sim: IlsSimulator, body: Callable[[Sip2Client], Awaitable[T]], **wire: object) -> T:
    async def main() -> T:
        client = Sip2Client(config(sim, **wire))
        try:
            return await body(client)
        finally:
            await client.close()

    return asyncio.run(main())


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


def test_status_after_login_reads_supported_messages(sim: IlsSimulator) -> None:
    status = run(sim, lambda c: c.connect())
    assert status.online and status.checkout_ok
    assert {"11", "09", "29", "63", "17"} <= status.supported
    assert sim.events.get("before_login", 0) == 0


def test_patron_with_pin_loans_holds_and_fines(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        return (
            await c.patron(ONA, ONA_PIN, details="charged"),
            await c.patron(ONA, "0000"),
            await c.patron(FINED, "5678", details="fine"),
            await c.patron("9999999999", "1"),
        )

    ona, wrong_pin, fined, unknown = run(sim, body)
    assert ona.name == "Ona Žemaitytė" and ona.valid and ona.pin_valid
    assert any(entry.startswith(ON_LOAN_TO_ONA) for entry in ona.charged_items)
    assert wrong_pin.pin_valid is False
    assert fined.fee_amount == Decimal("12.40") and "excessive_fines" in fined.flags
    assert len(fined.fine_items) == 2
    assert unknown.valid is False


def test_checkout_checkin_renew_and_refusals(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        loan = await c.checkout(JONAS, AVAILABLE)
        refused = await c.checkout(ONA, AVAILABLE, ONA_PIN)
        reference = await c.checkout(JONAS, REFERENCE)
        blocked = await c.checkout(BLOCKED, ALSO_AVAILABLE)
        renewed = await c.renew(JONAS, AVAILABLE)
        limit = await c.renew(AISTE, AT_RENEWAL_LIMIT)
        back = await c.checkin(AVAILABLE)
        held = await c.checkin(ON_LOAN_WITH_HOLD)
        return loan, refused, reference, blocked, renewed, limit, back, held

    loan, refused, reference, blocked, renewed, limit, back, held = run(sim, body)
    assert loan.ok and loan.title == "Metai" and loan.due_date is not None
    assert loan.desensitize is Desensitize.YES
    assert not refused.ok and refused.screen_messages
    assert not reference.ok and not blocked.ok
    assert renewed.ok and renewed.due_date is not None and renewed.due_date >= loan.due_date
    assert not limit.ok
    assert back.ok and not back.alert
    assert held.ok and held.alert and held.hold_patron_id == "2100000012"
    assert sim.library.count("checkout", AVAILABLE) == 1
    assert sim.library.count("renew", AVAILABLE) == 1


def test_fee_paid_lowers_the_balance(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        paid = await c.fee_paid(FINED, Decimal("3.00"), fee_type=FeeType.OVERDUE)
        after = await c.patron(FINED, "5678")
        return paid, after

    paid, after = run(sim, body)
    assert paid.accepted and after.fee_amount == Decimal("9.40")
    assert sim.library.count("fee_paid", FINED) == 1


def test_renew_all_and_end_session(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        return await c.renew_all(ONA, ONA_PIN), await c.end_session(ONA, ONA_PIN)

    renewed, ended = run(sim, body)
    assert renewed.ok and len(renewed.renewed) + len(renewed.unrenewed) == 2
    assert ended


def test_no_block_checkout_keeps_the_kiosks_dates(sim: IlsSimulator) -> None:
    happened = datetime.now().replace(microsecond=0) - timedelta(hours=3)
    due = happened + timedelta(days=14)
    result = run(sim, lambda c: c.checkout(BLOCKED, AVAILABLE, no_block_at=happened, due=due))
    assert result.ok and result.due_date == due


def test_transparent_reconnect_and_relogin(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        await c.connect()
        await asyncio.to_thread(sim.disconnect_all)
        return await c.patron(ONA, ONA_PIN)

    assert run(sim, body).valid


@pytest.mark.parametrize(
    "fault", ["drop_after", "drop_before", "swallow", "garble", "bad_checksum"]
)
def test_lost_or_broken_answers_never_apply_a_checkout_twice(sim: IlsSimulator, fault: str) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        await c.connect()
        sim.faults.arm(fault)  # type: ignore[arg-type]
        return await c.checkout(JONAS, AVAILABLE)

    result = run(sim, body, timeout_s=0.5)
    assert result.ok
    assert sim.library.count("checkout", AVAILABLE) == 1
    assert sim.library.loan(AVAILABLE) is not None
    assert result.recovered == (fault in ("drop_after",))


@pytest.mark.parametrize("fault", ["drop_after", "swallow"])
def test_lost_answers_never_apply_a_checkin_or_payment_twice(sim: IlsSimulator, fault: str) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        await c.connect()
        sim.faults.arm(fault)  # type: ignore[arg-type]
        back = await c.checkin(ON_LOAN_TO_ONA)
        sim.faults.arm(fault, command="37")  # the payment, not its pre-query
        paid = await c.fee_paid(FINED, Decimal("3.00"))
        return back, paid

    back, paid = run(sim, body, timeout_s=0.5)
    assert back.ok and paid.accepted
    assert back.recovered == (fault == "drop_after")
    assert sim.library.count("checkin", ON_LOAN_TO_ONA) == 1
    assert sim.library.count("fee_paid", FINED) == 1


def _renew_with(sim: IlsSimulator, fault: str, loaned_days_ago: int) -> LoanResult:
    async def body(c: Sip2Client) -> LoanResult:
        start = datetime.now().replace(microsecond=0) - timedelta(days=loaned_days_ago)
        await c.checkout(JONAS, ALSO_AVAILABLE, no_block_at=start, due=start + timedelta(days=28))
        sim.faults.arm(fault, command="29")  # the renewal, not its pre-query
        return await c.renew(JONAS, ALSO_AVAILABLE)

    return run(sim, body, timeout_s=0.5)


def test_lost_renewal_answer_is_recovered_from_the_new_due_date(sim: IlsSimulator) -> None:
    renewed = _renew_with(sim, "drop_after", loaned_days_ago=10)
    assert renewed.ok and renewed.recovered and renewed.renewal
    assert sim.library.count("renew", ALSO_AVAILABLE) == 1


def test_renewal_that_cannot_be_confirmed_is_never_resent(sim: IlsSimulator) -> None:
    # no answer and an unchanged due date: applied or not cannot be told, so no resend
    with pytest.raises(OutcomeUnknown):
        _renew_with(sim, "swallow", loaned_days_ago=10)
    assert sim.library.count("renew", ALSO_AVAILABLE) == 0


def test_offline_acs_is_reported_unreachable(sim: IlsSimulator) -> None:
    sim.set_offline("refuse")
    with pytest.raises(LibraryUnavailable, match="cannot connect"):
        run(sim, lambda c: c.patron(ONA, ONA_PIN))


def test_slow_acs_on_a_harmless_request_is_resent_then_unreachable(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        await c.connect()
        sim.faults.set_latency(1500)
        return await c.item(AVAILABLE)

    with pytest.raises(LibraryUnavailable, match="no answer"):
        run(sim, body, timeout_s=0.2, retries=1)


def test_wrong_login_is_a_clear_error(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        return await c.connect()

    client_config = replace(config(sim), password="wrong")

    async def main() -> None:
        client = Sip2Client(client_config)
        try:
            await body(client)
        finally:
            await client.close()

    with pytest.raises(LibraryUnavailable, match="refused the login"):
        asyncio.run(main())


def test_unsupported_message_is_not_sent(sim: IlsSimulator) -> None:
    sim.set_supported(off=["29"])
    with pytest.raises(NotSupported):
        run(sim, lambda c: c.renew(ONA, ON_LOAN_TO_ONA, ONA_PIN))
    assert sim.library.count("renew") == 0


@pytest.mark.parametrize(
    ("dialect", "encoding", "title"),
    [("koha", "utf-8", "Dievų miškas"), ("folio", "cp850", "Dievu miskas")],
)
def test_dialects_terminators_and_encodings(dialect: str, encoding: str, title: str) -> None:
    with IlsSimulator(dialect=dialect) as sim:
        item = run(sim, lambda c: c.item("9786090100202"), encoding=encoding)
    assert item.title == title


def test_keepalive_keeps_the_connection_below_the_acs_timeout(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        await c.connect()
        before = sim.events.get("answered_99", 0)
        await asyncio.sleep(0.5)
        return sim.events.get("answered_99", 0) - before

    async def main() -> int:
        client = Sip2Client(replace(config(sim), keepalive_s=0.1))
        try:
            return await body(client)
        finally:
            await client.close()

    assert asyncio.run(main()) >= 2


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_tls_with_verification(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    with IlsSimulator(encoding="utf-8", tls_cert=str(cert), tls_key=str(key)) as sim:
        secure = replace(
            config(sim), endpoint=Endpoint(sim.host, sim.port, tls=True, ca_file=str(cert))
        )
        untrusted = replace(config(sim), endpoint=Endpoint(sim.host, sim.port, tls=True))

        async def main(cfg: Sip2Config) -> object:
            client = Sip2Client(cfg)
            try:
                return await client.patron(ONA, ONA_PIN)
            finally:
                await client.close()

        assert asyncio.run(main(secure)).valid  # type: ignore[attr-defined]
        with pytest.raises(LibraryUnavailable, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
            asyncio.run(main(untrusted))


def test_answer_lost_then_acs_unreachable_is_outcome_unknown(sim: IlsSimulator) -> None:
    async def body(c: Sip2Client):  # type: ignore[no-untyped-def]
        await c.connect()
        sim.faults.arm("drop_after", command="11")  # the checkout is applied, its answer lost
        sim.faults.arm("drop_before", count=0, command="93")  # and no login succeeds after
        return await c.checkout(JONAS, AVAILABLE)

    with pytest.raises(OutcomeUnknownUnreachable):
        run(sim, body)
    assert sim.library.count("checkout", AVAILABLE) == 1
