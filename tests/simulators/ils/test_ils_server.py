"""The ILS simulator over real loopback sockets: a raw SIP2 exchange, error detection, dialect
duplicates, every fault, TLS, and the server on the test's own asyncio loop."""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
from pathlib import Path

import pytest

from backend_sync.sip2.codec import Checksum, Framer, RemoteProtocolError, decode, encode
from simulators.ils.dataset import load_library
from simulators.ils.dialects import options_for
from simulators.ils.handlers import Account, Acs
from simulators.ils.server import IlsServer

ONA, JONAS, FINED, ZYGIMANTAS = "2100000001", "2100000002", "2100000005", "2100000012"
AVAILABLE, MARTI, DROBULE = "9786090100011", "9786090100035", "9786090100257"


def test_a_koha_session_over_tcp(start_sim, connect, sip) -> None:
    sim = start_sim(dialect="koha")
    sc = connect(sim)
    assert sc.ask(sip.login(), 0).fixed_value("ok") == "1"
    assert sc.ask(sip.sc_status(), 1).command == "98"
    info = sc.ask(sip.patron_info(ONA, "1234", summary="  Y       "), 2)
    assert info.get("CQ") == "Y" and info.get_all("AU") == [DROBULE, MARTI]  # by due date
    out = sc.ask(sip.checkout(ONA, AVAILABLE), 3)
    assert out.fixed_value("ok") == "1"
    back = sc.ask(sip.checkin(DROBULE), 4)
    assert back.fixed_value("alert") == "Y" and back.get("CY") == ZYGIMANTAS
    assert sc.ask(sip.renew(ONA, MARTI), 5).fixed_value("renewal_ok") == "Y"
    assert sc.ask(sip.fee_paid(FINED, "3.00"), 6).fixed_value("payment_accepted") == "Y"
    sc.send(sip.wire(sip.sc_status(), 7))
    assert sc.read_raw().endswith(b"\r\n")
    assert sim.library.count("checkout", AVAILABLE) == 1
    assert sim.library.count("checkin", DROBULE) == 1
    assert sim.events["answered_11"] == 1


def test_koha_hangs_up_on_a_request_before_login(start_sim, connect, sip) -> None:
    sim = start_sim(dialect="koha")
    sc = connect(sim)
    sc.send(sip.wire(sip.patron_status(ONA), 0))
    assert sc.closed_by_server()


def test_bad_checksum_gets_96_and_97_gets_the_last_response(start_sim, connect, sip) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sc.send(sip.wire(sip.checkout(JONAS, AVAILABLE), 1, "cp850"))
    response = sc.read_raw()
    sc.send(b"97AZFEF5\r")
    assert sc.read_raw() == response
    data = sip.wire(sip.checkin(AVAILABLE), 2, "cp850")
    sc.send(data[:-5] + (b"0000" if data[-5:-1] != b"0000" else b"0001") + b"\r")
    assert sc.read_raw() == b"96AZFEF6\r"
    assert sim.library.count("checkout", AVAILABLE) == 1
    assert sim.library.count("checkin", AVAILABLE) == 0


@pytest.mark.parametrize(
    ("dialect", "applied", "second_ok"), [("folio", 1, "1"), ("generic", 1, "0")]
)
def test_a_duplicate_request_per_dialect(
    start_sim, connect, sip, dialect, applied, second_ok
) -> None:
    sim = start_sim(dialect=dialect)
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    assert sc.ask(sip.checkout(JONAS, AVAILABLE), 3).fixed_value("ok") == "1"
    assert sc.ask(sip.checkout(JONAS, AVAILABLE), 3).fixed_value("ok") == second_ok
    assert sim.library.count("checkout", AVAILABLE) == applied


# -- faults --------------------------------------------------------------------------------
def test_drop_before_applying(start_sim, connect, sip) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sim.faults.arm("drop_before")
    sc.send(sip.wire(sip.checkout(JONAS, AVAILABLE), 1, "cp850"))
    assert sc.closed_by_server()
    assert sim.library.count("checkout", AVAILABLE) == 0
    again = connect(sim)  # the fault was for one request only
    again.ask(sip.login(), 0)
    assert again.ask(sip.checkout(JONAS, AVAILABLE), 1).fixed_value("ok") == "1"


def test_drop_after_applying_loses_only_the_response(start_sim, connect, sip) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sim.faults.arm("drop_after")
    sc.send(sip.wire(sip.checkout(JONAS, AVAILABLE), 1, "cp850"))
    assert sc.closed_by_server()
    assert sim.library.count("checkout", AVAILABLE) == 1  # applied: the case that matters
    assert sim.events["fault_dropped_after"] == 1


def test_swallow_reads_and_never_answers(start_sim, connect, sip) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sim.faults.arm("swallow")
    sc.send(sip.wire(sip.checkout(JONAS, AVAILABLE), 1, "cp850"))
    assert sc.ask(sip.sc_status(), 2).command == "98"  # the next answer is to the next request
    assert sim.library.count("checkout") == 0 and sim.events["fault_swallowed"] == 1


@pytest.mark.parametrize(
    ("dialect", "ok", "renewal_ok", "renewals"),
    [("folio", "1", "N", 0), ("koha", "1", "Y", 1), ("generic", "0", "N", 0)],
)
def test_a_lost_response_and_the_resent_request_per_dialect(
    start_sim, connect, sip, dialect, ok, renewal_ok, renewals
) -> None:
    sim = start_sim(dialect=dialect)
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sim.faults.arm("swallow_after")
    request = sip.wire(sip.checkout(JONAS, AVAILABLE), 5, sim.options.wire_encoding)
    sc.send(request)  # applied, the answer never comes
    sc.send(request)  # the SC times out and resends the same bytes on the same connection
    answer = decode(sc.read_raw(), sim.options.wire_encoding).message
    assert answer.fixed_value("ok") == ok and answer.fixed_value("renewal_ok") == renewal_ok
    assert sim.library.count("checkout", AVAILABLE) == 1
    assert sim.library.count("renew", AVAILABLE) == renewals
    assert sim.events["fault_swallowed_after"] == 1


def test_garbled_and_bad_checksum_replies(start_sim, connect, sip) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sim.faults.arm("garble")
    sc.send(sip.wire(sip.patron_status(ONA), 1, "cp850"))
    garbled = sc.read_raw()
    assert garbled.startswith(b"24") and garbled.endswith(b"\r")
    with pytest.raises(RemoteProtocolError):
        if decode(garbled, "cp850").checksum is not Checksum.VALID:
            raise RemoteProtocolError("checksum")
    sim.faults.arm("bad_checksum")
    sc.send(sip.wire(sip.patron_status(ONA), 2, "cp850"))
    assert decode(sc.read_raw(), "cp850").checksum is Checksum.INVALID
    assert sc.ask(sip.patron_status(ONA), 3).get("AE") == "Ona Zemaityte"  # back to normal


def test_latency_holds_the_response_back(start_sim, connect, sip) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sim.faults.set_latency(1500)
    sc.sock.settimeout(0.2)
    sc.send(sip.wire(sip.sc_status(), 1, "cp850"))
    with pytest.raises(TimeoutError):  # far sooner than the latency: nothing yet
        sc.read_raw()
    sim.faults.set_latency(0)
    sc.sock.settimeout(10)
    assert sc.read_raw().startswith(b"98")


def test_offline_refuse_closes_and_refuses_then_online_listens_again(
    start_sim, connect, sip
) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sim.set_offline("refuse")
    assert sc.closed_by_server()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((sim.host, sim.port), timeout=5).close()
    sim.set_online()
    again = connect(sim)
    assert again.ask(sip.login(), 0).fixed_value("ok") == "1"


def test_offline_status_answers_98_online_n(start_sim, connect, sip) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sim.set_offline("status")
    assert sc.ask(sip.sc_status(), 1).fixed_value("online_status") == "N"
    assert sc.ask(sip.checkout(JONAS, AVAILABLE), 2).fixed_value("ok") == "0"
    sim.faults.clear()
    assert sc.ask(sip.sc_status(), 3).fixed_value("online_status") == "Y"


def test_reset_data_restores_the_library(start_sim, connect, sip) -> None:
    sim = start_sim()
    sc = connect(sim)
    sc.ask(sip.login(), 0)
    sc.ask(sip.checkout(JONAS, AVAILABLE), 1)
    sim.reset_data()
    assert sim.library.loan(AVAILABLE) is None and sim.library.count("checkout") == 0


# -- TLS and the test's own loop -----------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    folder: Path = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return str(cert), str(key)


def test_tls(start_sim, sip, certificate) -> None:
    cert, key = certificate
    sim = start_sim(tls_cert=cert, tls_key=key)
    context = ssl.create_default_context(cafile=cert)
    with (
        socket.create_connection((sim.host, sim.port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(sip.wire(sip.login(), 0, "cp850"))
        reply = tls.recv(100)
    assert reply.startswith(b"941AY0AZ")


def test_the_server_on_the_tests_own_loop(sip) -> None:
    library, _ = load_library(today=sip.NOW.date())
    acs = Acs(library, [Account("kiosk1", "demo", "ABONEMENTAS")], options_for("evergreen"))

    async def exchange() -> list[bytes | RemoteProtocolError]:
        server = IlsServer(acs, clock=sip.clock)
        await server.start()
        try:
            reader, writer = await asyncio.open_connection(server.host, server.port)
            writer.write(encode(sip.sc_status(), "utf-8") + encode(sip.login(), "utf-8"))
            framer = Framer()
            frames: list[bytes | RemoteProtocolError] = []
            while len(frames) < 2:
                frames += framer.feed(await asyncio.wait_for(reader.read(4096), 5))
            writer.close()
            return frames
        finally:
            await server.stop()

    frames = asyncio.run(exchange())
    assert [bytes(f)[:2] for f in frames if isinstance(f, bytes)] == [b"98", b"94"]
