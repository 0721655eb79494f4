"""Free texts of the configuration in the screen's languages: a plain string (or list of
lines) as before, or a table per language, ``{ lt = "…", en = "…" }``, Lithuanian being the
fallback for a language the table leaves out, as ``[registration] consent_text`` and
``rules_text`` have it (kiosk/settings/registration.py). A table without ``lt`` is refused,
since nothing else could stand in for the languages it leaves out.

Used by [ui] (the idle screen's message and opening hours) and [receipts] (the message at
the bottom of every receipt); the receipts print the [ui] opening hours, so the screen and the
paper never disagree.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from kiosk.settings.general import Language


def _text_table(value: Any) -> Any:
    if isinstance(value, str):
        return {"lt": value} if value.strip() else {}
    return value


def _lines_table(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return {"lt": tuple(value)} if value else {}
    return value


def _has_fallback(table: dict[str, Any]) -> dict[str, Any]:
    if table and "lt" not in table:
        raise ValueError(
            "a per-language table needs a Lithuanian ('lt') entry, the fallback for the others"
        )
    return table


LocalText = Annotated[
    dict[Language, str], BeforeValidator(_text_table), AfterValidator(_has_fallback)
]
LocalLines = Annotated[
    dict[Language, tuple[str, ...]], BeforeValidator(_lines_table), AfterValidator(_has_fallback)
]


def text_in(table: dict[str, str], language: str) -> str:
    """The text for ``language``, else the Lithuanian one, else ""."""
    return table.get(language) or table.get("lt", "")


def lines_in(table: dict[str, tuple[str, ...]], language: str) -> tuple[str, ...]:
    """The lines for ``language``, else the Lithuanian ones, else none."""
    return table.get(language) or table.get("lt", ())
