"""The [lockers] table: the lock boards, where each compartment's lock and sensors live, and
the rules of loading, pickup codes, expiry and alarms.

Everything a start-up must refuse is checked here (two compartments on one coil, a board
that is not configured, a coil or input beyond the board), so a wrong bank never reaches
the hardware. Never opens a port or touches a board.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from kiosk.settings.base import Section

Size = Literal["S", "M", "L"]
KERONG_LOCKS = 16
KERONG_INPUTS = 32  # 16 latch bits, then 16 IR (occupancy) bits


class BoardSettings(Section):
    """One lock board: its family, how it is reached, and its timings."""

    name: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")
    family: Literal["modbus", "kerong"] = "modbus"
    transport: Literal["tcp", "serial"] = "tcp"
    host: str = "127.0.0.1"
    port: int = Field(default=502, ge=1, le=65535)
    device: str | None = None
    baudrate: int = Field(default=9600, ge=1200, le=921600)
    address: int = Field(default=1, ge=0, le=247)
    locks: int = Field(default=16, ge=1, le=2000)
    inputs: int = Field(default=32, ge=0, le=2000)
    pulse_s: float = Field(default=0.5, ge=0, le=10)
    timeout_s: float = Field(default=0.5, gt=0, le=30)
    retries: int = Field(default=2, ge=0, le=10)

    @model_validator(mode="after")
    def _transport_fits_family(self) -> Self:
        if self.transport == "serial" and not self.device:
            raise ValueError(
                f"board {self.name!r}: a serial board needs device (e.g. /dev/ttyUSB0)"
            )
        if self.family == "kerong":
            if self.transport != "serial":
                raise ValueError(f"board {self.name!r}: kerong boards are reached over serial")
            if self.address > 15:
                raise ValueError(f"board {self.name!r}: a kerong address is 0..15")
            if self.locks > KERONG_LOCKS or self.inputs > KERONG_INPUTS:
                raise ValueError(
                    f"board {self.name!r}: a kerong board has at most {KERONG_LOCKS} locks "
                    f"and {KERONG_INPUTS} inputs"
                )
        elif self.address < 1:
            raise ValueError(f"board {self.name!r}: a modbus unit id is 1..247")
        return self


class CompartmentSettings(Section):
    """One compartment: its number, the board lines of its lock and sensors, size and height."""

    id: int = Field(ge=1, le=9999)
    board: str
    lock: int = Field(ge=0)
    door: int = Field(ge=0)
    occupancy: int | None = Field(default=None, ge=0)
    size: Size = "M"
    height_cm: int = Field(default=100, ge=0, le=300)


class LockersSection(Section):
    name: str = Field(default="Knygomatas", min_length=1)
    pickup_location: str = ""
    boards: list[BoardSettings] = Field(min_length=1)
    compartments: list[CompartmentSettings] = Field(min_length=1)
    poll_interval_s: float = Field(default=0.2, gt=0, le=10)
    board_probe_s: float = Field(default=5.0, ge=0, le=3600)
    release_timeout_s: float = Field(default=3.0, gt=0, le=60)
    door_open_alarm_s: float = Field(default=120.0, gt=0, le=86400)
    low_height_cm: int = Field(default=120, ge=0, le=300)
    code_length: int = Field(default=6, ge=4, le=12)
    code_ttl_h: float = Field(default=48.0, gt=0, le=24 * 30)
    code_hash_iterations: int = Field(default=100_000, ge=1, le=10_000_000)
    max_wrong_codes: int = Field(default=5, ge=1, le=100)
    keypad_lockout_s: float = Field(default=300.0, ge=0, le=86400)
    pickup_by_card: bool = True  # the pickup screen also takes a library card and its PIN
    staff_auth: Literal["card+pin", "card"] = "card+pin"
    staff_card_pattern: str = ""  # "" = [circulation] staff_card_pattern
    state_file: str = Field(default="lockers.sqlite", min_length=1)
    notify_by: list[Literal["email", "sms"]] = Field(default=["email", "sms"], min_length=1)
    notice_language: Literal["lt", "en"] = "lt"
    notify_retry_s: float = Field(default=60.0, gt=0, le=86400)
    notify_retry_max_s: float = Field(default=1800.0, gt=0, le=86400)

    @model_validator(mode="after")
    def _bank_is_consistent(self) -> Self:
        boards = {}
        for board in self.boards:
            if board.name in boards:
                raise ValueError(f"two boards are named {board.name!r}")
            boards[board.name] = board
        buses: dict[tuple[str, object], str] = {}
        for board in self.boards:
            bus = (board.device or f"{board.host}:{board.port}", board.address)
            if bus in buses:
                raise ValueError(
                    f"boards {buses[bus]!r} and {board.name!r} share one bus and address"
                )
            buses[bus] = board.name
        _check_compartments(self.compartments, boards)
        return self


def _check_compartments(
    compartments: list[CompartmentSettings], boards: dict[str, BoardSettings]
) -> None:
    ids: set[int] = set()
    lines: dict[tuple[str, str, int], int] = {}
    for comp in compartments:
        if comp.id in ids:
            raise ValueError(f"compartment {comp.id} is configured twice")
        ids.add(comp.id)
        board = boards.get(comp.board)
        if board is None:
            raise ValueError(f"compartment {comp.id}: board {comp.board!r} is not configured")
        if comp.lock >= board.locks:
            raise ValueError(
                f"compartment {comp.id}: lock {comp.lock} is out of range "
                f"(board {board.name!r} has locks 0..{board.locks - 1})"
            )
        wanted = [("lock", comp.lock), ("door", comp.door)]
        if comp.occupancy is not None:
            wanted.append(("occupancy", comp.occupancy))
        for kind, number in wanted:
            if kind != "lock" and number >= board.inputs:
                raise ValueError(
                    f"compartment {comp.id}: {kind} input {number} is out of range "
                    f"(board {board.name!r} has inputs 0..{board.inputs - 1})"
                )
            space = "coil" if kind == "lock" else "input"
            key = (board.name, space, number)
            if key in lines:
                raise ValueError(
                    f"compartments {lines[key]} and {comp.id} share {space} {number} "
                    f"on board {board.name!r}"
                )
            lines[key] = comp.id
