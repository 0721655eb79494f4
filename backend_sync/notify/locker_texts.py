"""The words of a locker pickup notice, in Lithuanian and English: the e-mail subject and
body and the SMS, each naming the library, the locker, the compartment(s), the door code and
the deadline.

A small catalogue of its own (not the kiosk's gettext files, which belong to the UI) so the
notifier runs without a display or a locale install; to be merged into kiosk/locale later.
Pure: ``render`` takes the notice, the library's name and the time zone the deadline is shown
in. Templates use ``string.Template`` (``$name``), so a title with braces cannot break them.
The code is in the texts by design (that is the point of the notice): never log a rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from string import Template

from kiosk.core.lockers.ports import PickupNotice

LANGUAGES = ("lt", "en")


@dataclass(frozen=True)
class LockerTexts:
    language: str
    subject: str
    email: str
    sms: str


@dataclass(frozen=True)
class _Catalogue:
    subject: Template
    email: Template
    sms: Template
    one_compartment: str
    many_compartments: str


CATALOGUES = {
    "lt": _Catalogue(
        subject=Template("Jūsų užsakymas paruoštas atsiimti knygomate – $library"),
        email=Template(
            "Laba diena,\n\n"
            "jūsų užsakyti leidiniai paruošti atsiimti knygomate „$locker“.\n\n"
            "Leidiniai: $titles\n"
            "$compartments_label: $compartments\n"
            "Durelių kodas: $code\n"
            "Atsiimkite iki: $deadline\n\n"
            "Įveskite durelių kodą knygomato ekrane (arba prisijunkite skaitytojo pažymėjimu ir "
            "PIN kodu). Kodas galioja vieną kartą. Neatsiimti leidiniai po termino grąžinami "
            "bibliotekai.\n\n"
            "$library\n"
        ),
        sms=Template(
            "$library: užsakymas laukia knygomate „$locker“, $compartments_label_lower "
            "$compartments. Durelių kodas $code. Atsiimkite iki $deadline."
        ),
        one_compartment="Langelis",
        many_compartments="Langeliai",
    ),
    "en": _Catalogue(
        subject=Template("Your hold is ready for pickup at the book locker – $library"),
        email=Template(
            "Hello,\n\n"
            "the items you reserved are ready for pickup at the book locker “$locker”.\n\n"
            "Items: $titles\n"
            "$compartments_label: $compartments\n"
            "Door code: $code\n"
            "Collect by: $deadline\n\n"
            "Enter the door code on the locker's screen (or log in with your library card and "
            "PIN). The code works once. Items not collected by the deadline go back to the "
            "library.\n\n"
            "$library\n"
        ),
        sms=Template(
            "$library: your hold is ready in the book locker “$locker”, "
            "$compartments_label_lower $compartments. Door code $code. Collect by $deadline."
        ),
        one_compartment="Compartment",
        many_compartments="Compartments",
    ),
}


def language_for(wanted: str, default: str) -> str:
    """The notice's language: the patron's when we have texts in it, else the default."""
    wanted = (wanted or "").lower()[:2]
    if wanted in CATALOGUES:
        return wanted
    return default if default in CATALOGUES else "lt"


def render(
    notice: PickupNotice, library: str, zone: tzinfo, default_language: str = "lt"
) -> LockerTexts:
    language = language_for(notice.language, default_language)
    catalogue = CATALOGUES[language]
    label = (
        catalogue.one_compartment if len(notice.compartments) == 1 else catalogue.many_compartments
    )
    values = {
        "library": library,
        "locker": notice.locker,
        "code": notice.code,
        "deadline": notice.deadline.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "compartments": ", ".join(str(n) for n in notice.compartments),
        "compartments_label": label,
        "compartments_label_lower": label.lower(),
        "titles": "; ".join(t for t in notice.titles if t) or "—",
    }
    return LockerTexts(
        language,
        catalogue.subject.substitute(values),
        catalogue.email.substitute(values),
        catalogue.sms.substitute(values),
    )
