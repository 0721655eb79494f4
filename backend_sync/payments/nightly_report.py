"""The nightly e-mail of the day's report: a small task in the kiosk's event loop that sends
each day's report once, at [payments] report_time in library wall time.

    due(day) = day at report_time            (report_time from 12:00 on: the same evening)
             = day + 1 at report_time        (report_time before 12:00: the next morning)

The last day sent is kept in a small file (written atomically), so a restart does not send a
day twice, and days missed while the kiosk was off are sent, oldest first, on the next start
(at most `catch_up_days`; older ones are logged: `kiosk payments send-report --day` sends
them by hand). A first start without the file sends nothing from the past. A failed send is
tried again after `retry_s`; the day stays unsent until the mail server takes it.

The clock and the sleep are injected; composing (journal read, rendering) and sending are
blocking, so they run in a worker thread. Never raises out of `run`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path

from kiosk.core.clock import Clock

log = logging.getLogger("knygomatas.payments.nightly_report")
NOON = time(12, 0)


class NightlyReport:
    def __init__(
        self,
        compose: Callable[[date], EmailMessage],
        send: Callable[[EmailMessage], None],
        *,
        clock: Clock,
        at: time,
        state_file: Path,
        catch_up_days: int = 7,
        retry_s: float = 600.0,
        poll_s: float = 60.0,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.compose = compose
        self.send = send
        self.clock = clock
        self.at = at
        self.state_file = Path(state_file)
        self.catch_up_days = catch_up_days
        self.retry_s = retry_s
        self.poll_s = poll_s
        self.sleep = sleep
        self.last_error: str | None = None
        self._stop = False

    def due(self, day: date) -> datetime:
        when = datetime.combine(day, self.at)
        return when if self.at >= NOON else when + timedelta(days=1)

    def latest_due_day(self, now: datetime) -> date:
        """The newest day whose report is due at `now`."""
        day = now.date()
        while self.due(day) > now:
            day -= timedelta(days=1)
        return day

    def last_sent(self) -> date | None:
        try:
            return date.fromisoformat(self.state_file.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            return None
        except ValueError:
            log.error("nightly report: %s is damaged; starting from now", self.state_file)
            return None

    def pending(self, now: datetime) -> list[date]:
        """The days to send now, oldest first."""
        newest = self.latest_due_day(now)
        last = self.last_sent()
        if last is None:
            self._remember(newest)
            log.info("nightly report: first start, reports from %s on", newest + timedelta(1))
            return []
        days = [last + timedelta(days=n) for n in range(1, (newest - last).days + 1)]
        if len(days) > self.catch_up_days:
            skipped = days[: -self.catch_up_days]
            log.warning(
                "nightly report: %s … %s not sent (more than %d days missed): "
                "send them with `kiosk payments send-report --day`",
                skipped[0],
                skipped[-1],
                self.catch_up_days,
            )
            days = days[-self.catch_up_days :]
        return days

    async def step(self) -> list[date]:
        """Send what is due now; returns the days sent. Stops at the first failure."""
        sent = []
        for day in self.pending(self.clock.now()):
            try:
                await asyncio.to_thread(self._send_day, day)
            except Exception as exc:  # the mail server, the journal, the font: try again later
                self.last_error = f"{day}: {type(exc).__name__}: {exc}"
                log.warning("nightly report of %s not sent: %s", day, exc)
                break
            self._remember(day)
            self.last_error = None
            sent.append(day)
            log.info("nightly report of %s sent", day)
        return sent

    def seconds_to_next(self, now: datetime) -> float:
        if self.last_error is not None:
            return self.retry_s
        upcoming = self.due(self.latest_due_day(now) + timedelta(days=1))
        return min(self.poll_s, max(1.0, (upcoming - now).total_seconds()))

    async def run(self) -> None:
        while not self._stop:
            await self.step()
            if self._stop:
                break
            await self.sleep(self.seconds_to_next(self.clock.now()))

    def stop(self) -> None:
        self._stop = True

    def _send_day(self, day: date) -> None:
        self.send(self.compose(day))

    def _remember(self, day: date) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_name(self.state_file.name + ".tmp")
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(day.isoformat() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.state_file)
