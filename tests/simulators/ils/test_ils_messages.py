"""What the simulated ACS answers, message by message, on the demo library (sans-I/O, utf-8).

Patron status and information (summary lists and ranges), checkout/checkin/renew/renew all,
fee paid, item information, holds, block/enable, no-block per dialect, offline answers."""

from __future__ import annotations

from types import ModuleType

import pytest

from backend_sync.sip2.codec import Message, decode, make
from simulators.ils.dataset import load_library
from simulators.ils.dialects import options_for
from simulators.ils.handlers import Account, Acs
from simulators.ils.session import AcsSession

ONA, JONAS, BLOCKED, EXPIRED, FINED, CHILD = (f"21000000{n:02d}" for n in (1, 2, 3, 4, 5, 6))
TOMAS, AISTE, MINDAUGAS, LOST_CARD, ZYGIMANTAS = (f"21000000{n:02d}" for n in (8, 9, 10, 11, 12))
AVAILABLE = "9786090100011"
MARTI = "9786090100035"
DROBULE = "9786090100257"
HERKUS = "9786090100301"
DIEVU_MISKAS = "9786090100202"
AUDIOBOOK = "9786090100288"
MINDAUGAS_BOOK = "9786090100233"
ALTORIU = "9786090100189"
BALTARAGIO = "9786090100271"
MISKAIS = "9786090100240"
REFERENCE = "9786090100028"


class Ask:
    """A logged-in session on a fresh demo library, asked in utf-8."""

    def __init__(self, sip: ModuleType, dialect: str = "generic", online: bool = True) -> None:
        library, _ = load_library(today=sip.NOW.date())
        options = options_for(dialect, encoding="utf-8")
        self.session = AcsSession(Acs(library, [Account("kiosk1", "demo", "ABONEMENTAS")], options))
        self.sip = sip
        self.library = library
        self.online = online
        assert self(sip.login()).fixed_value("ok") == "1"

    def raw(self, message: Message) -> bytes | None:
        data = self.sip.wire(message, 1, "utf-8")
        return self.session.receive(data, self.sip.NOW, self.online).data

    def __call__(self, message: Message) -> Message:
        data = self.raw(message)
        assert data is not None
        return decode(data, "utf-8").message


@pytest.fixture
def ask(sip: ModuleType) -> Ask:
    return Ask(sip)


# -- patrons -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("patron", "denied_positions"),
    [
        (ONA, ""),
        (BLOCKED, "0123"),
        (EXPIRED, "013"),
        (FINED, "013A"),
        (CHILD, "05"),
        (LOST_CARD, "0134"),
    ],
)
def test_patron_status_flags(ask: Ask, sip, patron: str, denied_positions: str) -> None:
    status = ask(sip.patron_status(patron)).fixed_value("patron_status")
    expected = {int(c, 16) for c in denied_positions}
    expected.discard(2)  # recall privilege: never denied here
    assert {i for i, c in enumerate(status) if c == "Y"} == expected


def test_patron_status_validates_card_and_pin(ask: Ask, sip) -> None:
    good = ask(sip.patron_status(ONA, pin="1234"))
    assert good.get("BL") == "Y" and good.get("CQ") == "Y" and good.get("AE") == "Ona Žemaitytė"
    bad = ask(sip.patron_status(ONA, pin="9999"))
    assert bad.get("CQ") == "N"
    unknown = ask(sip.patron_status("0000000000", pin="1234"))
    assert unknown.get("BL") == "N" and unknown.get("CQ") == "N"
    assert ask(sip.patron_status(ONA)).get("CQ") is None  # no PIN asked, none answered


def test_patron_information_counts_and_hold_list(ask: Ask, sip) -> None:
    info = ask(sip.patron_info(JONAS, "2345", summary="Y         "))
    assert info.fixed_value("hold_items_count") == "0002"
    assert info.fixed_value("charged_items_count") == "0002"
    assert info.get_all("AS") == [DIEVU_MISKAS, AUDIOBOOK]
    assert info.get("CB") == "0010" and info.get("CQ") == "Y"


@pytest.mark.parametrize(("dialect", "hold_items"), [("koha", 0), ("evergreen", 2), ("folio", 2)])
def test_hold_items_count_per_dialect(sip, dialect: str, hold_items: int) -> None:
    info = Ask(sip, dialect)(sip.patron_info(ZYGIMANTAS, summary="Y         "))  # 2 queued
    assert info.fixed_value("hold_items_count") == f"{hold_items:04d}"
    assert info.fixed_value("unavailable_holds_count") == "0002"
    assert len(info.get_all("AS")) == hold_items


def test_patron_information_honours_start_and_end_item(ask: Ask, sip) -> None:
    info = ask(sip.patron_info(JONAS, summary="Y         ", BP="2", BQ="2"))
    assert info.get_all("AS") == [AUDIOBOOK]


@pytest.mark.parametrize(
    ("patron", "summary", "field", "count"),
    [
        (TOMAS, " Y        ", "AT", 2),
        (ONA, "  Y       ", "AU", 2),
        (FINED, "   Y      ", "AV", 2),
        (ZYGIMANTAS, "     Y    ", "CD", 2),
    ],
)
def test_patron_information_lists(ask: Ask, sip, patron, summary, field, count) -> None:
    info = ask(sip.patron_info(patron, summary=summary))
    assert len(info.get_all(field)) == count
    others = {"AS", "AT", "AU", "AV", "BU", "CD"} - {field}
    assert not any(info.get_all(other) for other in others)


def test_fine_items_and_balance(ask: Ask, sip) -> None:
    info = ask(sip.patron_info(FINED, summary="   Y      "))
    assert info.get("BV") == "12.40" and info.get("BH") == "EUR"
    assert info.get_all("AV")[0] == "F0001 3.00 Delspinigiai: Šarūnas"
    assert info.fixed_value("patron_status")[10] == "Y"


def test_unknown_patron_information(ask: Ask, sip) -> None:
    info = ask(sip.patron_info("0000000000"))
    assert info.get("BL") == "N" and info.fixed_value("charged_items_count") == "0000"


def test_block_patron_is_answered_with_24_and_enable_lifts_it(ask: Ask, sip) -> None:
    fields = [("AO", "AVB"), ("AL", "Kortelė paliko aparate"), ("AA", ONA), ("AC", "")]
    block = make("01", {"card_retained": "Y", "transaction_date": sip.SIP_NOW}, fields)
    blocked = ask(block)
    assert blocked.command == "24" and blocked.fixed_value("patron_status")[0] == "Y"
    assert blocked.get("AF") == "Kortelė paliko aparate"
    enable = make("25", {"transaction_date": sip.SIP_NOW}, [("AO", "AVB"), ("AA", ONA)])
    enabled = ask(enable)
    assert enabled.command == "26" and enabled.fixed_value("patron_status") == " " * 14
    assert ask.library.count("block", ONA) == 1 and ask.library.count("enable", ONA) == 1


def test_end_session(ask: Ask, sip) -> None:
    end = make("35", {"transaction_date": sip.SIP_NOW}, [("AO", "AVB"), ("AA", ONA)])
    assert ask(end).fixed_value("end_session") == "Y"


def test_fee_paid_reduces_the_fines(ask: Ask, sip) -> None:
    paid = ask(sip.fee_paid(FINED, "3.00"))
    assert paid.fixed_value("payment_accepted") == "Y" and paid.get("BK")
    assert ask(sip.patron_info(FINED)).get("BV") == "9.40"
    assert ask(sip.fee_paid(FINED, "100.00")).fixed_value("payment_accepted") == "N"
    assert ask(sip.fee_paid(FINED, "abc")).fixed_value("payment_accepted") == "N"
    assert ask(sip.fee_paid(FINED, "9,40", fine_id="F0002")).fixed_value("payment_accepted") == "Y"
    assert ask(sip.patron_info(FINED)).get("BV") == "0.00"
    assert ask.library.count("fee_paid", FINED) == 2


# -- items ---------------------------------------------------------------------------------
def test_checkout_gives_a_due_date(ask: Ask, sip) -> None:
    out = ask(sip.checkout(ONA, AVAILABLE, pin="1234"))
    assert out.fixed_value("ok") == "1" and out.fixed_value("desensitize") == "Y"
    assert out.get("AH") == "20261223    235959" and out.get("AJ") == "Metai"


@pytest.mark.parametrize(
    ("patron", "item", "message"),
    [
        (BLOCKED, AVAILABLE, "Skaitytojo pažymėjimas užblokuotas"),
        (EXPIRED, AVAILABLE, "Skaitytojo pažymėjimo galiojimas pasibaigė"),
        (FINED, AVAILABLE, "Per didelė skola: sumokėkite delspinigius"),
        (CHILD, AVAILABLE, "Pasiektas leidinių skaičiaus limitas"),
        (ONA, REFERENCE, "Leidinys skirtas tik skaityklai"),
        (ONA, DIEVU_MISKAS, "Leidinys rezervuotas kitam skaitytojui"),
        (ONA, HERKUS, "Leidinys išduotas kitam skaitytojui"),
        (ONA, "0000", "Leidinys nerastas"),
    ],
)
def test_checkout_refusals(ask: Ask, sip, patron, item, message) -> None:
    out = ask(sip.checkout(patron, item))
    assert out.fixed_value("ok") == "0" and out.get("AH") == ""
    assert out.get("AF") == message
    assert ask.library.count("checkout") == 0


def test_hold_pickup_of_a_set_warns_about_its_parts(ask: Ask, sip) -> None:
    out = ask(sip.checkout(JONAS, AUDIOBOOK))
    assert out.fixed_value("ok") == "1"
    assert out.get("CH") == "Komplektas: 2 dalys" and "2" in (out.get("AF") or "")
    assert ask.library.holds_of(JONAS)[0].item == DIEVU_MISKAS  # the audiobook hold is filled


def test_checkin_of_a_held_item_alerts_with_the_hold(ask: Ask, sip) -> None:
    back = ask(sip.checkin(DROBULE))
    assert back.fixed_value("ok") == "1" and back.fixed_value("alert") == "Y"
    assert back.get("CV") == "01" and back.get("CT") == "KNYGOMATAS-1"
    assert back.get("CY") == ZYGIMANTAS and back.get("DA") == "Žygimantas Ūsas"
    assert back.get("CL") == "H1" and back.get("AA") == ONA and back.get("AQ") == "ABONEMENTAS"


def test_checkin_of_an_item_held_in_another_branch_says_02(ask: Ask, sip) -> None:
    back = ask(sip.checkin(HERKUS))
    assert back.get("CV") == "02" and back.get("CT") == "FILIALAS" and back.get("CL") == "T1"


def test_plain_checkin_and_a_second_one(ask: Ask, sip) -> None:
    back = ask(sip.checkin(MARTI))
    assert back.fixed_value("ok") == "1" and back.fixed_value("alert") == "N"
    assert back.get("CL") == "R1"
    again = ask(sip.checkin(MARTI))
    assert again.fixed_value("ok") == "0" and again.get("AF") == "Leidinys nebuvo išduotas"
    assert ask.library.count("checkin", MARTI) == 1


def test_late_checkin_reports_the_fine(ask: Ask, sip) -> None:
    back = ask(sip.checkin("9786090100141"))  # Tomas', 12 days late
    assert back.fixed_value("ok") == "1" and "1.20 EUR" in (back.get("AF") or "")


def test_renew_and_its_refusals(ask: Ask, sip) -> None:
    ok = ask(sip.renew(ONA, MARTI))
    assert ok.command == "30" and ok.fixed_value("ok") == "1"
    assert ok.fixed_value("renewal_ok") == "Y" and ok.get("AH") == "20261223    235959"
    limit = ask(sip.renew(AISTE, ALTORIU))
    assert limit.fixed_value("ok") == "0" and limit.get("AF") == "Pratęsimų limitas išnaudotas"
    queued = ask(sip.renew(MINDAUGAS, BALTARAGIO))
    assert queued.get("AF") == "Leidinio laukia kiti skaitytojai"


def test_renew_by_title(ask: Ask, sip) -> None:
    fixed = {"third_party_allowed": "N", "no_block": "N", "transaction_date": sip.SIP_NOW,
             "nb_due_date": " " * 18}  # fmt: skip
    by_title = make("29", fixed, [("AO", "AVB"), ("AA", ONA), ("AJ", "Marti")])
    renewed = ask(by_title)
    assert renewed.fixed_value("ok") == "1" and renewed.get("AB") == MARTI
    assert ask.library.count("renew", MARTI) == 1


def test_renew_all(ask: Ask, sip) -> None:
    request = make("65", {"transaction_date": sip.SIP_NOW}, [("AO", "AVB"), ("AA", MINDAUGAS)])
    result = ask(request)
    assert result.fixed_value("ok") == "1"
    assert result.fixed_value("renewed_count") == "0001"
    assert result.fixed_value("unrenewed_count") == "0001"
    assert result.get_all("BM") == [MISKAIS] and result.get_all("BN") == [BALTARAGIO]


@pytest.mark.parametrize(
    ("item", "status", "field", "value"),
    [
        (AVAILABLE, "03", "CF", "0"),
        (MARTI, "04", "AH", "20261213    235959"),
        (DIEVU_MISKAS, "08", "CM", "20261130    235959"),
        (BALTARAGIO, "04", "CF", "1"),
        ("0000", "01", "AJ", ""),
    ],
)
def test_item_information(ask: Ask, sip, item, status, field, value) -> None:
    info = ask(sip.item_info(item))
    assert info.fixed_value("circulation_status") == status
    assert info.get(field) == value


def test_item_status_update_sets_properties(ask: Ask, sip) -> None:
    update = make("19", {"transaction_date": sip.SIP_NOW},
                  [("AO", "AVB"), ("AB", AVAILABLE), ("CH", "RFID: 1 žymė")])  # fmt: skip
    assert ask(update).fixed_value("item_properties_ok") == "1"
    assert ask(sip.item_info(AVAILABLE)).get("CH") == "RFID: 1 žymė"


def test_hold_add_and_delete(ask: Ask, sip) -> None:
    def hold(mode: str, item: str) -> Message:
        fields = [("BS", "KNYGOMATAS-1"), ("AO", "AVB"), ("AA", ONA), ("AB", item)]
        return ask(make("15", {"hold_mode": mode, "transaction_date": sip.SIP_NOW}, fields))

    added = hold("+", HERKUS)
    assert added.fixed_value("ok") == "1" and added.get("BR") == "2"
    assert added.get("BS") == "KNYGOMATAS-1" and added.fixed_value("available") == "N"
    assert hold("+", HERKUS).fixed_value("ok") == "0"
    assert hold("-", HERKUS).fixed_value("ok") == "1"
    assert hold("-", HERKUS).fixed_value("ok") == "0"
    assert ask.library.count("hold_placed", HERKUS) == 1


# -- no-block and offline ------------------------------------------------------------------
def test_generic_accepts_no_block_with_the_kiosks_dates(sip) -> None:
    ask = Ask(sip)
    out = ask(sip.checkout(BLOCKED, AVAILABLE, no_block="Y", date="20261120    101500",
                           nb_due="20261218    101500"))  # fmt: skip
    assert out.fixed_value("ok") == "1" and out.get("AH") == "20261218    101500"
    loan = ask.library.loan(AVAILABLE)
    assert loan is not None and loan.start.isoformat() == "2026-11-20T10:15:00"


def test_folio_ignores_no_block(sip) -> None:
    ask = Ask(sip, "folio")
    assert ask(sip.checkout(BLOCKED, AVAILABLE, no_block="Y")).fixed_value("ok") == "0"


@pytest.mark.parametrize("dialect", ["koha", "evergreen"])
def test_koha_and_evergreen_die_on_no_block_checkout(sip, dialect) -> None:
    ask = Ask(sip, dialect)
    assert ask.raw(sip.checkout(ONA, AVAILABLE, no_block="Y")) is None
    assert ask.library.count("checkout") == 0


def test_offline_status_refuses_transactions_but_answers_lookups(sip) -> None:
    ask = Ask(sip, online=False)
    out = ask(sip.checkout(ONA, AVAILABLE))
    assert (
        out.fixed_value("ok") == "0"
        and out.get("AF") == "Bibliotekos sistema laikinai nepasiekiama"
    )
    assert ask(sip.checkin(MARTI)).fixed_value("ok") == "0"
    assert ask(sip.fee_paid(FINED, "1.00")).fixed_value("payment_accepted") == "N"
    assert ask(sip.item_info(MARTI)).fixed_value("circulation_status") == "04"
    assert ask.library.count("checkout") + ask.library.count("checkin") == 0
