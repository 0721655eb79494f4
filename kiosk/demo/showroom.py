"""`kiosk run --demo-session` (or a configuration without [ils]): the REAL kiosk in a showroom.

No library server and no devices are needed, yet nothing is scripted: the ILS simulator (the
demo library, SIP2 over a loopback socket, its own thread) starts in this process, the
settings are pointed at it, and kiosk.wiring.assembly.build_kiosk assembles the real circulation
core and the UI's real port (kiosk/ui/core_session.py) over it, exactly as `kiosk run` does.
The device tables are dropped (nothing answers on their addresses here) and the local store
lives in a temporary directory, so a showroom keeps nothing. Without a [rooms] table the room
screens run over the booking system's in-process fake (simulators/models/rooms_fake.py, the
behaviour model the LibCal simulator serves), with patrons looked up at the ILS simulator.

Demo identities are the demo library's (simulators/ils/data/demo_library.json): patron
2100000001 with PIN 1234, the staff card 9900000001 with PIN 4321.

Must never be used by a kiosk in service: only `kiosk run` asks for it, when told to.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.clock import wall_time
from kiosk.settings import Settings
from kiosk.settings.ils import IlsSection
from kiosk.wiring.room_desk import IlsPatrons, RoomsParts
from simulators.ils.simulator import IlsSimulator
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.models.rooms_fake import FakeBookingSystem, FakeRoomBookings

# the tables of devices and services a showroom has none of
DEVICE_TABLES = ("rfid", "lockers", "printer", "payment_terminal", "smtp", "sms", "metrics")


def simulated_ils(sim: IlsSimulator) -> IlsSection:
    """The [ils] table for the simulator's address and its demo account."""
    return IlsSection(
        host=sim.host,
        port=sim.port,
        username="kiosk1",
        password="demo",
        institution="AVB",
        location="KNYGOMATAS-1",
        encoding="utf-8",
        keepalive_s=0,
    )


@contextlib.contextmanager
def showroom_settings(settings: Settings) -> Iterator[Settings]:
    """The settings of a kiosk on the in-process ILS simulator, while it runs."""
    clock = wall_time(settings.kiosk.timezone)
    with (
        tempfile.TemporaryDirectory(prefix="kiosk-showroom-") as data_dir,
        IlsSimulator(encoding="utf-8", clock=clock) as sim,
    ):
        changes: dict[str, object] = dict.fromkeys(DEVICE_TABLES)
        changes["ils"] = simulated_ils(sim)
        changes["kiosk"] = settings.kiosk.model_copy(update={"data_dir": data_dir})
        yield settings.model_copy(update=changes)


def showroom_rooms(settings: Settings, patrons: IlsPatrons) -> RoomsParts:
    """Room booking over the booking system's fake; patrons from the kiosk's ILS client."""
    tz = ZoneInfo(settings.kiosk.timezone)
    today = datetime.now(tz).date()
    system = FakeBookingSystem(RoomsModel(library_dataset(today, tz), SimClock(tz)))
    return RoomsParts(
        FakeRoomBookings(system),
        patrons,
        refresh=lambda _now, _force: system.reachable,
        library_name=settings.kiosk.library_name,
        kiosk_id=settings.kiosk.id,
    )


class Showroom:
    """The showroom as kiosk.wiring.touch_app.assemble_app takes it (its Showroom protocol):
    `kiosk run --demo-session`, and a config without [ils], hand it in."""

    def settings(self, settings: Settings) -> contextlib.AbstractContextManager[Settings]:
        return showroom_settings(settings)

    def rooms(self, settings: Settings, patrons: IlsPatrons) -> RoomsParts:
        return showroom_rooms(settings, patrons)
