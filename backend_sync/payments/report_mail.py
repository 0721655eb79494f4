"""The day's report as an e-mail to the accountant: a short text (the day's total, every
mismatch with the terminal, how many payments wait for staff) and the report attached as PDF
or CSV. Pure: builds the message, sends nothing (the SMTP sender does).
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from backend_sync.payments import report_words as words
from backend_sync.payments.report_csv import render_csv
from backend_sync.payments.report_pdf import DEJAVU, render_pdf
from kiosk.core.payments.report import DayReport


def attachment(
    report: DayReport, fmt: str, money: words.Amount, library_name: str = "", font: Path = DEJAVU
) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME subtype) of the report in `fmt` ("pdf" or "csv")."""
    name = f"mokejimai-{report.day.isoformat()}.{fmt}"
    if fmt == "pdf":
        return name, render_pdf(report, money, library_name=library_name, font=font), "pdf"
    if fmt == "csv":
        return name, render_csv(report, library_name), "csv"
    raise ValueError(f"unknown report format {fmt!r}: pdf or csv")


def summary(report: DayReport, money: words.Amount, library_name: str = "") -> str:
    lines = [
        f"{words.TITLE}: {report.day.isoformat()}" + (f", {library_name}" if library_name else ""),
        "",
        f"{words.ALL_KIOSKS}: {money(report.charged_cents)} ({len(report.lines)} mokėjimų įraš.)",
    ]
    for section in report.kiosks:
        lines.append(f"  {section.kiosk_id}: {money(section.charged_cents)}")
    lines.append("")
    if report.mismatches:
        lines += [words.mismatch_sentence(rec, money) for rec in report.mismatches]
    else:
        lines.append("Terminalų dienos uždarymai sutampa su kioskų suma.")
    if report.reconciliation_list:
        lines.append(f"Sutikrinimo sąraše: {len(report.reconciliation_list)} mokėjimai (-ų).")
    lines += ["", "Ataskaita prisegta. Šį laišką išsiuntė savitarnos kioskas."]
    return "\n".join(lines) + "\n"


def report_message(
    report: DayReport,
    fmt: str,
    money: words.Amount,
    *,
    to: list[str],
    from_address: str,
    from_name: str = "",
    library_name: str = "",
    font: Path = DEJAVU,
) -> EmailMessage:
    message = EmailMessage()
    user, _, domain = from_address.partition("@")
    message["From"] = Address(display_name=from_name, username=user, domain=domain)
    message["To"] = ", ".join(to)
    flag = " — NESUTAMPA" if report.mismatches else ""
    message["Subject"] = f"Mokėjimų ataskaita {report.day.isoformat()}{flag}"
    message["Message-ID"] = make_msgid(domain=domain or None)
    message.set_content(summary(report, money, library_name))
    name, data, subtype = attachment(report, fmt, money, library_name, font)
    maintype = "application" if subtype == "pdf" else "text"
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message
