"""registration_from(settings): the [registration] table made into its RegistrationPort.

Builds the Koha, FOLIO or desk-mail backend with plain arguments; the desk backend reuses the
[smtp] mail server and keeps its ledger in [kiosk] data_dir. Returns None when the kiosk has
no [registration] table (the screens then offer no registration).
registration_queue_from(settings): the queue file that holds applications while they are sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from backend_sync.registration.desk import DeskRegistration
from backend_sync.registration.desk_ledger import DeskLedger
from backend_sync.registration.folio import FolioRegistration
from backend_sync.registration.koha import KohaRegistration
from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.core.clock import SystemClock
from kiosk.core.registration import Field, RegistrationPort, Rules
from kiosk.settings.loader import ConfigError
from kiosk.settings.model import Settings
from kiosk.wiring.notify import smtp_sender_from


def registration_rules_from(settings: Settings) -> Rules | None:
    """The form's rules (optional fields, parent-consent age) for the core's validation."""
    section = settings.registration
    if section is None:
        return None
    return Rules(
        optional=frozenset(Field(name) for name in section.optional_fields),
        parent_consent_age=section.parent_consent_age,
    )


def registration_from(
    settings: Settings, *, today: Callable[[], date] | None = None
) -> RegistrationPort | None:
    section = settings.registration
    if section is None:
        return None
    secret = section.client_secret.get_secret_value()
    if section.backend == "koha":
        return KohaRegistration(
            section.base_url,
            section.client_id,
            secret,
            category_id=section.temporary_category,
            library_id=section.library_id,
            timeout_s=section.timeout_s,
        )
    if section.backend == "folio":
        return FolioRegistration(
            section.base_url, section.tenant, section.client_id, secret, timeout_s=section.timeout_s
        )
    smtp = settings.smtp
    if smtp is None:
        raise ConfigError("registration.backend = 'desk' sends e-mail: add the [smtp] table")
    sender = smtp_sender_from(smtp)
    ledger = DeskLedger(
        Path(settings.kiosk.data_dir) / section.desk_ledger_file, section.desk_number_prefix
    )
    clock = SystemClock(settings.kiosk.timezone)
    return DeskRegistration(
        sender,
        ledger,
        desk_email=section.desk_email,
        from_address=smtp.from_address,
        from_name=smtp.from_name,
        today=today or (lambda: clock.now().date()),
    )


def registration_queue_path(settings: Settings) -> Path | None:
    """[registration] queue_file, under [kiosk] data_dir unless absolute."""
    section = settings.registration
    if section is None:
        return None
    path = Path(section.queue_file)
    return path if path.is_absolute() else Path(settings.kiosk.data_dir) / path


def registration_queue_from(settings: Settings) -> RegistrationQueueFile | None:
    path = registration_queue_path(settings)
    if path is None or settings.registration is None:
        return None
    return RegistrationQueueFile(path, settings.registration.backend)
