"""ACS behaviour seen in the field (issue 16), from bytes written by hand from SIP2 2.00:
LF / CR LF LF terminators and NUL padding, blanks after AZ and lower-case checksums, escaped
separators; an ACS that refuses the kiosk (940 and close, 96 forever) ends in the refused
state with a bounded number of tries counted at the server; a stray 98 never desynchronises
the session."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.codec import Checksum, Framer, decode, make, unescape
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from backend_sync.sip2.session import Sip2Session
from kiosk.cli import main
from kiosk.core.errors import LibraryRefusesKiosk, LibraryUnavailable
from simulators.ils.simulator import IlsSimulator
from tests.backend_sync.sip2.tiny_acs import DATE, TinyAcs, acs_status, sequence_of, with_trailer

T = TypeVar("T")
LOGIN_OK = b"941AY0AZFDFD"
ITEM = "9786090100011"


def test_hand_written_trailers_are_what_the_spec_says() -> None:
    assert with_trailer("941", "0") == LOGIN_OK
    assert decode(LOGIN_OK).checksum is Checksum.VALID


# ---- framing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream",
    [
        b"941AY0AZFDFD\n" + acs_status("1") + b"\n",  # LF alone
        b"941AY0AZFDFD\r\n\n" + acs_status("1") + b"\r\n\n",  # CR LF LF
        b"\x00\x00941AY0AZFDFD\r\x00\x00\x00" + acs_status("1") + b"\r\x00",  # NUL padding
        b"941AY0AZFDFD\n\x00\r\n" + acs_status("1") + b"\r\r",  # all of it
    ],
    ids=["lf", "cr-lf-lf", "nul-padding", "mixed"],
)
@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_terminators_and_padding_frame_two_messages(stream: bytes, chunk: int) -> None:
    framer = Framer()
    frames = []
    for i in range(0, len(stream), chunk):
        frames += framer.feed(stream[i : i + chunk])
    assert frames == [LOGIN_OK, acs_status("1")]
    assert [decode(f).checksum for f in frames] == [Checksum.VALID, Checksum.VALID]


def test_blanks_after_the_checksum_and_lower_case_hex() -> None:
    decoded = decode(with_trailer("941", "0", lower=True) + b"   ")
    assert (decoded.checksum, decoded.message.fixed_value("ok")) == (Checksum.VALID, "1")
    assert "blanks after the checksum ignored" in decoded.warnings
    assert decode(b"941AY0AZFDFD \t\r\n").checksum is Checksum.VALID
    assert decode(b"941AY0AZFDFE  ").checksum is Checksum.INVALID  # blanks excuse nothing else


def test_escaped_separators_are_decoded_for_reading() -> None:
    assert unescape("Rock &#124; Pop &#x7C; Jazz&#13;&#10;") == "Rock | Pop | Jazz\r\n"
    assert unescape("AT&amp;T &#125;") == "AT&amp;T &#125;"  # only the separators


def test_sip2_decode_command_reports_the_field_cases(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    item = with_trailer(f"18030001{DATE}AB{ITEM}|AJRock &#124; Pop|", "2")
    stdin = b"\x00" + with_trailer("941", "0", lower=True) + b"  \r\n\n" + item + b"\n"
    monkeypatch.setattr("sys.stdin", _Stdin(stdin))
    assert main(["sip2", "decode"]) == 0
    login, info = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert login["checksum"] == "valid" and "blanks after the checksum ignored" in login["warnings"]
    assert info["fields"][1] == ["AJ", "Rock &#124; Pop"]  # as on the wire: encodes back
    assert info["unescaped"] == [["AJ", "Rock | Pop"]]


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


# ---- an ACS that refuses the kiosk ------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client_for(port: int, clock: Clock, **config: object) -> Sip2Client:
    settings = Sip2Config(
        endpoint=Endpoint("127.0.0.1", port, connect_timeout_s=5),
        wire=Wire(encoding="utf-8", timeout_s=5.0, retries=2),
        terminal=Terminal(institution="AVB", location="ABONEMENTAS"),
        username="kiosk1",
        password="wrong",
        keepalive_s=0,
        **config,  # type: ignore[arg-type]
    )
    return Sip2Client(settings, lambda: datetime(2026, 12, 6, 12, 0), monotonic=clock)


def run(body: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(body())


async def refused_calls(client: Sip2Client, calls: int) -> list[str]:
    reasons = []
    for _ in range(calls):
        with pytest.raises(LibraryRefusesKiosk) as caught:
            await client.item(ITEM)
        reasons.append(str(caught.value))
    return reasons


def test_940_and_close_ends_in_the_refused_state_without_a_retry_storm() -> None:
    clock = Clock()
    with IlsSimulator(encoding="utf-8", dialect="koha") as sim:  # koha: 940, then it hangs up

        async def body() -> list[str]:
            client = client_for(sim.port, clock, refusal_backoff_s=300)
            try:
                reasons = await refused_calls(client, 20)
                assert (sim.events["login_failed"], sim.events["connections"]) == (1, 1)
                clock.now += 299  # still refused: no byte on the wire
                await refused_calls(client, 5)
                assert sim.events["login_failed"] == 1
                clock.now += 2  # the back-off has passed: exactly one more try, refused again
                await refused_calls(client, 5)
                assert sim.events["login_failed"] == 2
                assert client.refusal is not None and client.refusal.backoff_s == 600
                return reasons
            finally:
                await client.close()

        reasons = run(body)
    assert "refuses this kiosk" in reasons[0] and "refused the login" in reasons[0]
    assert "next try in 300 s" in reasons[1]


def test_96_forever_ends_in_the_refused_state_after_the_sessions_resends() -> None:
    def answer(request: str) -> list[bytes]:
        sequence = sequence_of(request)
        if request.startswith("93"):
            return [with_trailer("941", sequence)]
        if request.startswith("99"):
            return [acs_status(sequence)]
        return [with_trailer("96", None)]  # every request, forever

    clock = Clock()

    async def body() -> None:
        async with TinyAcs(answer) as acs:
            client = client_for(acs.port, clock)
            try:
                reasons = await refused_calls(client, 10)
                assert "96" in reasons[0]
                assert acs.requests["17"] == 3  # the request and its 2 resends, no more
                assert (acs.requests["93"], acs.connections) == (1, 1)
                clock.now += 301
                await refused_calls(client, 3)
                assert (acs.requests["17"], acs.requests["93"]) == (6, 2)
            finally:
                await client.close()

    run(body)


def test_96_forever_from_the_ils_simulator() -> None:
    """The same with the ILS simulator's resend fault (kiosk sim ils fault resend --count 0
    --command 17): item information refused, everything else served."""
    clock = Clock()
    with IlsSimulator(encoding="utf-8") as sim:
        sim.faults.arm("resend", 0, "17")

        async def body() -> None:
            client = client_for(sim.port, clock)
            client.config = replace(client.config, password="demo")
            try:
                await refused_calls(client, 5)
                assert sim.events["fault_resend"] == 3 and sim.events["login_ok"] == 1
                with pytest.raises(LibraryRefusesKiosk):  # refused: not even a patron lookup
                    await client.patron("2100000001")
                assert sim.events["answered_63"] == 0
            finally:
                await client.close()

        run(body)


def test_the_refused_state_ends_when_the_acs_serves_again() -> None:
    refusing = True

    def answer(request: str) -> list[bytes]:
        sequence = sequence_of(request)
        if request.startswith("93"):
            return [with_trailer("940" if refusing else "941", sequence)]
        if request.startswith("99"):
            return [acs_status(sequence)]
        return [with_trailer(f"18030001{DATE}AB{ITEM}|AJMetai|", sequence)]

    clock = Clock()

    async def body() -> None:
        nonlocal refusing
        hang_up = lambda request: request.startswith("93") and refusing  # noqa: E731
        async with TinyAcs(answer, close_when=hang_up) as acs:
            client = client_for(acs.port, clock)
            try:
                await refused_calls(client, 3)
                refusing = False
                clock.now += 301
                assert (await client.item(ITEM)).title == "Metai"
                assert client.refusal is None and acs.requests["93"] == 2
            finally:
                await client.close()

    run(body)


# ---- unrequested messages and escaped separators over the wire -------------------------


@pytest.mark.parametrize("terminator", [b"\n", b"\r\n\n", b"\r\x00\x00\x00"])
def test_a_stray_98_after_a_keepalive_does_not_desynchronise_the_session(
    terminator: bytes,
) -> None:
    def answer(request: str) -> list[bytes]:
        sequence = sequence_of(request)
        if request.startswith("93"):
            return [with_trailer("941", sequence)]
        if request.startswith("99"):  # answered twice: the second 98 arrives unrequested
            return [acs_status(sequence), acs_status(sequence)]
        title = "Rock &#124; Pop"
        return [with_trailer(f"18030001{DATE}AB{ITEM}|AJ{title}|", sequence)]

    async def body() -> None:
        async with TinyAcs(answer, terminator=terminator) as acs:
            client = client_for(acs.port, Clock())
            try:
                await client.connect()
                await client.status()  # the "keepalive": its stray twin waits in the socket
                first = await client.item(ITEM)
                second = await client.item(ITEM)
                status = await client.status()
            finally:
                await client.close()
            assert first.title == second.title == "Rock | Pop"
            assert status.library_name == "Tiny ACS"
            assert acs.requests["17"] == 2 and acs.connections == 1  # no resend, no reconnect

    run(body)


def test_the_session_gives_up_on_96_forever_after_its_resends() -> None:
    session = Sip2Session(retries=2)
    sent = [session.request(make("17", {"transaction_date": DATE}, [("AB", ITEM)]))]
    actions = [session.receive(with_trailer("96", None)) for _ in range(3)]
    assert [type(a).__name__ for a in actions] == ["Send", "Send", "Failed"]
    assert all(a.data == sent[0].data for a in actions[:2])  # the same request, same AY
    assert actions[2].refused and not actions[2].outcome_unknown


def test_a_refused_kiosk_is_still_library_unavailable_to_the_core() -> None:
    assert issubclass(LibraryRefusesKiosk, LibraryUnavailable)
