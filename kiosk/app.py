"""The composition root: the only module that knows the concrete adapters.

It turns validated settings into adapters and core services; everything else receives what it
needs from here (no singletons, no import-time side effects).
"""

from __future__ import annotations

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.settings.ils import IlsSection


def sip2_config(ils: IlsSection) -> Sip2Config:
    return Sip2Config(
        endpoint=Endpoint(
            host=ils.host,
            port=ils.port,
            tls=ils.tls,
            tls_verify=ils.tls_verify,
            ca_file=ils.tls_ca_file,
            cert_file=ils.tls_cert_file,
            key_file=ils.tls_key_file,
            connect_timeout_s=ils.timeout_s,
        ),
        wire=Wire(
            encoding=ils.encoding,
            terminator=b"\r\n" if ils.terminator == "CRLF" else b"\r",
            error_detection=ils.error_detection,
            timeout_s=ils.timeout_s,
            retries=ils.retries,
        ),
        terminal=Terminal(
            institution=ils.institution,
            location=ils.location,
            terminal_password=ils.terminal_password.get_secret_value(),
            nb_due_date=ils.nb_due_date,
        ),
        username=ils.username,
        password=ils.password.get_secret_value(),
        keepalive_s=ils.keepalive_s,
    )


def build_library_system(ils: IlsSection) -> Sip2Client:
    return Sip2Client(sip2_config(ils))
