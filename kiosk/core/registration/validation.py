"""The rules an application must pass before anything is sent, each answered with a reason.

Pure functions over text and dates: ``check_field`` takes what the applicant typed and returns
the normalised value or a ``RefusalReason`` (a code the screens translate); it never raises,
whatever the input (a property test holds it to that). ``check_application`` checks a whole
``Application`` against the library's ``Rules`` and ``today`` (injected, never the wall clock).

Names: letters of any script with their diacritics (Žemaitė-Šimkutė, O'Brien), spaces,
hyphens and apostrophes. Control characters, emoji and overlong text are refused everywhere.
Phones are normalised to E.164: Lithuanian "8 6xx xxxxx", "6xx xxxxx", "+370 6xx xxxxx" and
"00370…" become "+3706xxxxxxx"; other countries are accepted as "+CC…" (8-15 digits).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kiosk.core.registration.model import Application, Contact, Field


class RefusalReason(StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    CONTROL_CHARACTER = "control_character"
    EMOJI = "emoji"
    INVALID_CHARACTERS = "invalid_characters"
    INVALID_EMAIL = "invalid_email"
    INVALID_PHONE = "invalid_phone"
    INVALID_POSTCODE = "invalid_postcode"
    INVALID_DATE = "invalid_date"
    BIRTH_DATE_IN_FUTURE = "birth_date_in_future"
    TOO_OLD = "too_old"
    CONSENT_REQUIRED = "consent_required"
    PARENT_CONSENT_REQUIRED = "parent_consent_required"
    CONTACT_MISSING = "contact_missing"  # the preferred contact has no e-mail / phone / address


@dataclass(frozen=True)
class Checked:
    """A field's normalised value, or why it was refused (then ``value`` is "")."""

    value: str
    reason: RefusalReason | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Problem:
    field: Field
    reason: RefusalReason


@dataclass(frozen=True)
class Rules:
    """What the library asks: which standard fields may be left blank, the parent-consent age."""

    optional: frozenset[Field] = frozenset()
    parent_consent_age: int = 16
    max_age: int = 120
    max_lengths: dict[Field, int] = field(
        default_factory=lambda: {
            Field.FIRST_NAME: 50,
            Field.SURNAME: 50,
            Field.STREET: 100,
            Field.CITY: 50,
            Field.POSTCODE: 10,
            Field.EMAIL: 254,
            Field.PHONE: 24,
            Field.EXTRA: 100,
        }
    )


_APOSTROPHES = "'\u2019\u02bc"  # ' ’ ʼ
_NAME_JOINERS = " -" + _APOSTROPHES
_TEXT_PUNCTUATION = ' -.,/()#"„“' + _APOSTROPHES
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LT_POSTCODE = re.compile(r"^(?:LT-?)?(\d{5})$")
_OTHER_POSTCODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$")


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        unicodedata.category(ch) == "So"
        or 0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or cp in (0x200D, 0xFE0E, 0xFE0F, 0x20E3)
    )


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _screen(text: str, limit: int) -> Checked:
    """The checks every field shares: normalised (NFC, outer and repeated spaces), not empty,
    not too long, no emoji, no control characters."""
    if len(text) > 4 * limit:  # far too long: do not even normalise it
        return Checked("", RefusalReason.TOO_LONG)
    value = re.sub(r" {2,}", " ", unicodedata.normalize("NFC", text).strip(" "))
    if not value:
        return Checked("", RefusalReason.REQUIRED)
    if any(_is_emoji(ch) for ch in value):
        return Checked("", RefusalReason.EMOJI)
    if any(_is_control(ch) for ch in value):
        return Checked("", RefusalReason.CONTROL_CHARACTER)
    if len(value) > limit:
        return Checked("", RefusalReason.TOO_LONG)
    return Checked(value)


def check_name(text: str, limit: int = 50) -> Checked:
    screened = _screen(text, limit)
    if not screened.ok:
        return screened
    value = screened.value
    letters_only = all(ch.isalpha() or unicodedata.category(ch).startswith("M") for ch in
                       value if ch not in _NAME_JOINERS)  # fmt: skip
    if not letters_only or not value[0].isalpha() or value[-1] in " -":
        return Checked("", RefusalReason.INVALID_CHARACTERS)
    return Checked(value)


def check_text(text: str, limit: int = 100) -> Checked:
    """Street, city, the library's extra fields: letters, digits and ordinary punctuation."""
    screened = _screen(text, limit)
    if not screened.ok:
        return screened
    allowed = all(
        ch.isalnum() or unicodedata.category(ch).startswith("M") or ch in _TEXT_PUNCTUATION
        for ch in screened.value
    )
    return screened if allowed else Checked("", RefusalReason.INVALID_CHARACTERS)


def check_postcode(text: str, limit: int = 10) -> Checked:
    screened = _screen(text.upper(), limit)
    if not screened.ok:
        return screened
    lithuanian = _LT_POSTCODE.match(screened.value)
    if lithuanian:
        return Checked(f"LT-{lithuanian.group(1)}")
    if _OTHER_POSTCODE.match(screened.value):
        return screened
    return Checked("", RefusalReason.INVALID_POSTCODE)


def check_email(text: str, limit: int = 254) -> Checked:
    screened = _screen(text, limit)
    if not screened.ok:
        return screened
    value = screened.value
    local, at, domain = value.rpartition("@")
    if not at or " " in value or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        return Checked("", RefusalReason.INVALID_EMAIL)
    labels = domain.split(".")
    good_labels = all(
        label and len(label) <= 63 and label[0] != "-" and label[-1] != "-"
        and all(ch.isalnum() or ch == "-" for ch in label)
        for label in labels
    )  # fmt: skip
    tld = labels[-1]
    if len(labels) < 2 or not good_labels or len(tld) < 2 or not tld.isalpha():
        return Checked("", RefusalReason.INVALID_EMAIL)
    return Checked(f"{local}@{domain.lower()}")


def check_phone(text: str, limit: int = 24) -> Checked:
    """E.164: "+370…" for Lithuanian numbers in any usual form, "+CC…" for the rest."""
    screened = _screen(text, limit)
    if not screened.ok:
        return screened
    compact = re.sub(r"[ ().-]", "", screened.value)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    digits = compact.removeprefix("+")
    if not digits.isascii() or not digits.isdigit():
        return Checked("", RefusalReason.INVALID_PHONE)
    if not compact.startswith("+"):
        if len(digits) == 9 and digits[0] == "8":  # 8 6xx xxxxx, 8 5 xxx xxxx
            return Checked("+370" + digits[1:])
        if len(digits) == 8 and digits[0] == "6":  # 6xx xxxxx without the trunk 8
            return Checked("+370" + digits)
        return Checked("", RefusalReason.INVALID_PHONE)
    if digits.startswith("370"):
        national = digits[3:]
        ok = len(national) == 8 and national[0] != "0"
        return Checked("+" + digits) if ok else Checked("", RefusalReason.INVALID_PHONE)
    if 8 <= len(digits) <= 15 and digits[0] != "0":
        return Checked("+" + digits)
    return Checked("", RefusalReason.INVALID_PHONE)


def age_on(birth: date, today: date) -> int:
    """Whole years lived on ``today`` (a 29 February birthday counts from 1 March)."""
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - int(before_birthday)


def parent_consent_required(birth: date, today: date, consent_age: int) -> bool:
    return age_on(birth, today) < consent_age


def check_birth_date(birth: date, today: date, rules: Rules = Rules()) -> Checked:
    if birth > today:
        return Checked("", RefusalReason.BIRTH_DATE_IN_FUTURE)
    if age_on(birth, today) > rules.max_age:
        return Checked("", RefusalReason.TOO_OLD)
    return Checked(birth.isoformat())


def check_birth_date_text(text: str, today: date, rules: Rules = Rules()) -> Checked:
    """A date as typed on the kiosk: YYYY-MM-DD (the Lithuanian way)."""
    screened = _screen(text, 10)
    if not screened.ok:
        return screened
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", screened.value):
        return Checked("", RefusalReason.INVALID_DATE)
    try:
        birth = date.fromisoformat(screened.value)
    except ValueError:
        return Checked("", RefusalReason.INVALID_DATE)
    return check_birth_date(birth, today, rules)


_TEXT_CHECKS: dict[Field, Callable[[str, int], Checked]] = {
    Field.FIRST_NAME: check_name,
    Field.SURNAME: check_name,
    Field.STREET: check_text,
    Field.CITY: check_text,
    Field.POSTCODE: check_postcode,
    Field.EMAIL: check_email,
    Field.PHONE: check_phone,
    Field.EXTRA: check_text,
}


def check_field(name: Field, text: str, rules: Rules = Rules()) -> Checked:
    """One text field as typed (validation as you type). Blank is fine for an optional field."""
    if name in rules.optional and not text.strip():
        return Checked("")
    return _TEXT_CHECKS[name](text, rules.max_lengths.get(name, 100))


def check_application(app: Application, today: date, rules: Rules = Rules()) -> tuple[Problem, ...]:
    """Every problem of a whole application, in form order; () means it may be sent."""
    texts = {
        Field.FIRST_NAME: app.first_name,
        Field.SURNAME: app.surname,
        Field.STREET: app.address.street,
        Field.CITY: app.address.city,
        Field.POSTCODE: app.address.postcode,
        Field.EMAIL: app.email,
        Field.PHONE: app.phone,
    }
    problems: list[Problem] = []
    for name, text in texts.items():
        if name is Field.STREET:
            birth = check_birth_date(app.birth_date, today, rules)
            if birth.reason:
                problems.append(Problem(Field.BIRTH_DATE, birth.reason))
        checked = check_field(name, text, rules)
        if checked.reason:
            problems.append(Problem(name, checked.reason))
    for _key, value in app.extras:
        checked = (
            check_text(value, rules.max_lengths[Field.EXTRA]) if value.strip() else Checked("")
        )
        if checked.reason:
            problems.append(Problem(Field.EXTRA, checked.reason))
    needed = {
        Contact.EMAIL: (app.email,),
        Contact.PHONE: (app.phone,),
        Contact.POST: (app.address.street, app.address.city),
    }[app.preferred_contact]
    if not all(part.strip() for part in needed):
        problems.append(Problem(Field.PREFERRED_CONTACT, RefusalReason.CONTACT_MISSING))
    if not app.consent_accepted or not app.consent_version:
        problems.append(Problem(Field.CONSENT, RefusalReason.CONSENT_REQUIRED))
    minor = app.birth_date <= today and parent_consent_required(
        app.birth_date, today, rules.parent_consent_age
    )
    if minor and not app.parent_consent:
        problems.append(Problem(Field.CONSENT, RefusalReason.PARENT_CONSENT_REQUIRED))
    return tuple(problems)
