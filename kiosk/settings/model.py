"""The whole configuration: one field per table of the TOML file."""

from __future__ import annotations

from kiosk.settings.base import Section
from kiosk.settings.circulation import CirculationSection
from kiosk.settings.console import ConsoleSection
from kiosk.settings.general import KioskSection, LogSection
from kiosk.settings.help import HelpSection
from kiosk.settings.ils import IlsSection
from kiosk.settings.lockers import LockersSection
from kiosk.settings.metrics import MetricsSection
from kiosk.settings.notify import SmsSection
from kiosk.settings.payment import PaymentsSection, PaymentTerminalSection
from kiosk.settings.printer import PrinterSection, ReceiptsSection
from kiosk.settings.registration import RegistrationSection
from kiosk.settings.rfid import RfidSection
from kiosk.settings.rooms import RoomsSection
from kiosk.settings.scanner import ScannerSection
from kiosk.settings.smtp import SmtpSection
from kiosk.settings.store import StoreSection
from kiosk.settings.theme import ThemeSection
from kiosk.settings.ui import UiSection


class Settings(Section):
    kiosk: KioskSection = KioskSection()
    log: LogSection = LogSection()
    ils: IlsSection | None = None
    rfid: RfidSection | None = None
    scanner: ScannerSection | None = None
    lockers: LockersSection | None = None
    printer: PrinterSection | None = None
    payment_terminal: PaymentTerminalSection | None = None
    payments: PaymentsSection = PaymentsSection()
    receipts: ReceiptsSection = ReceiptsSection()
    smtp: SmtpSection | None = None
    sms: SmsSection | None = None
    rooms: RoomsSection | None = None
    registration: RegistrationSection | None = None
    circulation: CirculationSection = CirculationSection()
    ui: UiSection = UiSection()
    metrics: MetricsSection | None = None
    store: StoreSection = StoreSection()
    console: ConsoleSection = ConsoleSection()
    help: HelpSection | None = None
    theme: ThemeSection = ThemeSection()
