"""The library system from [ils]: the SIP2 client (one, or a pool of ``[ils] connections``),
with its transaction dates on the library's wall clock ([kiosk] timezone: SIP2 dates are
local time at the ACS). The only place [ils] becomes a client; a second backend (a REST ILS)
gets its own factory here, chosen by the settings, and nothing above the wiring changes.
"""

from __future__ import annotations

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.clock import wall_time
from kiosk.core.library_pool import LibraryPool
from kiosk.core.ports import LibrarySystem
from kiosk.settings.ils import IlsSection
from kiosk.settings.model import Settings


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


def sip2_client_from(ils: IlsSection, zone: str | None = None) -> Sip2Client:
    """One SIP2 client of an [ils] table; its dates are wall time in ``zone``."""
    return Sip2Client(sip2_config(ils), clock=wall_time(zone))


def _ils(settings: Settings) -> IlsSection:
    if settings.ils is None:
        raise ValueError("the configuration has no [ils] table")
    return settings.ils


def library_from(settings: Settings) -> Sip2Client:
    """One connection to the library system (commands, the status probe, the replay worker,
    the locker bank, room patron look-ups)."""
    return sip2_client_from(_ils(settings), settings.kiosk.timezone)


def session_library_from(settings: Settings) -> LibrarySystem:
    """The patron session's library system: one client, or a pool of ``[ils] connections``
    of them (a stack of books is then sent in parallel)."""
    ils = _ils(settings)
    if ils.connections > 1:
        return LibraryPool([library_from(settings) for _ in range(ils.connections)])
    return library_from(settings)
