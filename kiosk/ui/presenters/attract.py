"""The attract screen's view from the settings: library name, opening hours and message (per
language, Lithuanian the fallback), the new books of [ui] and whether "return without a card"
is offered. Pure: no Kivy, no I/O."""

from __future__ import annotations

from kiosk.settings import Settings
from kiosk.ui.presenters.views import AttractView, BookCard


def attract_view(settings: Settings) -> AttractView:
    ui = settings.ui
    books = tuple(BookCard(book.title, book.author) for book in ui.new_books)
    return AttractView(
        library_name=settings.kiosk.library_name,
        opening_hours=ui.hours_for("lt"),
        message=ui.message_for("lt"),
        new_books=books,
        offers_return=settings.circulation.return_without_login,
        by_language=tuple(
            (language, ui.hours_for(language), ui.message_for(language))
            for language in ui.languages
        ),
    )
