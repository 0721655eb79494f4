"""The REAL patron session core in one process, for the UI tests and the app benchmarks.

``InProcessCore`` is the circulation service (kiosk.core.circulation) and the UI's own port
onto it (kiosk/ui/core_session.CoreSession), over the simulators' behaviour models where no
device or server is wanted: the ILS simulator (the demo library; SIP2 over a loopback socket
on its own thread), the pad and the outbox fakes of simulators/models. Only the world is
simulated; every rule a screen shows is the core's, so the harness cannot drift from it.

    with IlsSimulator(encoding="utf-8", clock=clock.now) as sim:
        core = InProcessCore(sim, attract, clock=clock)
        app = KioskApp(core.port, ...)
        ...
        await core.close()

Demo identities are the demo library's (simulators/ils/data/demo_library.json): patron
2100000001 with PIN 1234, the staff card 9900000001 with PIN 4321.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.clock import Clock
from kiosk.ui.core_session import CoreSession
from kiosk.ui.presenters.views import AttractView
from simulators.ils.simulator import IlsSimulator
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.pad_fake import FakePad

STAFF_CARD_PATTERN = r"^99[0-9]{8}$"  # config/demo.toml's: the demo library's staff patron


def sip2_client(sim: IlsSimulator, clock: Clock) -> Sip2Client:
    """The real SIP2 client on the simulator's loopback port, with the simulator's account."""
    return Sip2Client(
        Sip2Config(
            endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=5),
            wire=Wire(encoding="utf-8", timeout_s=2.0, retries=1),
            terminal=Terminal(institution="AVB", location="KNYGOMATAS-1"),
            username="kiosk1",
            password="demo",
            keepalive_s=0,
        ),
        clock=clock.now,
    )


class InProcessCore:
    """CirculationService + CoreSession over the ILS simulator, a FakePad and a FakeOutbox.
    ``spawn`` runs the port's work (default: a task on the running loop); ``lockers`` and
    ``staff`` are CoreSession's optional desks."""

    def __init__(
        self,
        sim: IlsSimulator,
        attract: AttractView,
        *,
        clock: Clock,
        rules: CirculationRules | None = None,
        spawn: Callable[[Awaitable[None]], object] | None = None,
        lockers: Any = None,
        staff: Any = None,
        pickup_by_card: bool = True,
    ) -> None:
        self.sim = sim
        self.clock = clock
        self.pad = FakePad()
        self.outbox = FakeOutbox()
        self.library = sip2_client(sim, clock)
        self.port = CoreSession(
            None,  # type: ignore[arg-type] - the service is built next, reporting to the port
            attract,
            now=clock.now,
            lockers=lockers,
            staff=staff,
            spawn=spawn,
            pickup_by_card=pickup_by_card,
        )
        ports = Ports(self.library, self.outbox, clock, self.pad, on_view=self.port.on_view)
        rules = rules or CirculationRules(staff_card_pattern=STAFF_CARD_PATTERN)
        self.service = CirculationService(ports, rules)
        self.port.service = self.service

    async def settle(self) -> None:
        """Wait until the core's work in flight (ILS round trips) is done."""
        await self.service.settle()

    async def close(self) -> None:
        await self.library.close()
