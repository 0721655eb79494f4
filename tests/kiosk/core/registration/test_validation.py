"""The registration rules: each field refused with a reason, never an exception."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.registration import (
    Address,
    Application,
    Contact,
    Field,
    Problem,
    RefusalReason,
    Rules,
    age_on,
    check_application,
    parent_consent_required,
)
from kiosk.core.registration.validation import (
    check_birth_date,
    check_birth_date_text,
    check_email,
    check_field,
    check_name,
    check_phone,
    check_postcode,
)

TODAY = date(2026, 11, 25)
R = RefusalReason


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Žemaitė-Šimkutė", "Žemaitė-Šimkutė"),
        ("O'Brien", "O'Brien"),
        ("D’Artagnan", "D’Artagnan"),
        ("  Jonas   Petras ", "Jonas Petras"),
        ("Łukasz", "Łukasz"),
        ("Ёжиков", "Ёжиков"),
        ("Ąžuolė", "Ąžuolė"),
        ("Zoe\u0308", "Zoë"),  # combining diaeresis, normalised to one letter
    ],
)
def test_names_with_hyphens_apostrophes_and_diacritics_pass(text: str, value: str) -> None:
    checked = check_name(text)
    assert checked.ok and checked.value == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", R.REQUIRED),
        ("   ", R.REQUIRED),
        ("Jonas\x00", R.CONTROL_CHARACTER),
        ("Jo\u200bnas", R.CONTROL_CHARACTER),  # zero-width space
        ("Jonas\n", R.CONTROL_CHARACTER),
        ("Jonas 😀", R.EMOJI),
        ("Ona\u2764\ufe0f", R.EMOJI),
        ("A" * 51, R.TOO_LONG),
        ("A" * 100_000, R.TOO_LONG),
        ("Jonas2", R.INVALID_CHARACTERS),
        ("-Jonas", R.INVALID_CHARACTERS),
        ("Jonas-", R.INVALID_CHARACTERS),
        ("<script>", R.INVALID_CHARACTERS),
    ],
)
def test_bad_names_are_refused_with_a_reason(text: str, reason: RefusalReason) -> None:
    checked = check_name(text)
    assert checked.reason is reason and checked.value == ""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ona@pastas.lt", "ona@pastas.lt"),
        ("Ona.Petraitė+knygos@Pastas.LT", None),  # non-ASCII local part refused
        ("ona.petraite+knygos@Pastas.LT", "ona.petraite+knygos@pastas.lt"),
        (" jonas@vilnius.lt ", "jonas@vilnius.lt"),
    ],
)
def test_emails(text: str, value: str | None) -> None:
    checked = check_email(text)
    assert checked.value == (value or "")
    assert checked.ok is (value is not None)


@pytest.mark.parametrize(
    "text",
    ["ona", "ona@", "@pastas.lt", "ona@pastas", "ona@@pastas.lt", "o na@pastas.lt",
     "ona..p@pastas.lt", "ona@-pastas.lt", "ona@pastas.l", "ona@pastas.123"],
)  # fmt: skip
def test_invalid_emails_are_refused(text: str) -> None:
    assert check_email(text).reason is R.INVALID_EMAIL


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("8 612 34567", "+37061234567"),
        ("861234567", "+37061234567"),
        ("+370 612 34567", "+37061234567"),
        ("+370-612-34567", "+37061234567"),
        ("00370 612 34567", "+37061234567"),
        ("612 34567", "+37061234567"),
        ("8 5 212 3456", "+37052123456"),  # Vilnius landline
        ("+48 601 234 567", "+48601234567"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phones_are_normalised_to_plus_country_code(text: str, value: str) -> None:
    assert check_phone(text).value == value


@pytest.mark.parametrize(
    "text", ["12345", "+370 612 3456", "+370 012 34567", "8 612 3456", "+0123456789", "86l234567",
             "+1 23", "٨٦١٢٣٤٥٦٧"],
)  # fmt: skip
def test_invalid_phones_are_refused(text: str) -> None:
    assert check_phone(text).reason is R.INVALID_PHONE


@pytest.mark.parametrize(
    ("text", "value"), [("12345", "LT-12345"), ("lt-12345", "LT-12345"), ("LT12345", "LT-12345"),
                        ("00-950", "00-950"), ("SW1A 1AA", "SW1A 1AA")],
)  # fmt: skip
def test_postcodes(text: str, value: str) -> None:
    assert check_postcode(text).value == value


def test_birth_dates() -> None:
    assert check_birth_date(date(2026, 11, 26), TODAY).reason is R.BIRTH_DATE_IN_FUTURE
    assert check_birth_date(date(1876, 1, 1), TODAY).reason is R.TOO_OLD  # 150 years
    assert check_birth_date(date(1906, 11, 26), TODAY).ok  # 119
    assert check_birth_date(TODAY, TODAY).ok
    assert check_birth_date_text("2026-02-30", TODAY).reason is R.INVALID_DATE
    assert check_birth_date_text("25.11.2000", TODAY).reason is R.INVALID_DATE
    assert check_birth_date_text("2000-11-25", TODAY).value == "2000-11-25"
    assert check_birth_date_text("2000-11-25😀", TODAY).reason is R.EMOJI


def test_age_and_parent_consent_follow_the_injected_today() -> None:
    born = date(2010, 11, 26)
    assert age_on(born, date(2026, 11, 25)) == 15
    assert age_on(born, date(2026, 11, 26)) == 16
    assert parent_consent_required(born, date(2026, 11, 25), 16)
    assert not parent_consent_required(born, date(2026, 11, 26), 16)
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def application(**changes: object) -> Application:
    base = Application(
        first_name="Žemaitė-Šimkutė",
        surname="O'Brien",
        birth_date=date(1990, 5, 17),
        address=Address("Gedimino pr. 1-5", "Vilnius", "LT-01103"),
        email="ona@pastas.lt",
        phone="+37061234567",
        consent_accepted=True,
        consent_version="2026-01",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_complete_application_passes() -> None:
    assert check_application(application(), TODAY) == ()


def test_application_problems_are_listed_by_field() -> None:
    problems = check_application(
        application(
            first_name="😀", email="nope", birth_date=date(2027, 1, 1), consent_accepted=False
        ),
        TODAY,
    )
    assert problems == (
        Problem(Field.FIRST_NAME, R.EMOJI),
        Problem(Field.BIRTH_DATE, R.BIRTH_DATE_IN_FUTURE),
        Problem(Field.EMAIL, R.INVALID_EMAIL),
        Problem(Field.CONSENT, R.CONSENT_REQUIRED),
    )


def test_under_the_consent_age_the_parent_notice_is_required() -> None:
    child = application(birth_date=date(2012, 1, 1))
    assert check_application(child, TODAY) == (Problem(Field.CONSENT, R.PARENT_CONSENT_REQUIRED),)
    assert check_application(replace(child, parent_consent=True), TODAY) == ()
    assert check_application(child, TODAY, Rules(parent_consent_age=14)) == ()


def test_optional_fields_may_be_blank_but_the_preferred_contact_may_not() -> None:
    rules = Rules(optional=frozenset({Field.PHONE, Field.STREET, Field.CITY, Field.POSTCODE}))
    assert check_field(Field.PHONE, "  ", rules).ok
    assert check_field(Field.PHONE, "  ").reason is R.REQUIRED
    no_phone = application(phone="", address=Address(), preferred_contact=Contact.PHONE)
    assert check_application(no_phone, TODAY, rules) == (
        Problem(Field.PREFERRED_CONTACT, R.CONTACT_MISSING),
    )
    assert check_application(application(extras=(("school", "😀"),)), TODAY) == (
        Problem(Field.EXTRA, R.EMOJI),
    )


def test_repr_names_no_personal_data() -> None:
    text = repr(application()) + repr(application().address)
    for secret in ("Žemaitė", "O'Brien", "1990", "ona@", "Gedimino", "612"):
        assert secret not in text


@given(st.sampled_from(list(Field)[:8]), st.text(max_size=300))
def test_check_field_never_raises(name: Field, text: str) -> None:
    name = Field.EXTRA if name is Field.BIRTH_DATE else name
    checked = check_field(name, text)
    assert checked.ok == (checked.reason is None)
    assert checked.ok or checked.value == ""


@given(st.text(max_size=40), st.dates())
def test_date_checks_never_raise(text: str, birth: date) -> None:
    assert check_birth_date_text(text, TODAY).reason in (None, *RefusalReason)
    assert check_birth_date(birth, TODAY).reason in (None, R.BIRTH_DATE_IN_FUTURE, R.TOO_OLD)


@given(
    st.builds(
        Application,
        first_name=st.text(max_size=80),
        surname=st.text(max_size=80),
        birth_date=st.dates(),
        address=st.builds(
            Address, st.text(max_size=120), st.text(max_size=60), st.text(max_size=12)
        ),
        email=st.text(max_size=80),
        phone=st.text(max_size=30),
        preferred_contact=st.sampled_from(Contact),
        consent_accepted=st.booleans(),
        consent_version=st.text(max_size=5),
        parent_consent=st.booleans(),
    )
)
def test_check_application_never_raises_and_only_returns_reasons(app: Application) -> None:
    for problem in check_application(app, TODAY):
        assert isinstance(problem.field, Field) and isinstance(problem.reason, RefusalReason)
