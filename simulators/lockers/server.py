"""The locker bank simulator's wire front ends: Modbus TCP, Modbus RTU over a pty, and a
Kerong KR-CU16 style board over a second pty, all driving one LockerBankModel.

Each front end runs in a daemon thread and answers exactly what the behaviour model says;
faults (silent board, garbled replies) are asked of the model per request. ``wire_baud``
makes the pty links take as long as the bytes would on a real RS-485 line (10 bits per
byte plus the 3.5-character RTU gap); 0 turns that realism off, which tests do.
Never binds anything but loopback.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from device_drivers.locks import kerong_protocol as kp
from simulators.lockers import modbus_frames as mf
from simulators.models.locker_bank import LockerBankModel
from simulators.pty_link import PtyLink

LOOPBACK = "127.0.0.1"


def wire_seconds(n_bytes: int, baud: int, gap_chars: float = 0.0) -> float:
    """Time ``n_bytes`` take on an 8N1 line (10 bits each), plus an inter-frame gap."""
    return 0.0 if baud <= 0 else (n_bytes + gap_chars) * 10 / baud


def _slave(model: LockerBankModel, board: str) -> mf.Slave:
    return mf.Slave(
        read_coils=lambda: model.coils(board),
        read_inputs=lambda: model.inputs(board),
        write_coil=lambda coil, on: model.set_coil(board, coil, on),
    )


def _garble(frame: bytes) -> bytes:
    return frame[:-1] + bytes([frame[-1] ^ 0x5A])


class ModbusTcpFrontEnd:
    def __init__(self, model: LockerBankModel, port: int = 0) -> None:
        handler = _tcp_handler(model)
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer((LOOPBACK, port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _tcp_handler(model: LockerBankModel) -> type[socketserver.BaseRequestHandler]:
    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            splitter = mf.TcpSplitter()
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while data := self.request.recv(4096):
                try:
                    requests = splitter.feed(data)
                except mf.ModbusSlaveError:
                    return  # a real slave drops a connection that sends garbage
                for req in requests:
                    reply = _answer_tcp(model, req)
                    if reply:
                        self.request.sendall(reply)

    return Handler


def _answer_tcp(model: LockerBankModel, req: mf.Request) -> bytes:
    board = model.board_by_address("modbus", req.unit)
    if board is None:
        return b""
    fault = model.answer_fault(board)
    if fault == "silent":
        return b""
    pdu = mf.answer(_slave(model, board), req.pdu)
    if fault == "garbled":  # TCP has no CRC: a corrupted reply shows as a nonsense PDU
        pdu = bytes([0x7F]) + pdu[1:]
    return mf.tcp_frame(req.tid, req.unit, pdu)


@dataclass
class _PtyLoop:
    link: PtyLink
    stopping: threading.Event

    def run(self, on_bytes: Callable[[bytes], None]) -> None:
        while not self.stopping.is_set():
            data = self.link.read(timeout_s=0.05)
            if data:
                on_bytes(data)


class ModbusRtuFrontEnd:
    """Every modbus board of the bank on one RS-485 bus, reached through a pty."""

    def __init__(self, model: LockerBankModel, wire_baud: int = 0) -> None:
        self.model = model
        self.wire_baud = wire_baud
        self.link = PtyLink()
        self._splitter = mf.RtuSplitter()
        self._stopping = threading.Event()
        loop = _PtyLoop(self.link, self._stopping)
        self._thread = threading.Thread(target=loop.run, args=(self._on_bytes,), daemon=True)

    @property
    def path(self) -> str:
        return self.link.slave_path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=2)
        self.link.close()

    def _on_bytes(self, data: bytes) -> None:
        for req in self._splitter.feed(data):
            # the frame is only "received" once its last bit and the gap have passed
            time.sleep(wire_seconds(len(req.pdu) + 3, self.wire_baud, gap_chars=3.5))
            board = self.model.board_by_address("modbus", req.unit)
            if board is None:
                continue
            fault = self.model.answer_fault(board)
            if fault == "silent":
                continue
            reply = mf.rtu_frame(req.unit, mf.answer(_slave(self.model, board), req.pdu))
            if fault == "garbled":
                reply = _garble(reply)
            time.sleep(wire_seconds(len(reply), self.wire_baud))
            self.link.write(reply)


class KerongFrontEnd:
    """Every kerong board of the bank on one serial bus, reached through a pty."""

    def __init__(self, model: LockerBankModel, wire_baud: int = 0) -> None:
        self.model = model
        self.wire_baud = wire_baud
        self.link = PtyLink()
        self._splitter = kp.FrameSplitter(kp.COMMAND_LEN)
        self._stopping = threading.Event()
        loop = _PtyLoop(self.link, self._stopping)
        self._thread = threading.Thread(target=loop.run, args=(self._on_bytes,), daemon=True)

    @property
    def path(self) -> str:
        return self.link.slave_path

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=2)
        self.link.close()

    def _on_bytes(self, data: bytes) -> None:
        for frame in self._splitter.feed(data):
            time.sleep(wire_seconds(len(frame), self.wire_baud))
            with contextlib.suppress(kp.KerongFrameError):  # a real board ignores bad frames
                reply = self._answer(kp.decode_command(frame))
                if reply:
                    time.sleep(wire_seconds(len(reply), self.wire_baud))
                    self.link.write(reply)

    def _answer(self, command: kp.Command) -> bytes:
        board = self.model.board_by_address("kerong", command.board)
        if board is None:
            return b""
        fault = self.model.answer_fault(board)
        if fault == "silent":
            return b""
        match command.cmd:
            case kp.CMD_UNLOCK:
                self.model.pulse(board, command.lock)
            case kp.CMD_UNLOCK_ALL:
                for lock in range(self.model.board_spec(board).locks):
                    self.model.pulse(board, lock)
            case kp.CMD_STATUS | kp.CMD_GET_ALL:
                pass
            case _:
                return b""
        inputs = self.model.inputs(board) + [False] * kp.LOCKS * 2
        status = kp.Status(command.board, tuple(inputs[:16]), tuple(inputs[16:32]))
        reply = kp.encode_status(status)
        return _garble(reply) if fault == "garbled" else reply
