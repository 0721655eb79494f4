"""IlsSimulator: the whole ILS simulator in one object, for tests and for `kiosk sim ils`.

Starts the SIP2 server (server.py) on its own asyncio loop in a daemon thread and stops it
cleanly; exposes the address, the Library model, the fault switches, the protocol event
counters and, on request, the control API. For a test that runs its own loop, use IlsServer
directly (`await IlsServer(acs).start()`).

    with IlsSimulator(dialect="koha") as sim:        # demo library, 127.0.0.1, a free port
        connect(sim.host, sim.port) ...
        sim.faults.arm("drop_after")                  # the next request: applied, no answer
        assert sim.library.count("checkout", "9786090100011") == 1
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from kiosk.core.clock import wall_time
from simulators.control import ControlServer
from simulators.ils.dataset import DEMO_LIBRARY, load_library
from simulators.ils.dialects import ServerOptions, options_for
from simulators.ils.faults import Faults, OfflineMode
from simulators.ils.handlers import Account, Acs
from simulators.ils.server import IlsServer, tls_context
from simulators.models.ils import Library

T = TypeVar("T")
LibrarySource = Path | str | Callable[[], Library] | Library
START_TIMEOUT_S = 10.0


class IlsSimulator:
    """`library`: a data file (default: the demo library), a factory, or a built Library
    (which `reset_data` cannot restore). `accounts` default to the data file's, or kiosk1/demo.
    `options` or `dialect` (+ `**option_overrides`) choose the server's behaviour."""

    def __init__(
        self,
        library: LibrarySource = DEMO_LIBRARY,
        *,
        accounts: Iterable[Account] | None = None,
        options: ServerOptions | None = None,
        dialect: str = "generic",
        host: str = "127.0.0.1",
        port: int = 0,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        clock: Callable[[], datetime] | None = None,
        **option_overrides: Any,
    ) -> None:
        clock = clock or wall_time()  # the library's local time (Europe/Vilnius), as SIP2 dates are
        self._source = library
        built, file_accounts = self._build(clock().date())
        self.options = options or options_for(dialect, **option_overrides)
        self.acs = Acs(built, accounts if accounts is not None else file_accounts, self.options)
        tls = tls_context(tls_cert, tls_key) if tls_cert and tls_key else None
        self.faults = Faults()
        self.server = IlsServer(self.acs, self.faults, host, port, tls, clock)
        self.clock = clock
        self.control: ControlServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _build(self, today: date) -> tuple[Library, tuple[Account, ...]]:
        source = self._source
        if isinstance(source, Library):
            return source, (Account("kiosk1", "demo", "ABONEMENTAS"),)
        if callable(source):
            return source(), (Account("kiosk1", "demo", "ABONEMENTAS"),)
        library, accounts = load_library(source, today)
        return library, tuple(Account(a.user, a.password, a.location) for a in accounts)

    # -- what tests read ----------------------------------------------------------------
    @property
    def library(self) -> Library:
        return self.acs.library

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def events(self) -> Counter[str]:
        """Protocol events over all connections (a copy; 0 for what never happened):
        answered_11, bad_checksum, resent_on_97, duplicate_replayed, before_login, … (see
        docs/simulators.md)."""
        return Counter(self.server.events)

    # -- life cycle ---------------------------------------------------------------------
    def start(self) -> IlsSimulator:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.server.start())
            except BaseException as exc:  # reported to the caller of start()
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.server.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="ils-simulator", daemon=True)
        self._thread.start()
        if not ready.wait(START_TIMEOUT_S):
            raise RuntimeError("the ILS simulator did not start")
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self.control is not None:
            self.control.stop()
            self.control = None
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(START_TIMEOUT_S)
        self._loop = None
        self._thread = None

    def __enter__(self) -> IlsSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start_control(self, port: int = 0) -> str:
        """Serve the control API (actions.py) on 127.0.0.1:`port`; returns its URL."""
        from simulators.ils.actions import control_actions

        self.control = ControlServer(control_actions(self), port).start()
        return self.control.url

    # -- switches that need the server's loop -------------------------------------------
    def set_offline(self, mode: OfflineMode = "refuse") -> None:
        self._on_loop(self.server.set_offline(mode))

    def set_online(self) -> None:
        self._on_loop(self.server.set_offline(""))

    def disconnect_all(self) -> int:
        return self._on_loop(self.server.disconnect_all())

    def set_supported(self, off: Iterable[str] = (), on: Iterable[str] = ()) -> frozenset[str]:
        """Switch messages off (ignored, N in BX) or back on; returns the supported set."""
        supported = (self.options.supported - set(off)) | set(on)
        self.options = replace(self.options, supported=frozenset(supported))
        self.acs.options = self.options
        return supported

    def reset_data(self) -> None:
        """Back to the library as loaded (counters too); connections and faults stay."""
        if isinstance(self._source, Library):
            raise ValueError("built from a Library instance: pass a data file or a factory")
        library, _ = self._build(self.clock().date())
        self.acs.library = library

    def _on_loop(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            coroutine.close()
            raise RuntimeError("the ILS simulator is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(START_TIMEOUT_S)
