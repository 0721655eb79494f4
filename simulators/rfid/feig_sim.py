"""The FEIG ISO-host reader, simulated: request frames in, reply frames out, over the pad
model. ``FeigResponder.respond`` is pure apart from the model; the TCP and pty front ends in
``links.py`` carry its bytes and wait ``cost_s × time_scale`` for realism.

Line faults: ``corrupt_replies(n)`` garbles the CRC of the next n replies and
``drop_requests(n)`` ignores the next n requests (noise on the serial line either way); the
front ends implement unplugging.

Quirks (``set_quirk``): a reader whose well-formed answers differ from what the driver takes
from the manuals' notes, so the driver's mismatch detection can be tested:
  ignore-more        inventory ignores the MORE bit: every round starts again at the first tags
  uid-lsb-first      inventory sends each UID least significant byte first
  system-info-flags  system information starts with an ISO 15693 INFO_FLAGS byte
  odd-status         inventory replies carry status 0x42, which the FEIG table does not list
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from device_drivers.rfid import feig_commands as fc
from device_drivers.rfid import feig_frames as ff
from simulators.models.rfid_pad import PadModel, TagAbsent, TagFaulted

SOFTWARE_VERSION = bytes([0x03, 0x00, 0x00, 0x5F, 0x1A])  # fw 3.0.0, reader type, transponders
_FAULT_STATUS = {
    "unreadable": ff.STATUS_DATA_FALSE,
    "write": ff.STATUS_WRITE_ERROR,
    "address": ff.STATUS_ADDRESS_ERROR,
}
_ISO_LOCKED = 0x12
QUIRKS = ("ignore-more", "uid-lsb-first", "system-info-flags", "odd-status")


@dataclass(frozen=True)
class Reply:
    data: bytes
    cost_s: float


class FeigResponder:
    def __init__(self, model: PadModel, address: int = 0x00) -> None:
        self.model = model
        self.address = address
        self._corrupt = 0
        self._drop = 0
        self._lock = threading.Lock()
        self.requests = 0
        self.quirks: set[str] = set()

    def set_quirk(self, name: str, on: bool = True) -> None:
        if name not in QUIRKS:
            raise ValueError(f"quirk must be one of {', '.join(QUIRKS)}")
        with self._lock:
            (self.quirks.add if on else self.quirks.discard)(name)

    def corrupt_replies(self, count: int) -> None:
        with self._lock:
            self._corrupt = count

    def drop_requests(self, count: int) -> None:
        """Ignore the next ``count`` requests, as if they were garbled on the way in."""
        with self._lock:
            self._drop = count

    def respond(self, request: ff.Frame) -> Reply | None:
        """The reply frame bytes, or None: request for another bus address, or dropped."""
        if request.address not in (self.address, ff.BROADCAST):
            return None
        with self._lock:
            if self._drop > 0:
                self._drop -= 1
                return None
        self.requests += 1
        try:
            command = fc.parse_request(request)
        except ff.FeigProtocolError:
            return self._frame(request, ff.STATUS_UNKNOWN_COMMAND, b"", 0.0)
        status, data, cost = self._execute(command)
        return self._frame(request, status, data, cost)

    def _frame(self, request: ff.Frame, status: int, data: bytes, cost: float) -> Reply:
        raw = ff.encode(ff.Frame(request.address, request.command, data, status=status))
        with self._lock:
            if self._corrupt > 0:
                self._corrupt -= 1
                raw = raw[:-1] + bytes([raw[-1] ^ 0x5A])
        return Reply(raw, cost)

    def _execute(self, command: fc.Command) -> tuple[int, bytes, float]:
        model = self.model
        try:
            match command:
                case fc.Inventory(more=more):
                    tags, pending = model.inventory(more and "ignore-more" not in self.quirks)
                    order = -1 if "uid-lsb-first" in self.quirks else 1
                    wire = [(dsfid, bytes.fromhex(uid)[::order]) for dsfid, uid in tags]
                    cost = model.cost_s("inventory", len(tags))
                    if not tags and not pending:
                        return ff.STATUS_NO_TRANSPONDER, b"", cost
                    status = ff.STATUS_MORE_DATA if pending else ff.STATUS_OK
                    status = 0x42 if "odd-status" in self.quirks else status
                    return status, fc.inventory_reply_data(wire), cost
                case fc.ReadBlocks(uid, first, count):
                    data = model.read_blocks(uid.hex(), first, count)
                    return (
                        ff.STATUS_OK,
                        fc.blocks_reply_data(data, model.block_size),
                        model.cost_s("read", count),
                    )
                case fc.WriteBlocks(uid, first, size, data):
                    if size != model.block_size:
                        return ff.STATUS_PARAMETER_RANGE, b"", 0.0
                    model.write_blocks(uid.hex(), first, data)
                    return ff.STATUS_OK, b"", model.cost_s("write", len(data) // size)
                case _:
                    return self._execute_other(command)
        except TagAbsent:
            return ff.STATUS_NO_TRANSPONDER, b"", model.cost_s("tag")
        except TagFaulted as fault:
            if fault.kind == "locked":
                return ff.STATUS_ISO_ERROR, bytes([_ISO_LOCKED]), model.cost_s("tag")
            return _FAULT_STATUS[fault.kind], b"", model.cost_s("tag")

    def _execute_other(self, command: fc.Command) -> tuple[int, bytes, float]:
        model = self.model
        tag_cost = model.cost_s("tag")
        match command:
            case fc.WriteAfi(uid, afi):
                model.write_afi(uid.hex(), afi)
                return ff.STATUS_OK, b"", model.cost_s("write", 1)
            case fc.LockAfi(uid):
                model.lock_afi(uid.hex())
                return ff.STATUS_OK, b"", model.cost_s("write", 1)
            case fc.SystemInfo(uid):
                tag = model.system_info(uid.hex())
                info = fc.SystemInfoReply(
                    tag.dsfid,
                    uid,
                    tag.afi,
                    model.block_size,
                    len(tag.memory) // model.block_size,
                    0x01,
                )
                flags = b"\x0f" if "system-info-flags" in self.quirks else b""
                return ff.STATUS_OK, flags + fc.system_info_reply_data(info), tag_cost
            case fc.Eas(uid, fc.EAS_ALARM):
                if not model.eas_alarm(uid.hex()):
                    return ff.STATUS_NO_TRANSPONDER, b"", tag_cost  # EAS off: the tag is silent
                return ff.STATUS_OK, bytes(32), tag_cost
            case fc.Eas(uid, action):
                model.set_eas(uid.hex(), action == fc.EAS_SET)
                return ff.STATUS_OK, b"", model.cost_s("write", 1)
            case fc.SoftwareVersion():
                return ff.STATUS_OK, SOFTWARE_VERSION, 0.0
            case fc.CpuReset() | fc.RfReset():
                return ff.STATUS_OK, b"", 0.0
        return ff.STATUS_UNKNOWN_COMMAND, b"", 0.0
