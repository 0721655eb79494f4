"""PaymentSimulator: the model, its TCP and pty links, and the control API, started together.

Control actions: status, fault {name, count} ("approve" clears every fault), clear, card
{brand, card_type, pan}, journal, totals, drop (hang up TCP connections), nak {frames}
(serial: refuse the next frames).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Any, Self

from simulators.control import ControlServer
from simulators.models.payment_terminal import Card, PaymentTerminalModel, Timings
from simulators.payment.conversation import Conversation, Dropped
from simulators.payment.links import LinkClosed, PtyServer, TcpServer

log = logging.getLogger(__name__)


class PaymentSimulator:
    def __init__(
        self,
        model: PaymentTerminalModel | None = None,
        *,
        port: int = 0,
        control_port: int | None = 0,
        serial_pty: bool = False,
        timings: Timings | None = None,
    ) -> None:
        self.model = model or PaymentTerminalModel()
        self.timings = timings or Timings()
        self.tcp = TcpServer(self._serve, port)
        self.pty = PtyServer(self._serve) if serial_pty else None
        self.control = (
            ControlServer(self.actions(), control_port) if control_port is not None else None
        )
        self._stop = threading.Event()

    def start(self) -> Self:
        self.tcp.start()
        if self.pty is not None:
            self.pty.start()
        if self.control is not None:
            self.control.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.tcp.stop()
        if self.pty is not None:
            self.pty.stop()
        if self.control is not None:
            self.control.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def tcp_url(self) -> str:
        return self.tcp.url

    @property
    def pty_path(self) -> str | None:
        return self.pty.path if self.pty is not None else None

    def _serve(self, link: Any) -> None:
        conversation = Conversation(self.model, link, self.timings)
        try:
            while not self._stop.is_set():
                apdu = link.receive(0.2)
                if apdu is not None:
                    conversation.handle(apdu)
        except Dropped as exc:
            log.info("payment sim: %s", exc)
        except LinkClosed:
            return

    # -- control API ----------------------------------------------------------------------

    def actions(self) -> dict[str, Any]:
        return {
            "status": lambda p: self.status(),
            "fault": self.fault,
            "clear": lambda p: self.fault({"name": "approve"}),
            "card": self.card,
            "journal": lambda p: self.model.journal(),
            "totals": lambda p: self.model.totals(),
            "drop": lambda p: {"dropped": self.tcp.drop()},
            "nak": self.nak,
        }

    def status(self) -> dict[str, Any]:
        return {
            "tcp_url": self.tcp_url,
            "pty_path": self.pty_path,
            "control_url": self.control.url if self.control is not None else None,
            "faults": self.model.faults(),
            "terminal_status": self.model.status_code(),
            "card": self.model.card.brand,
        }

    def fault(self, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params["name"])
        if name == "approve":
            self.model.clear()
        else:
            self.model.arm(name, int(params.get("count", 1)))
        return {"faults": self.model.faults()}

    def card(self, params: dict[str, Any]) -> dict[str, Any]:
        card = self.model.card
        changes = {k: params[k] for k in ("brand", "pan") if k in params}
        if "card_type" in params:
            changes["card_type"] = int(params["card_type"])
        self.model.card = replace(card, **changes) if changes else Card()
        return {"card": self.model.card.brand, "pan": self.model.card.masked_pan}

    def nak(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.pty is None:
            raise ValueError("no serial pty: start with serial_pty=True / --serial-pty")
        self.pty.link.nak_frames = int(params.get("frames", 1))
        return {"nak_frames": self.pty.link.nak_frames}
