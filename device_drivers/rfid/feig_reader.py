"""The FEIG ISO-host reader adapter: pyserial transport + ``feig_frames``/``feig_commands``.

Opens any pyserial URL (``/dev/ttyUSB0``, ``socket://host:port``, ``rfc2217://…``,
``loop://``), so the same code drives hardware and the simulator. Owns every read, write and
wait of the link; owns no protocol rule. A lost link closes the port and raises
ReaderUnavailable; the next call opens it again (the driver reconnects by itself). A reply
with a bad CRC, or none within ``timeout_s``, is noise on the line: the request is sent
again, up to ``line_retries``; garbage on every try is ReaderProtocolError, silence on every
try ReaderUnavailable. Thread-safe: one lock around each exchange (and around all rounds of
one inventory).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import serial

from device_drivers.rfid import feig_commands as fc
from device_drivers.rfid.feig_frames import (
    STATUS_DATA_FALSE,
    STATUS_MORE_DATA,
    STATUS_NO_TRANSPONDER,
    STATUS_OK,
    STATUS_RF_ERROR,
    STATUS_TEXT,
    STATUS_WRITE_ERROR,
    FeigProtocolError,
    Frame,
    FrameDecoder,
    describe_status,
    encode,
)
from device_drivers.rfid.interface import (
    ReaderMismatch,
    ReaderProtocolError,
    ReaderRefused,
    ReaderUnavailable,
    TagInfo,
    TagNotInField,
    TagSighting,
    TagUnreadable,
    TagWriteFailed,
)

CHECKS = "docs/rfid.md, 'Checks on a real reader'"

try:  # a pty or tty that vanished fails tcflush with termios.error, not OSError
    from termios import error as _TermiosError
except ImportError:  # pragma: no cover - not a POSIX system
    _TermiosError = OSError

log = logging.getLogger(__name__)
LINK_ERRORS = (serial.SerialException, OSError, _TermiosError)
MAX_BLOCKS_PER_READ = 32  # 128 data bytes per request (FEIG limit)
MAX_INVENTORY_ROUNDS = 64
READ_SLICE_S = 0.05
SERIAL_FRAME_GAP_S = 0.005  # FEIG manual: host waits >= 5 ms between frames (PSST)
PortFactory = Callable[..., serial.SerialBase]
_T = TypeVar("_T")


class _NoReply(Exception):
    """Nothing came back in time: a request lost on the line, or no reader at all."""


class FeigReader:
    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 38400,
        parity: str = "E",
        address: int = 0xFF,
        timeout_s: float = 1.0,
        line_retries: int = 2,
        frame_gap_s: float | None = None,
        open_port: PortFactory = serial.serial_for_url,
    ) -> None:
        self.url = url
        # short reads; _read_reply keeps the real deadline
        read_slice = min(READ_SLICE_S, timeout_s)
        self._port_options = {"baudrate": baudrate, "parity": parity, "timeout": read_slice}
        self.address = address
        self.timeout_s = timeout_s
        self.line_retries = line_retries
        # The reader needs >= 5 ms of silence between frames on a serial line; TCP has none.
        serial_line = not url.startswith("socket://")
        self.frame_gap_s = (
            (SERIAL_FRAME_GAP_S if serial_line else 0.0) if frame_gap_s is None else frame_gap_s
        )
        self._last_reply_at = 0.0
        self._open_port = open_port
        self._port: serial.SerialBase | None = None
        self._lock = threading.RLock()  # inventory holds it across its continuation rounds
        self._decoder = FrameDecoder(replies=True)

    # -- the TagReader port ------------------------------------------------------------

    def inventory(self) -> list[TagSighting]:
        with self._lock:
            return self._inventory_rounds()

    def _inventory_rounds(self) -> list[TagSighting]:
        seen: dict[str, TagSighting] = {}
        more = False
        for _ in range(MAX_INVENTORY_ROUNDS):
            reply = self._exchange(
                fc.Inventory(more=more), ok=(STATUS_MORE_DATA, STATUS_NO_TRANSPONDER)
            )
            if reply.status == STATUS_NO_TRANSPONDER:
                return list(seen.values())
            parsed = self._parse(fc.parse_inventory, reply)
            new = [uid for _, uid in parsed.tags if uid.hex().upper() not in seen]
            if more and not new:  # a continuation must bring the tags not yet reported
                raise ReaderMismatch(
                    "the reader answered an inventory with MORE (MODE bit 0x80) by repeating "
                    f"tags already reported: it does not continue that way ({CHECKS})"
                )
            for dsfid, uid in parsed.tags:
                seen.setdefault(uid.hex().upper(), TagSighting(uid.hex().upper(), dsfid))
            more = parsed.more
            if not more:
                return list(seen.values())
        raise ReaderMismatch(
            f"the reader still reports more data after {MAX_INVENTORY_ROUNDS} rounds "
            f"({len(seen)} tags): its MORE continuation is not what the driver assumes ({CHECKS})"
        )

    def read_blocks(self, uid: str, first: int, count: int) -> bytes:
        data = b""
        while count > 0:
            chunk = min(count, MAX_BLOCKS_PER_READ)
            reply = self._tag_exchange(uid, fc.ReadBlocks(_uid(uid), first, chunk))
            data += self._parse(fc.parse_blocks, reply, chunk)
            first, count = first + chunk, count - chunk
        return data

    def write_blocks(self, uid: str, first: int, data: bytes, block_size: int = 4) -> None:
        if len(data) % block_size:
            raise ValueError("write whole blocks only")
        self._tag_exchange(uid, fc.WriteBlocks(_uid(uid), first, block_size, data))

    def system_info(self, uid: str) -> TagInfo:
        reply = self._tag_exchange(uid, fc.SystemInfo(_uid(uid)))
        info = self._parse(fc.parse_system_info, reply, _uid(uid))
        return TagInfo(uid, info.dsfid, info.afi, info.block_size, info.block_count)

    def write_afi(self, uid: str, afi: int) -> None:
        self._tag_exchange(uid, fc.WriteAfi(_uid(uid), afi))

    def lock_afi(self, uid: str) -> None:
        self._tag_exchange(uid, fc.LockAfi(_uid(uid)))

    def set_eas(self, uid: str, enabled: bool) -> None:
        self._tag_exchange(uid, fc.Eas(_uid(uid), fc.EAS_SET if enabled else fc.EAS_RESET))

    def eas_enabled(self, uid: str) -> bool:
        reply = self._exchange(fc.Eas(_uid(uid), fc.EAS_ALARM), ok=(STATUS_NO_TRANSPONDER,))
        if reply.status == STATUS_OK:
            return True
        self.system_info(uid)  # silent: EAS off, or no tag? TagNotInField if the latter
        return False

    def reset(self) -> None:
        self._exchange(fc.CpuReset())

    def close(self) -> None:
        with self._lock:
            self._drop_port()

    # -- the link ----------------------------------------------------------------------

    def _tag_exchange(self, uid: str, command: fc.Command) -> Frame:
        reply = self._exchange(command, ok=_TAG_FAULTS)
        match reply.status:
            case 0x01:
                raise TagNotInField(f"tag {uid} did not answer (left the pad?)", uid)
            case 0x02 | 0x83:
                raise TagUnreadable(f"tag {uid}: {describe_status(reply.status)}", uid)
            case 0x03 | 0x95:
                text = describe_status(reply.status, reply.data)
                raise TagWriteFailed(f"tag {uid}: {text}", uid)
        return reply

    def _exchange(self, command: fc.Command, ok: tuple[int, ...] = ()) -> Frame:
        """Send ``command``, return the reply; statuses other than OK and ``ok`` raise."""
        request = fc.request(command, self.address)
        frame = encode(request)
        with self._lock:
            silent = False
            for attempt in range(self.line_retries + 1):
                try:
                    reply = self._send_and_receive(frame)
                    if reply.command != request.command:
                        raise FeigProtocolError(
                            f"reply to command {reply.command:#04x}, sent {request.command:#04x}"
                        )
                except (FeigProtocolError, _NoReply) as exc:
                    silent = isinstance(exc, _NoReply)
                    log.warning("rfid line error, attempt %d: %s", attempt + 1, exc)
                    self._resync()
                    continue
                if reply.status not in STATUS_TEXT:
                    raise ReaderMismatch(
                        f"status {reply.status:#04x} to {type(command).__name__} is none the "
                        f"driver knows from the FEIG manual ({CHECKS})"
                    )
                if reply.status not in (STATUS_OK, *ok):
                    text = describe_status(reply.status, reply.data)
                    raise ReaderRefused(
                        f"reader refused {type(command).__name__}: {text}", reply.status
                    )
                return reply
            tries = self.line_retries + 1
            if silent:
                self._drop_port()
                raise ReaderUnavailable(f"reader at {self.url} silent ({tries} tries)")
        raise ReaderProtocolError(
            f"no valid reply from the reader at {self.url} after {tries} tries"
        )

    def _send_and_receive(self, frame: bytes) -> Frame:
        port = self._ensure_port()
        try:
            port.reset_input_buffer()
            self._keep_frame_gap()
            port.write(frame)
            reply = self._read_reply(port)
            self._last_reply_at = time.monotonic()
            return reply
        except LINK_ERRORS as exc:
            self._drop_port()
            raise ReaderUnavailable(f"reader at {self.url} lost: {exc}") from None

    def _keep_frame_gap(self) -> None:
        wait = self._last_reply_at + self.frame_gap_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _read_reply(self, port: serial.SerialBase) -> Frame:
        deadline = time.monotonic() + self.timeout_s
        while True:
            reply = self._decoder.next_frame()
            if reply is not None:
                return reply
            if time.monotonic() > deadline:
                raise _NoReply(f"no reply within {self.timeout_s} s")
            chunk = port.read(max(1, port.in_waiting))
            self._decoder.feed(chunk)

    def _ensure_port(self) -> serial.SerialBase:
        if self._port is None:
            try:
                self._port = self._open_port(self.url, **self._port_options)
            except (*LINK_ERRORS, ValueError) as exc:
                raise ReaderUnavailable(f"cannot open reader at {self.url}: {exc}") from None
            self._decoder.clear()
            log.info("rfid reader connected at %s", self.url)
        return self._port

    def _resync(self) -> None:
        """After a garbled reply: forget partial bytes and drain what is still arriving."""
        self._decoder.clear()
        if self._port is not None:
            try:
                self._port.reset_input_buffer()
            except LINK_ERRORS:
                self._drop_port()

    def _drop_port(self) -> None:
        if self._port is not None:
            with contextlib.suppress(LINK_ERRORS):
                self._port.close()
            self._port = None
        self._decoder.clear()

    @staticmethod
    def _parse(parser: Callable[..., _T], reply: Frame, *args: object) -> _T:
        try:
            return parser(reply, *args)
        except fc.ReplyMismatch as exc:
            raise ReaderMismatch(f"the reader's reply does not match: {exc} ({CHECKS})") from None
        except FeigProtocolError as exc:
            raise ReaderProtocolError(f"malformed reply: {exc}") from None


_TAG_FAULTS = (STATUS_NO_TRANSPONDER, STATUS_DATA_FALSE, STATUS_RF_ERROR, STATUS_WRITE_ERROR, 0x95)


def _uid(uid: str) -> bytes:
    raw = bytes.fromhex(uid)
    if len(raw) != fc.UID_LEN:
        raise ValueError(f"UID {uid!r} is not 8 bytes")
    return raw
