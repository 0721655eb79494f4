"""Continuous inventory: events from rounds, reader loss and return, the worker thread."""

import asyncio
import threading

from device_drivers.rfid.library_tags import LibraryTags
from device_drivers.rfid.pad import (
    PadTracker,
    ReaderLost,
    ReaderRestored,
    TagsArrived,
    TagsLeft,
)
from device_drivers.rfid.pad_monitor import PadMonitor, deliver_to
from simulators.models.rfid_pad import PadModel
from simulators.rfid import tags
from simulators.rfid.fake import FakeReader


def monitor(pad: PadModel, events: list) -> tuple[PadMonitor, FakeReader]:
    reader = FakeReader(pad)
    ticks = iter(range(1000))
    mon = PadMonitor(
        reader,
        LibraryTags(reader),
        events.append,
        tracker=PadTracker(arrive_rounds=2, leave_rounds=2),
        clock=lambda: float(next(ticks)),
    )
    return mon, reader


def test_arrivals_carry_item_data_and_departures_follow() -> None:
    pad, events = PadModel(), []
    mon, _ = monitor(pad, events)
    book = tags.item_tag("111")
    pad.place(book)
    assert mon.step() == []
    [arrived] = mon.step()
    assert isinstance(arrived, TagsArrived)
    assert arrived.tags[0].item.primary_item_id == "111"
    pad.remove(book.uid)
    mon.step()
    [left] = mon.step()
    assert left == TagsLeft((book.uid,), left.at)
    assert events == [arrived, left]


def test_reader_loss_is_reported_once_and_its_return() -> None:
    pad, events = PadModel(), []
    mon, reader = monitor(pad, events)
    reader.unplugged = True
    mon.step()
    mon.step()
    reader.unplugged = False
    mon.step()
    assert [type(e) for e in events] == [ReaderLost, ReaderRestored]


def test_worker_thread_runs_until_stopped() -> None:
    pad, events = PadModel(), []
    arrived = threading.Event()
    reader = FakeReader(pad)

    def on_event(event: object) -> None:
        events.append(event)
        if isinstance(event, TagsArrived):
            arrived.set()

    mon = PadMonitor(reader, LibraryTags(reader), on_event, interval_s=0.0)
    pad.place(tags.item_tag("111"))
    mon.start()
    assert arrived.wait(timeout=10)
    mon.stop()
    assert isinstance(events[-1], TagsLeft)  # session over: the pad is forgotten
    assert not any(t.name == "rfid-pad" for t in threading.enumerate())


class DepartingReader(FakeReader):
    """The tag leaves the pad between the inventory and the read, once."""

    def read_blocks(self, uid: str, first: int, count: int) -> bytes:
        if not getattr(self, "departed", False):
            self.departed = True
            self.model.remove(uid)
        return super().read_blocks(uid, first, count)


def test_a_tag_gone_before_it_was_read_arrives_anew() -> None:
    pad, events = PadModel(), []
    reader = DepartingReader(pad)
    mon = PadMonitor(
        reader,
        LibraryTags(reader),
        events.append,
        tracker=PadTracker(arrive_rounds=1, leave_rounds=1),
        clock=lambda: 0.0,
    )
    book = tags.item_tag("111")
    pad.place(book)
    assert mon.step() == []  # seen, but gone when read: no arrival, and no departure later
    assert mon.step() == []
    pad.place(book)
    [arrived] = mon.step()
    assert arrived.tags[0].uid == book.uid


def test_events_reach_an_asyncio_queue() -> None:
    async def main() -> object:
        queue: asyncio.Queue = asyncio.Queue()
        pad = PadModel()
        reader = FakeReader(pad)
        mon = PadMonitor(
            reader,
            LibraryTags(reader),
            deliver_to(asyncio.get_running_loop(), queue),
            interval_s=0.0,
        )
        pad.place(tags.item_tag("111"))
        mon.start()
        try:
            return await asyncio.wait_for(queue.get(), timeout=10)
        finally:
            await asyncio.to_thread(mon.stop)

    event = asyncio.run(main())
    assert isinstance(event, TagsArrived)
