"""What an applicant gives the kiosk, what the library system answers, and what can go wrong.

An ``Application`` is frozen and holds the applicant's details already normalised by
validation (phone in +370 form, e-mail trimmed); its ``repr`` names no personal data, so an
application that reaches a log line, a traceback or an assertion message leaks nothing.
Errors say who is at fault: ``Duplicate`` and ``Rejected`` are the library system's answer
in words (the screen shows them), ``BackendUnavailable`` means nothing was done and the
application may be queued, ``AnswerLost`` means it may have been done (look before resending).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Field(StrEnum):
    """The form's fields; the screens and the backends' error mapping share these names."""

    FIRST_NAME = "first_name"
    SURNAME = "surname"
    BIRTH_DATE = "birth_date"
    STREET = "street"
    CITY = "city"
    POSTCODE = "postcode"
    EMAIL = "email"
    PHONE = "phone"
    PREFERRED_CONTACT = "preferred_contact"
    CONSENT = "consent"
    EXTRA = "extra"  # one of the library's optional extra fields
    OTHER = "other"  # the library system named a field the kiosk does not have


class Contact(StrEnum):
    """How the applicant wants to hear from the library."""

    EMAIL = "email"
    PHONE = "phone"
    POST = "post"


@dataclass(frozen=True, repr=False)
class Address:
    street: str = ""
    city: str = ""
    postcode: str = ""

    def __repr__(self) -> str:
        return "Address(<withheld>)"


@dataclass(frozen=True, repr=False)
class Application:
    first_name: str
    surname: str
    birth_date: date
    address: Address = field(default_factory=Address)
    email: str = ""
    phone: str = ""
    preferred_contact: Contact = Contact.EMAIL
    language: str = "lt"
    consent_accepted: bool = False
    consent_version: str = ""
    parent_consent: bool = False  # the applicant was told a parent must sign at the desk
    extras: tuple[tuple[str, str], ...] = ()  # (key, value) of the library's optional fields

    def __repr__(self) -> str:
        return f"Application(<withheld>, language={self.language!r})"

    def extra(self, key: str) -> str:
        return dict(self.extras).get(key, "")


@dataclass(frozen=True)
class ExistingRecord:
    """A record the library system already holds for this applicant (found by e-mail).

    ``ours`` is true when the record carries this application's idempotency key: it is the
    kiosk's own earlier submission whose answer was lost, not somebody's older registration."""

    record_id: str
    application_number: str
    ours: bool


@dataclass(frozen=True)
class Submitted:
    """The library system holds the application. ``application_number`` is what the slip
    shows and staff look up; ``recovered`` says it was found after a lost answer."""

    application_number: str
    record_id: str
    recovered: bool = False


class RegistrationError(Exception):
    """Base of everything a registration backend raises."""


class Duplicate(RegistrationError):
    """The library system already has this reader; ``reason`` says so in words."""

    def __init__(self, reason: str, record_id: str = "") -> None:
        super().__init__(reason)
        self.reason, self.record_id = reason, record_id


class Rejected(RegistrationError):
    """The library system refused a field (e.g. a required one it found missing)."""

    def __init__(self, field: Field, reason: str) -> None:
        super().__init__(f"{field.value}: {reason}")
        self.field, self.reason = field, reason


class BackendUnavailable(RegistrationError):
    """Nothing was created: unreachable, refused credentials, busy. Safe to queue and resend."""


class RemoteProtocolError(BackendUnavailable):
    """The library system answered something that is not its protocol (e.g. broken JSON)."""


class AnswerLost(RegistrationError):
    """A submission whose fate is unknown (timeout, dropped connection, garbled answer):
    the record may exist. Look for it before sending again."""
