"""The registration form's decisions: which fields, in what order, each checked as it is typed
with the core's validation, and the ``Application`` they make.

Pure: the rules (kiosk/core/registration/validation.py Rules) and ``today`` are passed in.
A date of birth may be typed with or without its dashes ("19900517" reads as 1990-05-17).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from kiosk.core.registration import Address, Application, Contact, Field, Rules
from kiosk.core.registration.validation import (
    Checked,
    check_birth_date_text,
    check_field,
    check_text,
    parent_consent_required,
)

STANDARD = (
    Field.FIRST_NAME,
    Field.SURNAME,
    Field.BIRTH_DATE,
    Field.STREET,
    Field.CITY,
    Field.POSTCODE,
    Field.EMAIL,
    Field.PHONE,
)


def form_fields(extra_fields: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of the form's steps: the standard fields, then "extra:0", "extra:1", …"""
    return (*(f.value for f in STANDARD), *(f"extra:{i}" for i in range(len(extra_fields))))


def is_optional(key: str, rules: Rules) -> bool:
    if key.startswith("extra:"):
        return True  # the library's own fields are optional (docs/registration.md)
    return Field(key) in rules.optional


def field_step(
    key: str, fields: tuple[str, ...], extra_fields: tuple[str, ...], rules: Rules
) -> dict[str, object]:
    """What a field's step shows besides its value: its key, an extra field's own name,
    whether it may stay empty, "step N of M"."""
    label = extra_fields[int(key.split(":")[1])] if key.startswith("extra:") else ""
    return {
        "field": key,
        "label": label,
        "optional": is_optional(key, rules),
        "step": fields.index(key) + 1,
        "steps": len(fields),
    }


def date_text(typed: str) -> str:
    """Eight digits read as a date ("19900517" -> "1990-05-17"); anything else as typed."""
    compact = typed.strip()
    if re.fullmatch(r"\d{8}", compact):
        return f"{compact[:4]}-{compact[4:6]}-{compact[6:]}"
    return compact


def check_typed(key: str, text: str, rules: Rules, today: date) -> Checked:
    """One field as typed now: its normalised value, or the reason it cannot be used."""
    if key.startswith("extra:"):
        if not text.strip():
            return Checked("")
        return check_text(text, rules.max_lengths.get(Field.EXTRA, 100))
    name = Field(key)
    if name is Field.BIRTH_DATE:
        return check_birth_date_text(date_text(text), today, rules)
    return check_field(name, text, rules)


def is_minor(values: Mapping[str, str], rules: Rules, today: date) -> bool:
    typed = values.get(Field.BIRTH_DATE.value, "")
    checked = check_birth_date_text(date_text(typed), today, rules)
    if not checked.ok:
        return False
    return parent_consent_required(
        date.fromisoformat(checked.value), today, rules.parent_consent_age
    )


def contacts_allowed(values: Mapping[str, str]) -> tuple[str, ...]:
    """The ways of contact the details allow (post needs a street and a city)."""
    allowed = []
    if values.get(Field.EMAIL.value, "").strip():
        allowed.append(Contact.EMAIL.value)
    if values.get(Field.PHONE.value, "").strip():
        allowed.append(Contact.PHONE.value)
    if values.get(Field.STREET.value, "").strip() and values.get(Field.CITY.value, "").strip():
        allowed.append(Contact.POST.value)
    return tuple(allowed)


def normalised(values: Mapping[str, str], rules: Rules, today: date) -> dict[str, str]:
    """Every field's normalised value ("" when blank or refused: the summary's check catches
    a refused one)."""
    return {key: check_typed(key, text, rules, today).value for key, text in values.items()}


def build_application(
    values: Mapping[str, str],
    *,
    rules: Rules,
    today: date,
    contact: str,
    language: str,
    consent_version: str,
    extra_fields: tuple[str, ...],
) -> Application:
    """The application the summary shows and the desk sends: normalised values, consent
    accepted (the consent step cannot be passed otherwise), the parent notice given to minors."""
    clean = normalised(values, rules, today)
    birth = clean.get(Field.BIRTH_DATE.value, "")
    extras = tuple(
        (name, clean.get(f"extra:{i}", "")) for i, name in enumerate(extra_fields)
        if clean.get(f"extra:{i}", "")
    )  # fmt: skip
    return Application(
        first_name=clean.get(Field.FIRST_NAME.value, ""),
        surname=clean.get(Field.SURNAME.value, ""),
        birth_date=date.fromisoformat(birth) if birth else today,
        address=Address(
            clean.get(Field.STREET.value, ""),
            clean.get(Field.CITY.value, ""),
            clean.get(Field.POSTCODE.value, ""),
        ),
        email=clean.get(Field.EMAIL.value, ""),
        phone=clean.get(Field.PHONE.value, ""),
        preferred_contact=Contact(contact),
        language=language,
        consent_accepted=True,
        consent_version=consent_version,
        parent_consent=is_minor(values, rules, today),
        extras=extras,
    )


def summary_rows(
    app: Application, extra_fields: tuple[str, ...]
) -> tuple[tuple[str, str, str], ...]:
    """(field, extra label, value) in form order, as the summary shows them."""
    rows = [
        (Field.FIRST_NAME.value, "", app.first_name),
        (Field.SURNAME.value, "", app.surname),
        (Field.BIRTH_DATE.value, "", app.birth_date.isoformat()),
        (Field.STREET.value, "", app.address.street),
        (Field.CITY.value, "", app.address.city),
        (Field.POSTCODE.value, "", app.address.postcode),
        (Field.EMAIL.value, "", app.email),
        (Field.PHONE.value, "", app.phone),
    ]
    rows += [(f"extra:{i}", name, app.extra(name)) for i, name in enumerate(extra_fields)]
    rows.append((Field.PREFERRED_CONTACT.value, "", app.preferred_contact.value))
    return tuple(rows)
