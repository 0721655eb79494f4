"""An e-mail as the kiosk queues it, and the MIME message built from it: plain text plus an
HTML alternative that shows the same receipt (monospaced, so the columns line up).

Pure: no SMTP, no clock (the Date header is set by the sender when it is really sent).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    text: str


def build_message(mail: OutgoingMail, from_address: str, from_name: str = "") -> EmailMessage:
    message = EmailMessage()
    user, _, domain = from_address.partition("@")
    message["From"] = Address(display_name=from_name, username=user, domain=domain)
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=domain or None)
    message.set_content(mail.text)
    message.add_alternative(_html(mail), subtype="html")
    return message


def _html(mail: OutgoingMail) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(mail.subject)}</title></head>\n"
        '<body><pre style="font-family: monospace; font-size: 14px">'
        f"{html.escape(mail.text)}</pre></body></html>\n"
    )
