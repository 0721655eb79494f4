"""The words and rows of the day's report, shared by the CSV and the PDF renderer: column
headings, fee types, states and reconciliation statuses in Lithuanian (the accountant's
language), and one payment as a row of cells.

Pure: no files. Amounts are written by the `amount` function the renderer passes in (the CSV
writes "12,50" for Excel to read as a number, the PDF "12,50 €").
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.core.payments.report import IlsAck, MatchStatus, PaymentLine, Reconciliation
from kiosk.core.vocabulary import FeeType

Amount = Callable[[int], str]

TITLE = "Mokėjimų kortele dienos ataskaita"
FEE_TYPES = {
    FeeType.OTHER_UNKNOWN: "Kita",
    FeeType.ADMINISTRATIVE: "Administracinis mokestis",
    FeeType.DAMAGE: "Sugadintas leidinys",
    FeeType.OVERDUE: "Delspinigiai",
    FeeType.PROCESSING: "Tvarkymo mokestis",
    FeeType.RENTAL: "Nuoma",
    FeeType.REPLACEMENT: "Prarasto leidinio kompensacija",
    FeeType.COMPUTER_ACCESS: "Naudojimasis kompiuteriu",
    FeeType.HOLD_FEE: "Rezervavimo mokestis",
}
STATES = {
    "paid": "Apmokėta",
    "reversed": "Atšaukta (grąžinta)",
    "not_charged": "Nenuskaičiuota",
    "to_staff": "Sutikrinti darbuotojams",
}
UNFINISHED = "Nebaigta"
ACKS = {
    IlsAck.RECORDED: "Įrašyta",
    IlsAck.PARTLY: "Įrašyta iš dalies",
    IlsAck.REFUSED: "Atmesta",
    IlsAck.NONE: "Nesiųsta",
}
MATCH = {
    MatchStatus.MATCH: "Sutampa",
    MatchStatus.MISMATCH: "NESUTAMPA",
    MatchStatus.NO_CLOSE: "NESUTIKRINTA: terminalas dienos neuždarė",
    MatchStatus.NOTHING: "Mokėjimų nebuvo",
}
PAYMENT_HEADINGS = (
    "Kioskas",
    "Laikas",
    "Mokėjimo ID",
    "Skaitytojo pažymėjimas",
    "Banko kortelė",
    "Kortelės tipas",
    "Būsena",
    "Mokesčių rūšys",
    "Prašyta",
    "Nuskaičiuota",
    "Įrašyta bibliotekoje",
    "Trace nr.",
    "Čekio nr.",
    "Biblioteka",
    "Bibliotekos operacijos",
    "Pastaba",
)
TOTAL_HEADINGS = ("Kioskas", "Rūšis", "Mokėjimų", "Suma")
RECONCILIATION_HEADINGS = (
    "Kioskas",
    "Būsena",
    "Kiosko mokėjimų",
    "Kiosko suma",
    "Terminalo mokėjimų",
    "Terminalo suma",
    "Skirtumas (terminalas − kioskas)",
    "Perkelta iš praėjusios dienos",
    "Po paskutinio uždarymo (kitai dienai)",
    "Terminalo uždarymai",
)
ALL_KIOSKS = "Iš viso"
SECTIONS = {
    "payments": "Mokėjimai",
    "by_brand": "Sumos pagal kortelės tipą",
    "by_fee_type": "Sumos pagal mokesčio rūšį",
    "reconciliation": "Sutikrinimas su terminalo dienos uždarymu",
    "reversals": "Atšaukti (grąžinti) mokėjimai",
    "to_staff": "Sutikrinimo sąrašas: mokėjimai, kuriuos turi sutikrinti darbuotojai",
}


def state_words(state: str) -> str:
    return STATES.get(state, f"{UNFINISHED} ({state})")


def fee_type_words(key: str) -> str:
    try:
        return FEE_TYPES[FeeType(key)]
    except ValueError:
        return key


def payments_count(n: int) -> str:
    """1 mokėjimas, 2 mokėjimai, 10 mokėjimų, 21 mokėjimas: Lithuanian's three forms."""
    if n % 10 == 1 and n % 100 != 11:
        form = "mokėjimas"
    elif 2 <= n % 10 <= 9 and not 11 <= n % 100 <= 19:
        form = "mokėjimai"
    else:
        form = "mokėjimų"
    return f"{n} {form}"


def number(value: int | None) -> str:
    return "" if value is None else str(value)


def payment_row(line: PaymentLine, amount: Amount) -> list[str]:
    return [
        line.kiosk_id,
        line.at.strftime("%Y-%m-%d %H:%M"),
        line.payment_id,
        line.library_card,
        line.bank_card,
        line.card_brand,
        state_words(line.state),
        ", ".join(FEE_TYPES[f] for f in line.fee_types),
        amount(line.asked_cents),
        amount(line.charged_cents),
        amount(line.recorded_cents),
        number(line.trace_number),
        number(line.receipt_number),
        ACKS[line.ils_ack],
        ", ".join(line.ils_transaction_ids),
        line.reason,
    ]


def reconciliation_row(rec: Reconciliation, amount: Amount) -> list[str]:
    closes = ", ".join(f"{c.at:%H:%M}: {c.count} / {amount(c.amount_cents)}" for c in rec.closes)
    return [
        rec.kiosk_id,
        MATCH[rec.status],
        str(rec.charged_count),
        amount(rec.charged_cents),
        str(rec.terminal_count),
        amount(rec.terminal_cents),
        amount(rec.difference_cents),
        amount(rec.carried_in_cents),
        amount(rec.carried_out_cents),
        closes,
    ]


def mismatch_sentence(rec: Reconciliation, amount: Amount) -> str:
    """One line that cannot be missed, for every kiosk whose totals do not agree."""
    return (
        f"{MATCH[rec.status]}: kioskas {rec.kiosk_id}: terminalas {rec.terminal_count} / "
        f"{amount(rec.terminal_cents)}, kioskas {rec.charged_count} / "
        f"{amount(rec.charged_cents)}, skirtumas {amount(rec.difference_cents)}"
    )
