"""Registering as a new reader on the touch screen: the view, the intents and the words.

Pure and window-free like the rest of kiosk/ui/presenters. One frozen ``RegisterView`` per
step (what registration gives, the library's rules, the consent, one form field at a time on
the keyboard, the preferred contact, the summary, sending, the result) and the intents its
buttons send. Refusal codes are the core's (kiosk/core/registration/validation.py
RefusalReason); every msgid is marked for extraction. The applicant's details appear only in
``value`` and ``summary`` and leave the screen with the view (kiosk/ui/screens/registration.py
wipes them when the screen is left).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiosk.core.receipts import Receipt
from kiosk.core.registration import Field, RefusalReason
from kiosk.ui.presenters.text import N_, Texts

# -- views -------------------------------------------------------------------------------

STAGES = (
    "info",  # what registration gives and what to bring to the desk
    "rules",  # the library's rules text (only when configured)
    "consent",  # the consent text, to accept
    "field",  # one field on the keyboard
    "contact",  # how the library should contact the reader
    "summary",  # everything to check before sending
    "sending",
    "sent",  # the application number and the slip
    "queued",  # the library system is down: it will be sent
    "refused",  # duplicate or a field the library system refused, in words
)


@dataclass(frozen=True, repr=False)
class RegisterView:
    stage: str = "info"
    text: str = ""  # the rules or consent text from the config (in the screen's language)
    field: str = ""  # a Field value, or "extra:N" for the library's Nth extra field
    label: str = ""  # an extra field's own name (from the config)
    value: str = ""  # what the applicant typed in this field
    error: str = ""  # a RefusalReason value, or "" (validation as you type)
    optional: bool = False
    step: int = 0
    steps: int = 0
    contact: str = "email"  # the preferred contact now chosen
    contacts: tuple[str, ...] = ("email", "phone", "post")  # the ones the details allow
    summary: tuple[tuple[str, str, str], ...] = ()  # (field, extra label, value) in order
    parent_notice: bool = False  # under the parent-consent age: a parent signs at the desk
    consent_age: int = 16
    number: str = ""  # the application number (sent)
    reason: str = ""  # the library system's words (refused)
    duplicate: bool = False
    refused_field: str = ""  # the field the library system refused ("" for a duplicate)
    slip: Receipt | None = None
    offers_print: bool = False
    offers_email: bool = False
    delivery: str = ""  # "" | printed | emailed | failed | declined

    def __repr__(self) -> str:  # never a detail of the applicant in a log or traceback
        return f"RegisterView(stage={self.stage!r}, field={self.field!r})"


@dataclass(frozen=True)
class StaffApplicationLine:
    time: str  # HH:MM it was made
    number: str  # the application number, or "" while pending
    reference: str  # a short masked reference (the key's hash, 8 characters)
    state: str  # pending | sent | duplicate | rejected


@dataclass(frozen=True)
class RegistrationStaffView:
    lines: tuple[StaffApplicationLine, ...] = ()
    day: date | None = None
    failed: bool = False  # the list could not be read


# -- intents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationNext:
    """Next step: past the info and rules, the consent accepted, a field done."""


@dataclass(frozen=True)
class RegistrationBack:
    pass


@dataclass(frozen=True)
class FieldTyped:
    """What the field holds now (sent at every key): kept out of any repr."""

    text: str = field(repr=False)


@dataclass(frozen=True)
class ContactChosen:
    contact: str  # email | phone | post


@dataclass(frozen=True)
class ApplicationConfirmed:
    """The summary's "Send my application"."""


@dataclass(frozen=True)
class SlipChosen:
    kind: str  # print | email | none
    email: str = field(default="", repr=False)


RegistrationIntent = (
    RegistrationNext | RegistrationBack | FieldTyped | ContactChosen | ApplicationConfirmed
    | SlipChosen
)  # fmt: skip

# -- words -------------------------------------------------------------------------------

FIELD_LABELS = {
    Field.FIRST_NAME.value: N_("First name"),
    Field.SURNAME.value: N_("Surname"),
    Field.BIRTH_DATE.value: N_("Date of birth"),
    Field.STREET.value: N_("Street, house and flat"),
    Field.CITY.value: N_("City or town"),
    Field.POSTCODE.value: N_("Postcode"),
    Field.EMAIL.value: N_("E-mail address"),
    Field.PHONE.value: N_("Phone number"),
    Field.PREFERRED_CONTACT.value: N_("How should the library contact you?"),
    Field.CONSENT.value: N_("Consent to process personal data"),
    Field.OTHER.value: N_("Your details"),
}

FIELD_HINTS = {
    Field.BIRTH_DATE.value: N_("Year, month, day: for example 1990-05-17"),
    Field.PHONE.value: N_("For example +370 612 34567 or 8 612 34567"),
    Field.EMAIL.value: N_("For example vardas@pastas.lt"),
    Field.POSTCODE.value: N_("For example LT-01103"),
    Field.FIRST_NAME.value: N_("Letters, hyphens and apostrophes, as in your document"),
    Field.SURNAME.value: N_("Letters, hyphens and apostrophes, as in your document"),
}

CONTACTS = {
    "email": N_("By e-mail"),
    "phone": N_("By phone"),
    "post": N_("By post"),
}

REASONS = {
    RefusalReason.REQUIRED.value: N_("Please fill in this field."),
    RefusalReason.TOO_LONG.value: N_("This is too long. Please shorten it."),
    RefusalReason.CONTROL_CHARACTER.value: N_("This contains a character that cannot be used."),
    RefusalReason.EMOJI.value: N_("Emoji and pictures cannot be used here."),
    RefusalReason.INVALID_CHARACTERS.value: N_(
        "Only letters, hyphens, apostrophes and spaces can be used here."
    ),
    RefusalReason.INVALID_EMAIL.value: N_("This is not a complete e-mail address."),
    RefusalReason.INVALID_PHONE.value: N_("This is not a phone number we can call."),
    RefusalReason.INVALID_POSTCODE.value: N_("This is not a postcode."),
    RefusalReason.INVALID_DATE.value: N_("Please type the date as year-month-day."),
    RefusalReason.BIRTH_DATE_IN_FUTURE.value: N_("The date of birth cannot be in the future."),
    RefusalReason.TOO_OLD.value: N_("Please check the year of birth: it is too long ago."),
    RefusalReason.CONSENT_REQUIRED.value: N_("Please accept the consent to continue."),
    RefusalReason.PARENT_CONSENT_REQUIRED.value: N_(
        "A parent or guardian must sign the consent form at the desk."
    ),
    RefusalReason.CONTACT_MISSING.value: N_("Please give the details for this way of contact."),
}

SLIP_LINES = (
    N_("Reader registration"),
    N_("Application number: %(number)s"),
    N_("Bring an identity document to the lending desk to finish your registration."),
)
PARENT_LINE = N_("A parent or guardian must sign the consent form at the desk.")
# shown when the library configured no consent_text of its own
DEFAULT_CONSENT = N_(
    "I agree that the library processes my personal data (name, date of birth, address, "
    "e-mail and phone) to register me as a reader and to serve me, as its privacy notice "
    "at the desk describes."
)
DELIVERY = {
    "printed": N_("Your slip is printed."),
    "emailed": N_("Your slip will arrive by e-mail."),
    "both": N_("Your slip is printed and will arrive by e-mail."),
    "failed": N_("The slip could not be made. Please note your application number."),
}


def field_label(view: RegisterView, tr: Texts) -> str:
    if view.field.startswith("extra:"):
        return view.label
    return tr.gettext(FIELD_LABELS.get(view.field, FIELD_LABELS["other"]))


def field_hint(view: RegisterView, tr: Texts) -> str:
    hint = FIELD_HINTS.get(view.field)
    words = tr.gettext(hint) if hint else ""
    if view.optional:
        optional = tr.gettext("You may leave this empty.")
        words = f"{words} {optional}".strip()
    return words


def reason_words(reason: str, tr: Texts) -> str:
    return tr.gettext(REASONS[reason]) if reason in REASONS else ""


def step_words(view: RegisterView, tr: Texts) -> str:
    if not view.steps:
        return ""
    return tr.gettext("Step %(step)d of %(steps)d") % {"step": view.step, "steps": view.steps}


def parent_notice(view: RegisterView, tr: Texts) -> str:
    if not view.parent_notice:
        return ""
    return tr.gettext(
        "You are under %(age)d: a parent or guardian must come with you to the desk and sign "
        "the consent form."
    ) % {"age": view.consent_age}


def summary_lines(view: RegisterView, tr: Texts) -> tuple[str, ...]:
    lines = []
    for name, label, value in view.summary:
        if name == Field.PREFERRED_CONTACT.value:
            value = tr.gettext(CONTACTS.get(value, CONTACTS["email"]))
            label = tr.gettext("Contact")
        elif not label:
            label = tr.gettext(FIELD_LABELS.get(name, FIELD_LABELS["other"]))
        lines.append(f"{label}: {value or '—'}")
    return tuple(lines)


def result_words(view: RegisterView, tr: Texts) -> tuple[str, str]:
    """The result's heading and body."""
    bring = tr.gettext(
        "Bring an identity document to the lending desk to finish your registration."
    )
    if view.stage == "sent":
        heading = tr.gettext("Your application number is %(number)s") % {"number": view.number}
        return heading, bring
    if view.stage == "queued":
        heading = tr.gettext("Your application will be sent")
        body = tr.gettext(
            "The library system is not answering right now. The kiosk keeps your application "
            "and sends it as soon as it can. Staff will find it by your name."
        )
        return heading, f"{body}\n{bring}"
    if view.duplicate:
        heading = tr.gettext("You are already registered")
        body = tr.gettext(
            "The library already has a reader with this e-mail address. Please ask at the "
            "desk: staff will help you with your card."
        )
        return heading, body
    heading = tr.gettext("The library system did not accept the application")
    what = tr.gettext(FIELD_LABELS.get(view.refused_field, FIELD_LABELS["other"]))
    return heading, f"{what}: {view.reason}" if view.reason else what


def slip_notes(number: str, minor: bool, tr: Texts) -> tuple[str, ...]:
    """The lines of the registration slip (printed or e-mailed), in the slip's language."""
    title, number_line, bring = SLIP_LINES
    notes = [tr.gettext(title), tr.gettext(number_line) % {"number": number}, tr.gettext(bring)]
    if minor:
        notes.append(tr.gettext(PARENT_LINE))
    return tuple(notes)


def delivery_words(view: RegisterView, tr: Texts) -> str:
    return tr.gettext(DELIVERY[view.delivery]) if view.delivery in DELIVERY else ""


STAFF_STATES = {
    "pending": N_("waiting to be sent"),
    "sent": N_("sent"),
    "duplicate": N_("already registered"),
    "rejected": N_("refused"),
}


def staff_view(rows, day: date) -> RegistrationStaffView:
    """The day's list from the queue's staff rows (backend_sync/registration/queue.py QueueRow:
    state, number, a masked reference, queued_at as ISO text in the kiosk's zone)."""
    lines = tuple(
        StaffApplicationLine(row.queued_at[11:16], row.number, row.masked_key, row.state)
        for row in rows
    )
    return RegistrationStaffView(lines, day)


def staff_line_words(line: StaffApplicationLine, tr: Texts) -> str:
    state = tr.gettext(STAFF_STATES.get(line.state, STAFF_STATES["rejected"]))
    number = line.number or f"…{line.reference}"
    return f"{line.time}  {number}  {state}"
