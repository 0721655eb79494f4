"""The UI's port onto reader registration: a KioskPort that puts the registration screens in
front of another (the session port, or the rooms flow around it), as kiosk/ui/rooms_session.py
does for rooms.

While no registration screen is open every intent and state passes straight through (the
attract view is marked ``offers_registration``, the staff view ``offers_registrations``).
"Register as a new reader" opens the steps; leaving them (Finished, Cancelled, a timeout)
shows the wrapped port's state again and drops every detail the applicant typed. It decides
no rule itself: each field is checked by the core's validation (registration_form.py), the
application is sent or queued by the core's RegistrationDesk, the slip goes through the core's
receipt decision (ReceiptDesk). Sends and slips run as tasks (``spawn``) so the screen says
"Sending…" and never waits on the loop; staff's list is read in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from kiosk.core.registration import Field, Queued, Refused, Sent
from kiosk.core.registration.desk import RegistrationDesk
from kiosk.ui.presenters.intents import (
    Cancelled,
    Finished,
    Intent,
    LanguageChosen,
    Listener,
    StaffActionRequested,
    StartTapped,
    StillHere,
    TimedOut,
)
from kiosk.ui.presenters.registration import (
    ApplicationConfirmed,
    ContactChosen,
    FieldTyped,
    RegisterView,
    RegistrationBack,
    RegistrationNext,
    RegistrationStaffView,
    SlipChosen,
    staff_view,
)
from kiosk.ui.presenters.registration_form import (
    build_application,
    check_typed,
    contacts_allowed,
    field_step,
    form_fields,
    is_minor,
    summary_rows,
)
from kiosk.ui.presenters.registration_slip import RegistrationSlip, SlipDesks
from kiosk.ui.presenters.text import Texts
from kiosk.ui.presenters.views import AttractView, Screen, StaffView, UiState

log = logging.getLogger("knygomatas.ui.registration")


class RegistrationFlow:
    def __init__(
        self,
        inner,
        desk: RegistrationDesk,
        *,
        texts_for: Callable[[str], Texts],
        now: Callable[[], datetime],
        library_name: str = "",
        kiosk_id: str = "",
        slips: SlipDesks | None = None,
        spawn: Callable[[Awaitable[None]], object] | None = None,
        language: str = "lt",
    ) -> None:
        self.inner, self.desk = inner, desk
        self.texts_for, self.now = texts_for, now
        self.slip = RegistrationSlip(slips, library_name, kiosk_id)
        self._spawn = spawn or asyncio.ensure_future
        self.language = self.default_language = language
        self.fields = form_fields(desk.texts.extra_fields)
        self._listeners: list[Listener] = []
        self._own: UiState | None = None
        self._clear()
        inner.subscribe(self._inner_changed)

    def _clear(self) -> None:
        """Forget the applicant: everything typed, the choice, the slip."""
        self._values: dict[str, str] = {}
        self._index = 0
        self._contact = "email"
        self._result: RegisterView | None = None
        if hasattr(self, "slip"):
            self.slip.forget()

    # -- KioskPort -----------------------------------------------------------------------

    def state(self) -> UiState:
        return self._own if self._own is not None else self._offering(self.inner.state())

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def send(self, intent: Intent) -> None:
        if isinstance(intent, LanguageChosen):
            self.language = intent.language
            self.inner.send(intent)
            if self._own is not None and isinstance(self._own.view, RegisterView):
                self._retext()
            return
        if self._own is None:
            if intent == StartTapped("register"):
                self._go_stage("info")
            elif intent == StaffActionRequested("registrations"):
                self._staff_list()
            else:
                self.inner.send(intent)
            return
        match intent:
            case StillHere():
                self.inner.send(intent)
            case TimedOut():
                self._leave()
                self.inner.send(intent)
            case Finished() | Cancelled():
                self._leave()
            case _:
                self._step(intent)

    # -- the steps -----------------------------------------------------------------------

    def _step(self, intent: Intent) -> None:
        view = self._own.view if self._own else None
        if isinstance(view, RegistrationStaffView):
            self._leave()
            return
        if not isinstance(view, RegisterView):
            return
        match (view.stage, intent):
            case ("info", RegistrationNext()):
                self._go_stage("rules" if self._rules_text() else "consent")
            case ("rules", RegistrationNext()):
                self._go_stage("consent")
            case ("rules", RegistrationBack()) | ("consent", RegistrationBack()):
                back = "rules" if view.stage == "consent" and self._rules_text() else "info"
                self._go_stage(back)
            case ("consent", RegistrationNext()):
                self._go_field(0)
            case ("field", FieldTyped(text=text)):
                self._values[self.fields[self._index]] = text
                self._go_field(self._index, live=True)
            case ("field", RegistrationNext()):
                self._field_done()
            case ("field", RegistrationBack()):
                if self._index == 0:
                    self._go_stage("consent")
                else:
                    self._go_field(self._index - 1)
            case ("contact", ContactChosen(contact=contact)):
                if contact in contacts_allowed(self._values):
                    self._contact = contact
                self._go_stage("contact")
            case ("contact", RegistrationNext()):
                self._summary()
            case ("contact", RegistrationBack()) | ("summary", RegistrationBack()):
                if view.stage == "summary":
                    self._go_stage("contact")
                else:
                    self._go_field(len(self.fields) - 1)
            case ("summary", ApplicationConfirmed()):
                self._send()
            case ("info", RegistrationBack()):
                self._leave()
            case ("refused", RegistrationBack()) if not view.duplicate:
                self._go_field(self._field_index(view.refused_field))
            case (("sent" | "refused" | "queued"), SlipChosen(kind=kind)):
                self._spawn(self._deliver(kind))

    def _field_done(self) -> None:
        key = self.fields[self._index]
        checked = self._check(key)
        if not checked.ok:
            self._go_field(self._index, error=checked.reason.value if checked.reason else "")
            return
        if self._index + 1 < len(self.fields):
            self._go_field(self._index + 1)
            return
        allowed = contacts_allowed(self._values)
        if self._contact not in allowed and allowed:
            self._contact = allowed[0]
        self._go_stage("contact")

    def _check(self, key: str):
        return check_typed(key, self._values.get(key, ""), self.desk.rules, self.desk.today())

    def _application(self):
        return build_application(
            self._values,
            rules=self.desk.rules,
            today=self.desk.today(),
            contact=self._contact,
            language=self.language,
            consent_version=self.desk.texts.consent_version,
            extra_fields=self.desk.texts.extra_fields,
        )

    def _summary(self) -> None:
        for index, key in enumerate(self.fields):  # a field changed since: say which
            checked = self._check(key)
            if not checked.ok:
                self._go_field(index, error=checked.reason.value if checked.reason else "")
                return
        application = self._application()
        problems = [p for p in self.desk.check(application) if p.field is not Field.CONSENT]
        if problems:
            problem = problems[0]
            if problem.field.value in self.fields:
                self._go_field(self.fields.index(problem.field.value), error=problem.reason.value)
            else:
                self._go_stage("contact", error=problem.reason.value)
            return
        rows = summary_rows(application, self.desk.texts.extra_fields)
        self._go_stage("summary", summary=rows)

    def _send(self) -> None:
        application = self._application()
        self._go_stage("sending")
        self._spawn(self._sending(application, self._own))

    async def _sending(self, application, sending: UiState | None) -> None:
        minor = application.parent_consent
        try:
            outcome = await self.desk.send(application)
        except Exception:  # a bug must not leave the screen on "Sending…"
            log.exception("registration: sending failed")
            outcome = Refused("")
        if self._own is not sending:
            return  # the applicant left (timeout): the outcome is in the queue for staff
        match outcome:
            case Sent(number=number):
                result = self._view("sent", number=number, parent_notice=minor)
                tr = self.texts_for(self.language)
                slip = self.slip.make(number, minor, application.email, tr, self.now())
                result = replace(result, slip=slip, **self.slip.offers())
            case Queued():
                result = self._view("queued", parent_notice=minor)
            case Refused(duplicate=duplicate, field=field):
                result = self._view(
                    "refused",
                    reason=outcome.reason,
                    duplicate=duplicate,
                    refused_field=field.value if field else "",
                )
        if result.stage != "refused" or result.duplicate:
            self._values, self._contact = {}, "email"  # sent or held: nothing to correct
        self._result = result
        self._go(Screen.REGISTRATION, result)

    # -- the slip (registration_slip.py) ------------------------------------------------

    async def _deliver(self, kind: str) -> None:
        result = self._result
        if kind == "none" or result is None or result.slip is None:
            self._leave()
            return
        done = await self.slip.deliver(kind)
        if self._result is result:
            self._result = replace(result, delivery=done, offers_print=False, offers_email=False)
            self._go(Screen.REGISTRATION, self._result)

    # -- staff ---------------------------------------------------------------------------

    def _staff_list(self) -> None:
        self._go(Screen.REGISTRATION_STAFF, RegistrationStaffView(day=self.desk.today()))
        self._spawn(self._read_staff_list())

    async def _read_staff_list(self) -> None:
        try:
            rows = await asyncio.to_thread(self.desk.day_list)
        except Exception:
            log.exception("registration: the day's list could not be read")
            view = RegistrationStaffView(day=self.desk.today(), failed=True)
        else:
            view = staff_view(rows, self.desk.today())
        if self._own is not None and self._own.screen is Screen.REGISTRATION_STAFF:
            self._go(Screen.REGISTRATION_STAFF, view)

    # -- views ---------------------------------------------------------------------------

    def _rules_text(self) -> str:
        return self.desk.texts.rules_for(self.language)

    def _view(self, stage: str, **changes) -> RegisterView:
        texts = self.desk.texts
        text = {"rules": self._rules_text(), "consent": texts.consent_for(self.language)}
        rules, today = self.desk.rules, self.desk.today()
        base = RegisterView(
            stage,
            text=text.get(stage, ""),
            contact=self._contact,
            contacts=contacts_allowed(self._values),
            parent_notice=is_minor(self._values, rules, today),
            consent_age=rules.parent_consent_age,
        )
        return replace(base, **changes)

    def _go_stage(self, stage: str, **changes) -> None:
        self._go(Screen.REGISTRATION, self._view(stage, **changes))

    def _go_field(self, index: int, live: bool = False, error: str = "") -> None:
        self._index = max(0, min(index, len(self.fields) - 1))
        key = self.fields[self._index]
        typed = self._values.get(key, "")
        if live and typed:
            checked = self._check(key)
            error = checked.reason.value if checked.reason else ""
        step = field_step(key, self.fields, self.desk.texts.extra_fields, self.desk.rules)
        view = self._view("field", value=typed, error=error, **step)
        if key != Field.BIRTH_DATE.value:
            view = replace(view, parent_notice=False)
        self._go(Screen.REGISTRATION, view)

    def _field_index(self, name: str) -> int:
        return self.fields.index(name) if name in self.fields else 0

    def _retext(self) -> None:
        """The language changed: the configured texts follow it."""
        assert self._own is not None
        view = self._own.view
        if isinstance(view, RegisterView) and view.stage in ("rules", "consent"):
            self._go_stage(view.stage)

    def _leave(self) -> None:
        self._own = None
        self._clear()
        self._publish(self._offering(self.inner.state()))

    def _offering(self, state: UiState) -> UiState:
        view = state.view
        if isinstance(view, AttractView):
            return replace(state, view=replace(view, offers_registration=True))
        if isinstance(view, StaffView):
            return replace(state, view=replace(view, offers_registrations=True))
        return state

    def _go(self, screen: Screen, view) -> None:
        self._own = UiState(screen, view)
        self._publish(self._own)

    def _publish(self, state: UiState) -> None:
        for listener in list(self._listeners):
            listener(state)

    def _inner_changed(self, state: UiState) -> None:
        if self._own is None:
            self._publish(self._offering(state))
