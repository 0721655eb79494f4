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
    """The report in a few lines: the e-mail's text and `kiosk payments report` without a
    format. Every mismatch and every payment on the reconciliation list is named."""
    paid = sum(1 for line in report.lines if line.state == "paid")
    lines = [
        f"{words.TITLE}: {report.day.isoformat()}" + (f", {library_name}" if library_name else ""),
        "",
        f"{words.ALL_KIOSKS}: {money(report.charged_cents)} "
        f"(mokėjimų: {len(report.lines)}, apmokėta: {paid})",
    ]
    for section in report.kiosks:
        rec = section.reconciliation
        lines.append(
            f"  {section.kiosk_id}: {money(section.charged_cents)}; su terminalu: "
            f"{words.MATCH[rec.status]} (kioskas {rec.charged_count} / "
            f"{money(rec.charged_cents)}, terminalas {rec.terminal_count} / "
            f"{money(rec.terminal_cents)})"
        )
    lines.append("")
    lines += [words.mismatch_sentence(rec, money) for rec in report.mismatches]
    if report.reversals:
        given_back = sum(line.asked_cents for line in report.reversals)
        lines.append(
            f"Atšaukta: {words.payments_count(len(report.reversals))} ({money(given_back)})"
        )
    if report.reconciliation_list:
        lines.append(f"Sutikrinimo sąraše: {words.payments_count(len(report.reconciliation_list))}")
        lines += [
            f"  {line.at:%Y-%m-%d %H:%M} {line.kiosk_id} {line.payment_id} "
            f"{money(line.asked_cents)}, trace {words.number(line.trace_number)}, "
            f"čekis {words.number(line.receipt_number)}: {line.reason}"
            for line in report.reconciliation_list
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


FOOTER = "\nAtaskaita prisegta. Šį laišką išsiuntė bibliotekos savitarnos kioskas.\n"


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
    message.set_content(summary(report, money, library_name) + FOOTER)
    name, data, subtype = attachment(report, fmt, money, library_name, font)
    maintype = "application" if subtype == "pdf" else "text"
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message
