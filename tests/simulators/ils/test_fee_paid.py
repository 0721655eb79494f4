"""Fee Paid (37) over real loopback SIP2 against the ILS simulator, as Koha and Evergreen apply
it (simulators/ils/fee_payments.py), and what an independent client then sees in 63/64."""

from __future__ import annotations

import pytest

FINED, OTHER = "2100000005", "2100000008"  # 3.00 (F0001, oldest) + 9.40 (F0002); 0.60 (F0003)
FINES = "   Y      "  # summary: the fine items list (AV)


@pytest.fixture(params=["koha", "evergreen"])
def session(request, start_sim, connect, sip):
    sim = start_sim(dialect=request.param)
    client = connect(sim)
    assert client.ask(sip.login(), None).fixed_value("ok") == "1"
    return sim, client


def owed(client, sip, patron: str = FINED) -> tuple[str | None, list[str]]:
    info = client.ask(sip.patron_info(patron, summary=FINES), None)
    return info.get("BV"), info.get_all("AV")


def pay(client, sip, amount: str, fine_id: str | None = None, patron: str = FINED):
    return client.ask(sip.fee_paid(patron, amount, fine_id), None)


def test_the_demo_fines_as_listed(session, sip) -> None:
    _, client = session
    balance, lines = owed(client, sip)
    assert balance == "12.40"
    assert [line.split()[0] for line in lines] == ["F0001", "F0002"]


def test_a_fee_id_pays_that_line_only(session, sip) -> None:
    sim, client = session
    answer = pay(client, sip, "9.40", "F0002")
    assert answer.fixed_value("payment_accepted") == "Y"
    balance, lines = owed(client, sip)
    assert balance == "3.00"
    assert [line.split()[:2] for line in lines] == [["F0001", "3.00"]]
    assert sim.library.count("fee_paid", FINED) == 1


def test_part_of_one_line_by_fee_id(session, sip) -> None:
    _, client = session
    assert pay(client, sip, "4.00", "F0002").fixed_value("payment_accepted") == "Y"
    _, lines = owed(client, sip)
    assert [line.split()[:2] for line in lines] == [["F0001", "3.00"], ["F0002", "5.40"]]


def test_without_a_fee_id_the_oldest_fines_first(session, sip) -> None:
    _, client = session
    assert pay(client, sip, "4.00").fixed_value("payment_accepted") == "Y"
    balance, lines = owed(client, sip)
    assert balance == "8.40"
    assert [line.split()[:2] for line in lines] == [["F0002", "8.40"]]


def test_overpayment_is_refused_and_nothing_changes(session, sip) -> None:
    sim, client = session
    answer = pay(client, sip, "12.41")
    assert answer.fixed_value("payment_accepted") == "N"
    assert answer.get("AF")
    assert pay(client, sip, "9.41", "F0002").fixed_value("payment_accepted") == "N"
    assert owed(client, sip)[0] == "12.40"
    assert sim.library.count("fee_paid", FINED) == 0


def test_an_unknown_fee_id_is_refused(session, sip) -> None:
    _, client = session
    assert pay(client, sip, "1.00", "F9999").fixed_value("payment_accepted") == "N"
    # another patron's fine is not this patron's to pay
    assert pay(client, sip, "0.60", "F0003").fixed_value("payment_accepted") == "N"
    assert owed(client, sip)[0] == "12.40"
    assert owed(client, sip, OTHER)[0] == "0.60"


def test_paying_everything_leaves_no_fine_lines(session, sip) -> None:
    _, client = session
    assert pay(client, sip, "12.40").fixed_value("payment_accepted") == "Y"
    assert owed(client, sip) == ("0.00", [])
    assert pay(client, sip, "0.01").fixed_value("payment_accepted") == "N"


def test_the_dialects_say_it_in_their_own_words(start_sim, connect, sip) -> None:
    said = {}
    for dialect in ("koha", "evergreen"):
        client = connect(start_sim(dialect=dialect))
        client.ask(sip.login(), None)
        said[dialect] = pay(client, sip, "1.00", "F9999").get("AF")
    assert said["evergreen"] == "No bills to pay"
    assert said["koha"] == "Mokestis nerastas"


def test_a_second_client_sees_the_fee_amount_reduced(start_sim, connect, sip) -> None:
    sim = start_sim(dialect="koha")
    kiosk, other = connect(sim), connect(sim)
    for client in (kiosk, other):
        assert client.ask(sip.login(), None).fixed_value("ok") == "1"
    assert pay(kiosk, sip, "3.00", "F0001").fixed_value("payment_accepted") == "Y"
    status = other.ask(sip.patron_status(FINED), None)
    assert status.get("BV") == "9.40"
    assert owed(other, sip)[0] == "9.40"
