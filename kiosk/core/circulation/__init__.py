"""Circulation at the kiosk: one patron's visit from the card to the receipt — borrowing,
returning, renewing, the account view — on the RFID pad, against the library-system port.

    service.py      CirculationService: the session driven by intents, card scans, pad events
    session.py      the session's states and legal transitions (the table), the views
    setup.py        what the service is built from: CirculationRules, Ports
    sign_in.py, identify.py, staff_auth.py       who is at the kiosk (patron or staff)
    visit.py        one visit's bookkeeping and the context the steps work in
    visit_work.py   one visit's items: the stack pipeline, renewals, the account
    arrivals.py, stack.py, pad.py                the pad's items, in order, two stages
    envelope.py     the transaction envelope: write ahead, send, settle, offline, recovery
    borrow.py, returns.py, renewals.py           the three transactions, each on the envelope
    offline_policy.py, notices.py, view.py, statistics.py

Shared with the other kiosk services (lockers, rooms, payments) and kept in kiosk/core: the
model and the ports (model.py, ports.py, vocabulary.py, outbox.py, stats.py), clock, errors,
health, privacy, patron_checks, receipts. Must never import a backend, a driver or the UI.
"""

from kiosk.core.circulation.offline_policy import OfflineMode, OfflinePolicy
from kiosk.core.circulation.service import CirculationService
from kiosk.core.circulation.setup import CirculationRules, Ports
from kiosk.core.circulation.visit import StaffAlert

__all__ = [
    "CirculationRules",
    "CirculationService",
    "OfflineMode",
    "OfflinePolicy",
    "Ports",
    "StaffAlert",
]
