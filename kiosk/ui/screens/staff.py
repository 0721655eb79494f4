"""Staff and technician mode (after a staff card and PIN): device health with a test for
each device, locker loading, expired retrieval (kiosk/ui/screens/staff_lockers.py), outbox and
the reconciliation list, alarms and the configuration summary, restart (asked twice). Five
tabs, so each fits a portrait or landscape panel.

Every button is an intent (StaffActionRequested); the outcome comes back in ``last_result``.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.intents import Finished, StaffActionRequested
from kiosk.ui.presenters.text import (
    DEVICE_TESTS,
    DEVICES,
    N_,
    RECONCILIATION,
    RowText,
    Texts,
    Tone,
    alarm_summary,
    staff_result,
)
from kiosk.ui.presenters.views import StaffView
from kiosk.ui.screens.base import KioskScreen, Send
from kiosk.ui.screens.staff_lockers import LockerPages
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, restyle
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.rows import TONE_COLOURS, RowAction, RowList

TABS = ("devices", "lockers", "expired", "outbox", "settings")


def _button(role: str, name: str, on_release) -> KioskButton:
    button = KioskButton(role=role)
    button.action_name = name
    button.bind(on_release=lambda *_: on_release())
    return button


class StaffScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("staff", send, **kwargs)
        self.tab = "devices"
        self._texts: Texts | None = None
        self._tab_hint = ""
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.result = FitLabel(role="body", lines=1, colour="muted")
        self.tab_bar = BoxLayout(orientation="horizontal", spacing=12, size_hint_y=None)
        self.tab_buttons = {}
        for tab in TABS:
            button = KioskButton(role="secondary", fixed_height=False)
            button.action_name = f"tab:{tab}"
            button.bind(on_release=lambda _b, t=tab: self.show_tab(t))
            self.tab_buttons[tab] = button
            self.tab_bar.add_widget(button)
        self.body = BoxLayout(orientation="vertical", spacing=14)
        self.pages = {tab: BoxLayout(orientation="vertical", spacing=14) for tab in TABS}
        self._build_pages()
        self.detachable = list(self.pages.values())
        bottom = BoxLayout(orientation="horizontal", spacing=24, size_hint_y=None)
        self.restart = KioskButton(role="danger", fixed_height=False)
        self.restart.action_name = "restart"
        self.restart.bind(on_release=lambda *_: self._restart_pressed())
        self.leave = KioskButton(role="primary", fixed_height=False)
        self.leave.action_name = "leave"
        self.leave.bind(on_release=lambda *_: self.send(Finished()))
        self.rooms = KioskButton(role="secondary", fixed_height=False)
        self.rooms.action_name = "rooms"
        self.rooms.bind(on_release=lambda *_: self._act("rooms"))
        self.detachable.append(self.rooms)
        self.payments = KioskButton(role="secondary", fixed_height=False)
        self.payments.action_name = "payments"  # today's card payments (presenters/pay_flow.py)
        self.payments.bind(on_release=lambda *_: self._act("payments"))
        self.detachable.append(self.payments)
        # [registration]: the day's reader applications, from the outbox tab
        self.registrations = _button("secondary", "registrations", self._registrations)
        self.detachable.append(self.registrations)
        bottom.add_widget(self.restart)
        bottom.add_widget(self.leave)
        self.bottom = bottom
        self.sidebar = BoxLayout(orientation="vertical", spacing=20, size_hint_x=0.3)
        self.main = BoxLayout(orientation="vertical", spacing=14)
        self.columns = BoxLayout(orientation="horizontal", spacing=32)
        self.gap = BoxLayout()
        self.body.add_widget(self.pages[self.tab])

    def set_orientation(self, portrait: bool) -> None:
        """Portrait: tabs on top, actions at the bottom. Landscape: both in a left sidebar."""
        super().set_orientation(portrait)
        for box in (self.root_panel, self.sidebar, self.main, self.columns):
            box.clear_widgets()
        direction = "horizontal" if portrait else "vertical"
        self.tab_bar.orientation = self.bottom.orientation = direction
        if portrait:
            for widget in (self.title, self.tab_bar, self.result, self.body, self.bottom):
                self.root_panel.add_widget(widget)
        else:
            for widget in (self.tab_bar, self.gap, self.bottom):
                self.sidebar.add_widget(widget)
            self.main.add_widget(self.result)
            self.main.add_widget(self.body)
            self.columns.add_widget(self.sidebar)
            self.columns.add_widget(self.main)
            self.root_panel.add_widget(self.title)
            self.root_panel.add_widget(self.columns)
        self._size_bars()

    def _size_bars(self) -> None:
        height = self.theme.button_height
        if self.portrait:
            self.tab_bar.height = self.bottom.height = height
            return
        height = max(self.theme.min_target, height * 0.6)  # five tabs in the sidebar
        self.tab_bar.height = height * len(TABS) + self.tab_bar.spacing * (len(TABS) - 1)
        # A third button (Room bookings) in the sidebar: slimmer, still a 15 mm target.
        rows = max(2, len(self.bottom.children))
        slim = max(self.theme.min_target, self.theme.button_height * (0.75 if rows < 3 else 0.6))
        self.bottom.height = slim * rows + self.bottom.spacing * (rows - 1)

    def forget(self) -> None:
        super().forget()
        self.devices.clear()
        self.recon.clear()
        self.lockers.forget()
        self._tab_hint = ""
        self.show_tab("devices")

    def _act(self, action: str, target: str = "") -> None:
        self.send(StaffActionRequested(action, target))

    def _registrations(self) -> None:
        self._act("registrations")

    def _restart_pressed(self) -> None:
        asked = isinstance(self.view, StaffView) and self.view.restart_asked
        self._act("restart", "confirm" if asked else "")

    def _build_pages(self) -> None:
        self.devices = RowList(
            5, on_action=lambda d: self._act("test", d), title_lines=1, compact=True
        )
        self.pages["devices"].add_widget(self.devices)
        self.lockers = LockerPages(self._act)
        self.pages["lockers"] = self.lockers.load_page
        self.pages["expired"] = self.lockers.expired_page
        self.outbox_line = FitLabel(role="heading", lines=2)
        self.send_now = _button("primary", "send_now", lambda: self._act("send_outbox"))
        self.recon_title = FitLabel(role="heading", lines=1, bold=True)
        self.recon = RowList(3, on_action=lambda _k: None, title_lines=1)
        for widget in (self.outbox_line, self.send_now, self.recon_title, self.recon):
            self.pages["outbox"].add_widget(widget)
        self.alarms_title = FitLabel(role="heading", lines=1, bold=True)
        self.alarms = FitLabel(role="body", lines=3, colour="bad")
        self.config_title = FitLabel(role="heading", lines=1, bold=True)
        self.config = FitLabel(role="small", lines=8)
        for widget in (self.alarms_title, self.alarms, self.config_title, self.config):
            self.pages["settings"].add_widget(widget)
        for tab in ("devices", "outbox", "settings"):
            self.pages[tab].add_widget(BoxLayout())

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self._size_bars()
        for page in self.pages.values():
            restyle(page, theme)
        self.devices.apply_theme(theme)
        self.recon.apply_theme(theme)
        self.lockers.apply_theme(theme)

    def show_tab(self, tab: str) -> None:
        self.tab = tab
        self.body.clear_widgets()
        self.body.add_widget(self.pages[tab])
        for name, button in self.tab_buttons.items():
            button.set_selected(name == tab)
        if isinstance(self.view, StaffView) and self._texts is not None:
            self.render(self.view, self._texts)

    def render(self, view: StaffView, tr: Texts) -> None:  # type: ignore[override]
        self.view, self._texts = view, tr
        if view.tab in self.pages and view.tab != self._tab_hint:
            self._tab_hint = view.tab  # a locker action's outcome is on its own tab, once
            self.show_tab(view.tab)
        self.title.text = tr.gettext("Staff mode") + (
            f" · {view.staff_name}" if view.staff_name else ""
        )
        labels = {
            "devices": tr.gettext("Devices"),
            "lockers": tr.gettext("Load lockers"),
            "expired": tr.gettext("Expired"),
            "outbox": tr.gettext("Outbox"),
            "settings": tr.gettext("Alarms and settings"),
        }
        for name, button in self.tab_buttons.items():
            button.text = labels[name]
            button.set_selected(name == self.tab)
        self.result.text = staff_result(view.last_action, view.last_target, tr)
        if view.restart_asked:
            self.result.text = tr.gettext("Restart the kiosk now? Tap again to confirm.")
        self._render_devices(view, tr)
        self._render_pages(view, tr)
        self.restart.text = (
            tr.gettext("Yes, restart now")
            if view.restart_asked
            else tr.gettext("Restart the kiosk")
        )
        self.leave.text = tr.gettext("Leave staff mode")
        self.rooms.text = tr.gettext("Room bookings")
        if view.offers_rooms and self.rooms.parent is None:
            self.bottom.add_widget(self.rooms, index=1)
            self._size_bars()
        elif not view.offers_rooms and self.rooms.parent is not None:
            self.bottom.remove_widget(self.rooms)
            self._size_bars()
        self.payments.text = tr.gettext("Card payments")
        if view.offers_payments and self.payments.parent is None:
            self.bottom.add_widget(self.payments, index=1)
            self._size_bars()
        elif not view.offers_payments and self.payments.parent is not None:
            self.bottom.remove_widget(self.payments)
            self._size_bars()
        self.registrations.text = tr.gettext("Reader applications")
        outbox = self.pages["outbox"]
        if view.offers_registrations and self.registrations.parent is None:
            outbox.add_widget(self.registrations, index=outbox.children.index(self.send_now))
        elif not view.offers_registrations and self.registrations.parent is not None:
            outbox.remove_widget(self.registrations)

    def _render_devices(self, view: StaffView, tr: Texts) -> None:
        rows = []
        for device in view.devices:
            status = tr.gettext("Working") if device.healthy else tr.gettext("Fault")
            tone = Tone.GOOD if device.healthy else Tone.BAD
            name = tr.gettext(DEVICES.get(device.device, device.device))
            action = RowAction(
                tr.gettext(DEVICE_TESTS.get(device.device, N_("Test"))), device.device
            )
            rows.append((RowText(name, device.detail, status, tone), action))
        self.devices.show(rows, lambda n: "", "", 5)

    def _render_pages(self, view: StaffView, tr: Texts) -> None:
        self.lockers.render(view, tr)
        self.outbox_line.text = tr.gettext("Waiting to send: %(pending)s · Failed: %(failed)s") % {
            "pending": tr.number(view.outbox_pending),
            "failed": tr.number(view.outbox_failed),
        }
        self.send_now.text = tr.gettext("Send now")
        self.recon_title.text = tr.gettext("To check")
        to_check = tr.gettext("To check")
        recon = []
        for line in view.reconciliation:
            detail = f"{line.item_id} · {tr.gettext(RECONCILIATION[line.problem])}"
            recon.append((RowText(line.title, detail, to_check, Tone.WAIT), None))
        self.recon.show(recon, lambda n: "", tr.gettext("Nothing to check."), 3)
        self.alarms_title.text = tr.gettext("Alarms")
        self.alarms.text, tone = alarm_summary(view.alarms, tr)
        self.alarms.colour = TONE_COLOURS[tone]  # words first; the colour only adds to them
        self.alarms.apply_theme(self.theme)
        self.config_title.text = tr.gettext("Configuration")
        self.config.text = "\n".join(f"{key}: {value}" for key, value in view.config)
