"""Registering as a new reader: one screen that shows each step of RegisterView.

Info, the library's rules and the consent are text with Back and Next ("I agree" on the
consent); each field is typed on the Lithuanian keyboard with capitals (widgets/keyboard_text.py)
and the core's reason shows as you type; then how to be contacted, the summary to check, and
the result: the application number with the slip (print, e-mail or both; the slip's own text
on screen), or "your application will be sent", or the library system's answer in words.
What the applicant typed lives in the keyboard and the data labels only; both are wiped when
the screen is left (``forget``), and each field starts from what the view says.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core.receipts import as_text, layout
from kiosk.ui.presenters.intents import Finished
from kiosk.ui.presenters.registration import (
    CONTACTS,
    DEFAULT_CONSENT,
    ApplicationConfirmed,
    ContactChosen,
    FieldTyped,
    RegisterView,
    RegistrationBack,
    RegistrationNext,
    SlipChosen,
    delivery_words,
    field_hint,
    field_label,
    parent_notice,
    reason_words,
    result_words,
    step_words,
    summary_lines,
)
from kiosk.ui.presenters.text import Texts
from kiosk.ui.screens.base import KioskScreen, Send, data_label, flipping
from kiosk.ui.screens.rooms import action_bar, button
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, Panel
from kiosk.ui.widgets.keyboard_text import TextKeyboard

SLIP_COLUMNS = 32
CAPITALISED = ("first_name", "surname", "street", "city")


class RegistrationScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("registration", send, **kwargs)
        self.root_panel.spacing = 18
        self.title = FitLabel(role="title", lines=2, bold=True)
        self.step = FitLabel(role="small", lines=1, colour="muted")
        self.body = data_label(role="body", valign="top")
        self.notice = FitLabel(role="body", lines=3, colour="bad")
        # the field: what was typed, its hint, the reason it cannot be used yet
        field = Panel(fill="surface", radius=12, size_hint_y=None, padding=(20, 6))
        self.value = data_label(role="heading")  # two lines for a long double-barrelled name
        field.add_widget(self.value)
        self.field_box = field
        self.hint = FitLabel(role="small", lines=2, colour="muted")
        self.error = FitLabel(role="body", lines=2, colour="bad")
        self.field_notice = FitLabel(role="body", lines=3, colour="bad")  # under 16: a parent
        self.field_panel = BoxLayout(orientation="vertical", spacing=10)
        self._filler = Widget()
        self._arrange_field(notice=False)
        self.keyboard = TextKeyboard(on_text=self._typed)
        self.form = flipping(spacing=24)
        self.form.add_widget(self.field_panel)
        self.form.add_widget(self.keyboard)
        # how to be contacted
        self.contact_buttons = {
            kind: button(f"contact:{kind}", send, ContactChosen(kind)) for kind in CONTACTS
        }
        self.contacts = flipping(spacing=22, size_hint_y=None)
        for made in self.contact_buttons.values():
            self.contacts.add_widget(made)
        # the slip
        self.slip_buttons = {
            kind: button(f"slip:{kind}", send, SlipChosen(kind)) for kind in ("print", "email")
        }
        self.slip_buttons["both"] = button("slip:both", send, SlipChosen("both"))
        self.slips = BoxLayout(orientation="horizontal", spacing=22, size_hint_y=None)
        for made in self.slip_buttons.values():
            self.slips.add_widget(made)
        self.slip_text = data_label(role="small", halign="left", valign="top")
        self.slip_text.font_name = "RobotoMono-Regular"
        self.result = flipping(spacing=24)
        self.result.add_widget(self.body)
        self.back = button("registration:back", send, RegistrationBack())
        self.next = button("registration:next", send, RegistrationNext(), role="primary")
        self.finish = button("registration:finish", send, Finished(), role="primary")
        self.confirm = button("registration:send", send, ApplicationConfirmed(), role="primary")
        self.actions = action_bar(self.back, self.next)
        self.parts = (self.title, self.step, self.result, self.notice, self.form, self.contacts,
                      self.slips, self.actions)  # fmt: skip
        self.detachable = [*self.parts, self.slip_text, self.finish, self.confirm, self.hint,
                           self.field_notice]  # fmt: skip
        self._shown: tuple[Widget, ...] = ()
        self._field = ""
        self.bind(size=self._resized)

    def _resized(self, *_: object) -> None:
        self._fit_keyboard()

    # -- layout ----------------------------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height
        self.slips.height = theme.button_height
        self.field_box.height = theme.font("heading") * 2.64 + 12
        self._layout()

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        self._layout()

    def _layout(self, *_: object) -> None:
        """Parts off the tree miss the base class's flip: set them here, then the keys."""
        portrait, theme = self.portrait, self.theme
        for box in (self.form, self.contacts, self.result):
            box.orientation = "vertical" if portrait else "horizontal"
        buttons = len(self.contact_buttons)
        self.contacts.height = (
            theme.button_height * buttons + 22 * (buttons - 1) if portrait else theme.button_height
        )
        self.field_panel.size_hint = (1, None) if portrait else (0.45, 1)
        # the hint (2 small lines) gives way to the parent notice (3 lines)
        under = (
            theme.font("body") * 1.32 * 3 if self.field_notice.text else theme.font("small") * 2.64
        )
        error = 0.0 if self._compact() else theme.font("body") * 2.64 + 10
        self.field_panel.height = self.field_box.height + under + error + 16 + 2 * 10
        self._fit_keyboard()

    def _fit_keyboard(self) -> None:
        """Keys as tall as the screen leaves (96 px at most), never under 15 mm."""
        theme, panel = self.theme, self.root_panel
        room = self.height - panel.padding[1] - panel.padding[3]
        fixed = [self.title, self.actions] + ([] if self._compact() else [self.step])
        if self.notice.text:
            fixed.append(self.notice)
        room -= sum(widget.height for widget in fixed) + panel.spacing * len(fixed)
        if self.portrait:
            room -= self.field_panel.height + self.form.spacing
        row = max(theme.min_target, min(96.0, (room - 5 * 10) / 6))
        self.keyboard.set_row_height(row)

    def _compact(self) -> bool:
        """Large text on a landscape screen: only what cannot be left out."""
        return self.theme.large_text and not self.portrait

    def _arrange_field(self, notice: bool) -> None:
        parts = (self.field_box, self.field_notice if notice else self.hint, self.error)
        if self._compact():  # one line of help: the reason, else the notice, else the hint
            parts = (self.field_box, self.error if self.error.text else parts[1])
        if self.field_panel.children[::-1] == [*parts, self._filler]:
            return
        self.field_panel.clear_widgets()
        for widget in (*parts, self._filler):
            self.field_panel.add_widget(widget)

    def _place(self, *widgets: Widget) -> None:
        if widgets == self._shown:
            return
        self.root_panel.clear_widgets()
        for widget in widgets:
            self.root_panel.add_widget(widget)
        self._shown = widgets

    # -- render ----------------------------------------------------------------------------

    def render(self, view: RegisterView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.title.text = self._title(view, tr)
        self.step.text = step_words(view, tr)
        self.notice.text = parent_notice(view, tr) if view.stage == "summary" else ""
        self.field_notice.text = parent_notice(view, tr) if view.stage == "field" else ""
        self._arrange_field(notice=bool(self.field_notice.text))
        self.keyboard.set_labels(
            tr.gettext("Delete"), tr.gettext("Clear"), tr.gettext("Space"), tr.gettext("Capital")
        )
        self.back.text = tr.gettext("Back")
        self.next.text = tr.gettext("I agree") if view.stage == "consent" else tr.gettext("Next")
        self.confirm.text = tr.gettext("Send my application")
        self.finish.text = tr.gettext("Finish")
        self._actions(view)
        self._layout()
        notice = (self.notice,) if self.notice.text else ()
        self.title.height = self.title.base_size * 1.32 * (1 if view.stage == "field" else 2) + 8
        step = (self.step,) if not self._compact() else ()
        top = (self.title, *step) if view.stage == "field" else (self.title,)
        match view.stage:
            case "field":
                self._render_field(view, tr)
                self._place(*top, self.form, self.actions)
            case "contact":
                self._render_contacts(view, tr)
                self._place(*top, self.result, self.contacts, self.actions)
            case "sent":
                self._render_result(view, tr)
                self._place(*top, self.result, self.slips, self.actions)
            case _:
                self.body.text = self._body(view, tr)
                self._show_slip(False)
                self._place(*top, self.result, *notice, self.actions)

    def _title(self, view: RegisterView, tr: Texts) -> str:
        match view.stage:
            case "info":
                return tr.gettext("Register as a new reader")
            case "rules":
                return tr.gettext("The library's rules")
            case "consent":
                return tr.gettext("Consent to process personal data")
            case "field":
                return field_label(view, tr)
            case "contact":
                return tr.gettext("How should the library contact you?")
            case "summary":
                return tr.gettext("Please check your details")
            case "sending":
                return tr.gettext("Sending your application…")
        return result_words(view, tr)[0]

    def _body(self, view: RegisterView, tr: Texts) -> str:
        match view.stage:
            case "info":
                return tr.gettext(
                    "Fill in your details here and the kiosk sends them to the library. Then "
                    "bring an identity document to the lending desk: staff check it and give "
                    "you your reader card."
                )
            case "consent":
                return view.text or tr.gettext(DEFAULT_CONSENT)
            case "rules":
                return view.text
            case "summary":
                return ("  ·  " if self._compact() else "\n").join(summary_lines(view, tr))
            case "sending":
                return tr.gettext("Please wait a moment.")
        return result_words(view, tr)[1]

    def _actions(self, view: RegisterView) -> None:
        ends = view.stage in ("sent", "queued", "refused")
        forward = {"summary": self.confirm}.get(view.stage, self.finish if ends else self.next)
        wanted = [self.back, forward]
        if ends and (view.stage != "refused" or view.duplicate):
            wanted = [forward]
        if view.stage == "sending":
            wanted = []
        if self.actions.children[::-1] != wanted:
            self.actions.clear_widgets()
            for made in wanted:
                self.actions.add_widget(made)

    def _render_field(self, view: RegisterView, tr: Texts) -> None:
        if view.field != self._field or self.keyboard.text != view.value:
            self.keyboard.start(view.value, capitalised=view.field in CAPITALISED)
        self._field = view.field
        self.value.text = view.value
        self.hint.text = field_hint(view, tr)
        self.error.text = reason_words(view.error, tr)
        self._arrange_field(notice=bool(self.field_notice.text))  # compact: the reason first
        self._layout()

    def _render_contacts(self, view: RegisterView, tr: Texts) -> None:
        self.body.text = reason_words(view.error, tr)
        for kind, made in self.contact_buttons.items():
            made.text = tr.gettext(CONTACTS[kind])
            allowed = kind in view.contacts
            made.disabled = not allowed
            made.opacity = 1 if allowed else 0.35
            made.set_selected(kind == view.contact)

    def _render_result(self, view: RegisterView, tr: Texts) -> None:
        body = result_words(view, tr)[1]
        done = delivery_words(view, tr)
        self.body.text = "\n".join(part for part in (body, parent_notice(view, tr), done) if part)
        offers = {"print": view.offers_print, "email": view.offers_email,
                  "both": view.offers_print and view.offers_email}  # fmt: skip
        self.slip_buttons["print"].text = tr.gettext("Print the slip")
        self.slip_buttons["email"].text = tr.gettext("Send the slip by e-mail")
        self.slip_buttons["both"].text = tr.gettext("Both")
        for kind, made in self.slip_buttons.items():
            made.disabled = not offers[kind]
            made.opacity = 1 if offers[kind] else 0
        blocks = layout(view.slip, tr, SLIP_COLUMNS) if view.slip else ()
        self.slip_text.text = as_text(blocks, SLIP_COLUMNS).strip("\n") if blocks else ""
        self._show_slip(bool(blocks) and not self.theme.large_text)  # large text: essentials

    def _show_slip(self, show: bool) -> None:
        if show and self.slip_text.parent is None:
            self.result.add_widget(self.slip_text)
        elif not show and self.slip_text.parent is not None:
            self.result.remove_widget(self.slip_text)

    def _typed(self, text: str) -> None:
        self.value.text = text
        if isinstance(self.view, RegisterView) and self.view.stage == "field":
            self.send(FieldTyped(text))

    def forget(self) -> None:
        super().forget()
        self.keyboard.start("")
        self._field = ""
        self.slip_text.text = ""
