"""The e-mail that carries an application to the lending desk: a plain-text summary for the
librarian, a CSV row (for a spreadsheet or an import) and a vCard 4.0 (RFC 6350) attached.

Pure: builds bytes and an EmailMessage from an Application; no SMTP, no clock (the sending
date is the sender's), no files. Spreadsheet formulas are defused in the CSV (a value that
starts with = @ - is prefixed with an apostrophe).
"""

from __future__ import annotations

import csv
import io
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid

from kiosk.core.registration.model import Application

CSV_COLUMNS = (
    "application_number", "first_name", "surname", "date_of_birth", "street", "city", "postcode",
    "email", "phone", "preferred_contact", "language", "consent_version", "parent_consent",
)  # fmt: skip


def _rows(app: Application, number: str) -> list[tuple[str, str, str]]:
    """(CSV column, label for the librarian, value)"""
    return [
        ("application_number", "Prašymo Nr. / Application no.", number),
        ("first_name", "Vardas / First name", app.first_name),
        ("surname", "Pavardė / Surname", app.surname),
        ("date_of_birth", "Gimimo data / Date of birth", app.birth_date.isoformat()),
        ("street", "Adresas / Street", app.address.street),
        ("city", "Miestas / City", app.address.city),
        ("postcode", "Pašto kodas / Postcode", app.address.postcode),
        ("email", "El. paštas / E-mail", app.email),
        ("phone", "Telefonas / Phone", app.phone),
        ("preferred_contact", "Pageidaujamas ryšys / Contact by", app.preferred_contact.value),
        ("language", "Kalba / Language", app.language),
        ("consent_version", "Sutikimo teksto versija / Consent text", app.consent_version),
        ("parent_consent", "Reikia tėvų sutikimo / Parent consent needed",
         "taip / yes" if app.parent_consent else "ne / no"),
    ]  # fmt: skip


def summary_text(app: Application, number: str) -> str:
    lines = [
        "Naujo skaitytojo išankstinė registracija savitarnos stotelėje.",
        "Reader pre-registration made at the self-service kiosk.",
        "",
    ]
    lines += [f"{label}: {value}" for _, label, value in _rows(app, number)]
    lines += [f"{key}: {value}" for key, value in app.extras if value]
    lines += [
        "",
        "Skaitytojas atvyks su asmens dokumentu; patikrinkite duomenis ir išduokite pažymėjimą.",
        "The reader will bring an identity document; check the details and issue the card.",
    ]
    return "\n".join(lines) + "\n"


def _defused(value: str) -> str:
    return "'" + value if value[:1] in ("=", "@", "-") else value


def csv_bytes(app: Application, number: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows = _rows(app, number)
    extras = [(key, value) for key, value in app.extras]
    writer.writerow([column for column, _, _ in rows] + [key for key, _ in extras])
    values = [value if column == "phone" else _defused(value) for column, _, value in rows]
    writer.writerow(values + [_defused(value) for _, value in extras])
    return out.getvalue().encode("utf-8-sig")  # the BOM: spreadsheets then read č, š, ž right


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 6350 §3.2: lines longer than 75 octets continue after CRLF + space (never inside
    a UTF-8 character)."""
    parts, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > 75:
            parts.append(current)
            current, size = " ", 1
        current += ch
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def vcard_bytes(app: Application, number: str) -> bytes:
    a = app.address
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"FN:{_escape(app.first_name)} {_escape(app.surname)}",
        f"N:{_escape(app.surname)};{_escape(app.first_name)};;;",
        f"BDAY:{app.birth_date.strftime('%Y%m%d')}",
        f"LANG:{_escape(app.language)}",
        f"NOTE:{_escape('Application ' + number)}",
    ]
    if a.street or a.city or a.postcode:
        lines.append(
            f"ADR;TYPE=home:;;{_escape(a.street)};{_escape(a.city)};;{_escape(a.postcode)};"
        )
    if app.email:
        lines.append(f"EMAIL:{_escape(app.email)}")
    if app.phone:
        lines.append(f"TEL;VALUE=uri;TYPE=cell:tel:{app.phone}")
    lines.append("END:VCARD")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


_UTF8 = {"charset": "utf-8"}


def desk_message(
    app: Application, number: str, *, to: str, from_address: str, from_name: str = ""
) -> EmailMessage:
    message = EmailMessage()
    user, _, domain = from_address.partition("@")
    message["From"] = Address(display_name=from_name, username=user, domain=domain)
    message["To"] = to
    message["Subject"] = f"Skaitytojo registracija {number} / Reader pre-registration {number}"
    message["Message-ID"] = make_msgid(domain=domain or None)
    message.set_content(summary_text(app, number))
    message.add_attachment(
        csv_bytes(app, number),
        maintype="text",
        subtype="csv",
        filename=f"{number}.csv",
        params=_UTF8,
    )
    message.add_attachment(
        vcard_bytes(app, number),
        maintype="text",
        subtype="vcard",
        filename=f"{number}.vcf",
        params=_UTF8,
    )
    return message
