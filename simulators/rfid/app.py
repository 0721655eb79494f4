"""One running RFID reader simulator: the pad model, the FEIG responder, its TCP link and
optional pty, and the control API actions (place, remove, fault, unplug, plug, corrupt).

Used by `kiosk sim rfid`, the integration tests and the benchmark alike.
"""

from __future__ import annotations

from typing import Any

from device_drivers.rfid.tag_data import TagDataError, decode_tag
from simulators.control import ControlServer
from simulators.models.rfid_pad import PadModel, PadTimings, SimTag
from simulators.rfid import tags as tag_factory
from simulators.rfid.feig_sim import FeigResponder
from simulators.rfid.links import PtyLinkServer, TcpLink

WRITE_FAULTS = ("none", "error", "silent", "leave")


class RfidSimulator:
    def __init__(
        self,
        *,
        port: int = 0,
        control_port: int | None = 0,
        pty: bool = False,
        pty_link: str | None = None,
        timings: PadTimings | None = None,
        time_scale: float = 1.0,
        address: int = 0x00,
        baudrate: int | None = 38400,
    ) -> None:
        self.model = PadModel(timings)
        self.responder = FeigResponder(self.model, address)
        self.tcp = TcpLink(self.responder, port, time_scale)
        self.pty = (
            PtyLinkServer(self.responder, pty_link, time_scale, baudrate)
            if pty or pty_link
            else None
        )
        # None: no control API (tests in the same process call the actions directly)
        self.control = None if control_port is None else ControlServer(self.actions(), control_port)
        self.plugged = True

    def start(self) -> RfidSimulator:
        self.tcp.start()
        if self.pty:
            self.pty.start()
        if self.control:
            self.control.start()
        return self

    def stop(self) -> None:
        if self.control:
            self.control.stop()
        self.tcp.stop()
        if self.pty:
            self.pty.stop()

    def actions(self) -> dict[str, Any]:
        return {
            "status": lambda p: self.status(),
            "place": self.place,
            "remove": self.remove,
            "fault": self.fault,
            "unplug": lambda p: self.unplug(),
            "plug": lambda p: self.plug(),
            "corrupt": lambda p: self.responder.corrupt_replies(int(p.get("frames", 1))),
            "drop": lambda p: self.responder.drop_requests(int(p.get("frames", 1))),
            "quirk": lambda p: self.responder.set_quirk(str(p["name"]), bool(p.get("on", True))),
        }

    def status(self) -> dict[str, Any]:
        return {
            "tcp_url": self.tcp.url,
            "pty_path": self.pty.path if self.pty else None,
            "control_url": self.control.url if self.control else None,
            "plugged": self.plugged,
            "requests": self.responder.requests,
            "tags": [tag.status() for tag in self.model.tags()],
        }

    def place(self, params: dict[str, Any]) -> dict[str, Any]:
        tag = build_tag(params)
        self.model.place(tag)
        return {"uid": tag.uid}

    def remove(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("all"):
            count = len(self.model.tags())
            self.model.clear()
            return {"removed": count}
        if "uid" in params:
            self.model.remove(str(params["uid"]))
            return {"removed": 1}
        item = str(params["item"])
        uids = [t.uid for t in self.model.tags() if _item_id(t) == item]
        if not uids:
            raise KeyError(f"no tag for item {item} on the pad")
        for uid in uids:
            self.model.remove(uid)
        return {"removed": len(uids)}

    def fault(self, params: dict[str, Any]) -> dict[str, Any]:
        write_fault = params.get("write_fault")
        if write_fault is not None and write_fault not in WRITE_FAULTS:
            raise ValueError(f"write_fault must be one of {', '.join(WRITE_FAULTS)}")
        unreadable = params.get("unreadable")
        self.model.set_fault(
            str(params["uid"]),
            unreadable=None if unreadable is None else bool(unreadable),
            write_fault=write_fault,
            count=int(params.get("count", 0)),
        )
        return self.model.tag(str(params["uid"])).status()

    def unplug(self) -> dict[str, Any]:
        self.tcp.unplug()
        if self.pty:
            self.pty.unplug()
        self.plugged = False
        return {"plugged": False}

    def plug(self) -> dict[str, Any]:
        self.tcp.plug()
        if self.pty:
            self.pty.plug()
        self.plugged = True
        return {"plugged": True, "tcp_url": self.tcp.url, "pty_path": self.pty and self.pty.path}


def build_tag(params: dict[str, Any]) -> SimTag:
    """A tag from control parameters: ``item`` (+library, part, of, model), ``hex``, or
    ``kind`` "3m"/"blank"; ``uid``, ``afi``, ``eas`` optional."""
    uid = params.get("uid")
    common = {"uid": uid}
    if "afi" in params:
        common["afi"] = int(params["afi"])
    if "eas" in params:
        common["eas"] = bool(params["eas"])
    kind = params.get("kind", "item" if "item" in params else "hex" if "hex" in params else "")
    match kind:
        case "item":
            return tag_factory.item_tag(
                str(params["item"]),
                str(params.get("library", "LT1000101")),
                part=int(params.get("part", 1)),
                of=int(params.get("of", 1)),
                model=str(params.get("model", "iso28560-3")),  # type: ignore[arg-type]
                **common,
            )
        case "hex":
            return tag_factory.raw_tag(
                bytes.fromhex(str(params["hex"])), dsfid=int(params.get("dsfid", 0)), **common
            )
        case "3m":
            tag = tag_factory.foreign_3m_tag(uid=uid)
        case "blank":
            tag = tag_factory.blank_tag(uid=uid)
        case _:
            raise ValueError("place needs item, hex, or kind 3m/blank")
    return tag


def _item_id(tag: SimTag) -> str | None:
    try:
        return decode_tag(bytes(tag.memory), dsfid=tag.dsfid).primary_item_id
    except TagDataError:
        return None
