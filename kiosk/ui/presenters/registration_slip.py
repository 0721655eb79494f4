"""The registration slip: made once an application is accepted, then printed, e-mailed or both
through the core's receipt delivery (kiosk/core/receipt_delivery.py ReceiptDesk).

A ``Receipt`` whose notes say the application number, "bring an identity document to the
lending desk" and, for a minor, the parent notice (in the screen's language), with a QR code
of the number. Each channel gets a ReceiptDesk of its own ("both" is two slips, one printed,
one e-mailed: one decision per channel). The e-mail goes to the address the applicant typed,
held here only until the visit ends (``forget``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from kiosk.core.receipt_delivery import ReceiptDesk, State
from kiosk.core.receipts import Receipt
from kiosk.ui.presenters.registration import slip_notes
from kiosk.ui.presenters.text import Texts

log = logging.getLogger("knygomatas.ui.registration")
SlipDesks = Callable[[str, Receipt], ReceiptDesk]
DELIVERED = {"print": "printed", "email": "emailed", "both": "both"}


class RegistrationSlip:
    def __init__(self, desks: SlipDesks | None, library_name: str, kiosk_id: str) -> None:
        self.desks = desks
        self.library_name, self.kiosk_id = library_name, kiosk_id
        self.forget()

    def forget(self) -> None:
        self.receipt: Receipt | None = None
        self.number = ""
        self._email = ""

    def make(self, number: str, minor: bool, email: str, tr: Texts, now: datetime) -> Receipt:
        self.number, self._email = number, email
        self.receipt = Receipt(
            library_name=self.library_name,
            kiosk_id=self.kiosk_id,
            issued_at=now,
            notes=slip_notes(number, minor, tr),
            qr_payload=number,
        )
        return self.receipt

    def offers(self) -> dict[str, bool]:
        """What the result screen offers: print when there is a printer, e-mail when there is
        a mail server and the applicant gave an address."""
        if self.desks is None or self.receipt is None:
            return {"offers_print": False, "offers_email": False}
        kinds = {
            choice.value for choice in self.desks("registration-offer", self.receipt).choices()
        }
        return {
            "offers_print": "print" in kinds,
            "offers_email": "email" in kinds and bool(self._email),
        }

    async def deliver(self, kind: str) -> str:
        """print | email | both -> "printed" | "emailed" | "both", or "failed"."""
        if self.desks is None or self.receipt is None or kind not in DELIVERED:
            return "failed"
        offers = self.offers()
        delivered = True
        for channel in ("print", "email") if kind == "both" else (kind,):
            if not offers[f"offers_{channel}"]:
                return "failed"
            desk = self.desks(f"registration-{self.number}-{channel}", self.receipt)
            try:
                if channel == "print":
                    delivered &= (await desk.print()).state is State.PRINTED
                else:
                    delivered &= (await desk.email(self._email)).state is State.EMAIL_QUEUED
            except Exception:  # a broken printer or mail queue: say so, the number stays shown
                log.exception("registration slip: %s failed", channel)
                delivered = False
        return DELIVERED[kind] if delivered else "failed"
