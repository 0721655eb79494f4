"""The touch app's card payments, built from the settings: when [payment_terminal] is set, the
payment desk (kiosk.wiring.payment.payment_desk_from) on a library-system connection of its
own, and the pay flow (kiosk/ui/presenters/pay_flow.py) in front of the session port. The one
place where the payment screens meet the settings; kiosk.wiring.touch_app calls
``with_payments`` for `kiosk run` and `kiosk demo`.

At start a task settles what a crash left in the payment journal (PaymentDesk.recover; the
desk answers "busy" to a payment until it is done), so the app's first frame never waits for
the terminal. Everything started here is stopped by ``stack``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from kiosk.settings import Settings

log = logging.getLogger(__name__)


def _recorder(kiosk: Any) -> Any:
    """The payment metrics on the kiosk's /metrics ([metrics] on), else None."""
    monitoring = getattr(kiosk, "monitoring", None)
    if monitoring is None:
        return None
    from kiosk.telemetry.payments import PaymentMetrics

    return PaymentMetrics().add_to(monitoring.registry)


async def with_payments(
    settings: Settings, port: Any, kiosk: Any, stack: contextlib.AsyncExitStack
) -> Any:
    """``port`` wrapped in the pay flow, or ``port`` itself without [payment_terminal]."""
    if settings.payment_terminal is None or getattr(kiosk, "service", None) is None:
        return port
    from kiosk.i18n import Catalogs
    from kiosk.ui.presenters.pay_flow import PayFlow
    from kiosk.wiring.library import library_from
    from kiosk.wiring.payment import payment_desk_from, payment_journal_from

    service = kiosk.service
    clock = service.ports.clock
    journal = payment_journal_from(settings)
    stack.callback(journal.close)
    library = library_from(settings)  # the desk's own SIP2 connection
    stack.push_async_callback(library.close)
    desk = payment_desk_from(settings, library, clock, journal=journal, recorder=_recorder(kiosk))
    stack.push_async_callback(desk.terminal.close)
    recovery = asyncio.create_task(_recover(desk), name="payments-recover")
    stack.callback(recovery.cancel)

    def credentials() -> tuple[str, str | None] | None:
        visit = service.visit
        if visit is None or not visit.card or visit.patron is None:
            return None
        return visit.card, visit.pin

    return PayFlow(
        port,
        desk,
        credentials=credentials,
        offline=lambda: service.view.offline,
        rules=desk.rules,
        receipts=getattr(kiosk, "receipt_desks", None),
        library_name=settings.kiosk.library_name,
        kiosk_id=settings.kiosk.id,
        now=clock.now,
        catalogs=Catalogs(),
    )


async def _recover(desk: Any) -> None:
    try:
        settled = await desk.recover()
    except Exception:  # the journal or the terminal: logged; the staff list shows the rest
        log.exception("payments: settling the journal at start failed")
        return
    if settled:
        log.info("payments: %d payment(s) settled at start", len(settled))
