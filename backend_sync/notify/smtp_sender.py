"""Sends one message over SMTP with the configured security and login, and says whether a
failure is worth retrying.

Transient (retry later): the server cannot be reached, times out, answers 4xx, or refuses
the login (a wrong password is fixed by staff, and the receipt must survive until then).
Permanent (keep, do not retry): the server answers 5xx for this recipient or message.
Never logs the password; the recipient is masked in log lines.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate


class MailError(Exception):
    """Sending failed; ``permanent`` says whether retrying can help."""

    permanent = False


class TransientMailError(MailError):
    pass


class PermanentMailError(MailError):
    permanent = True


@dataclass(frozen=True)
class SmtpOptions:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls, tls or none
    tls_verify: bool = True
    tls_ca_file: str | None = None
    username: str = ""
    password: str = field(default="", repr=False)
    timeout_s: float = 10.0


class SmtpSender:
    def __init__(self, options: SmtpOptions) -> None:
        self.options = options

    def send(self, message: EmailMessage) -> None:
        if "Date" not in message:
            message["Date"] = formatdate(localtime=True)
        try:
            with self._connect() as smtp:
                if self.options.username:
                    smtp.login(self.options.username, self.options.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _by_code(min(codes), "recipient refused") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise TransientMailError(f"login refused ({exc.smtp_code})") from None
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, "server refused the message") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientMailError(f"server not reachable: {exc}") from None

    def check(self) -> None:
        """Connect, log in when configured, NOOP: raises TransientMailError when the server
        cannot be used (for the health probe; sends nothing)."""
        try:
            with self._connect() as smtp:
                if self.options.username:
                    smtp.login(self.options.username, self.options.password)
                code, _ = smtp.noop()
        except smtplib.SMTPAuthenticationError as exc:
            raise TransientMailError(f"login refused ({exc.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientMailError(f"server not reachable: {exc}") from None
        if code != 250:
            raise TransientMailError(f"server answered NOOP with {code}")

    def _connect(self) -> smtplib.SMTP:
        o = self.options
        context = self._tls_context()
        if o.security == "tls":
            return smtplib.SMTP_SSL(o.host, o.port, timeout=o.timeout_s, context=context)
        smtp = smtplib.SMTP(o.host, o.port, timeout=o.timeout_s)
        if o.security == "starttls":
            try:
                smtp.starttls(context=context)
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.options.tls_ca_file)
        if not self.options.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def _by_code(code: int, what: str) -> MailError:
    if 500 <= code < 600:
        return PermanentMailError(f"{what} ({code})")
    return TransientMailError(f"{what} ({code})")
