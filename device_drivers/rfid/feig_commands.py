"""FEIG ISO-host commands for ISO 15693 tags, both ways: the host encodes a typed command
into a request frame and decodes the reply; the simulator does the reverse. Pure.

Request data after CMD (MODE 0x01 = addressed: the 8-byte UID follows, MSB first)::

    [0x65]                                    software version
    [0x63]                                    CPU reset          [0x69] RF reset
    [0xB0] 0x01 MODE                          inventory; MODE bit 7 = MORE (continue)
    [0xB0] 0x23 MODE UID DB-ADR DB-N          read multiple blocks
    [0xB0] 0x24 MODE UID DB-ADR DB-N DB-SIZE DB…   write multiple blocks
    [0xB0] 0x27 MODE UID AFI                  write AFI          [0xB0] 0x28 MODE UID  lock AFI
    [0xB0] 0x2B MODE UID                      get system information
    [0xB1] MFR=0x04 SUB MODE UID              NXP custom: SUB 0xA2 set EAS, 0xA3 reset EAS,
                                              0xA5 EAS alarm (a tag with EAS off stays silent)

Replies (after STATUS)::

    inventory      DATA-SETS, then per tag: TR-TYPE (0x03 = ISO 15693) DSFID UID[8]
                   STATUS 0x94 = more tags are waiting: ask again with MORE
    read blocks    DB-N DB-SIZE, then per block: SEC-STATUS DB[DB-SIZE]
    system info    DSFID UID[8] AFI MEM-SIZE(block size-1, blocks-1) IC-REF

Assumptions taken from the manuals' notes, not yet from a real reader (docs/rfid.md,
"Checks on a real reader"): the MORE bit is 0x80 of the inventory MODE; UIDs come MSB first
(ISO 15693 UIDs begin E0); system information is exactly the 13 bytes above and echoes the
UID; replies are exactly as long as their counts say. A reply that breaks one of them is a
ReplyMismatch, never a guess.

FEIG sends block data most significant byte first, i.e. every block reversed against the
tag's memory order: ``blocks_from_wire``/``blocks_to_wire`` turn it back, so the rest of the
kiosk sees memory as the tag holds it. Source: FEIG ID CPR manual ch. 9, ID ISC manuals §8.3.
"""

from __future__ import annotations

from dataclasses import dataclass

from device_drivers.rfid.feig_frames import STATUS_MORE_DATA, STATUS_OK, FeigProtocolError, Frame

UID_LEN = 8
TR_ISO15693 = 0x03
UID_E0 = 0xE0  # ISO 15693: every UID's most significant byte
MODE_ADDRESSED = 0x01
MODE_MORE = 0x80
NXP = 0x04
CMD_ISO = 0xB0
CMD_CUSTOM = 0xB1
EAS_SET, EAS_RESET, EAS_ALARM = 0xA2, 0xA3, 0xA5


@dataclass(frozen=True)
class Inventory:
    more: bool = False


@dataclass(frozen=True)
class ReadBlocks:
    uid: bytes
    first: int
    count: int


@dataclass(frozen=True)
class WriteBlocks:
    uid: bytes
    first: int
    block_size: int
    data: bytes  # tag memory order


@dataclass(frozen=True)
class WriteAfi:
    uid: bytes
    afi: int


@dataclass(frozen=True)
class LockAfi:
    uid: bytes


@dataclass(frozen=True)
class SystemInfo:
    uid: bytes


@dataclass(frozen=True)
class Eas:
    uid: bytes
    action: int  # EAS_SET, EAS_RESET or EAS_ALARM


@dataclass(frozen=True)
class CpuReset:
    pass


@dataclass(frozen=True)
class RfReset:
    pass


@dataclass(frozen=True)
class SoftwareVersion:
    pass


Command = (
    Inventory
    | ReadBlocks
    | WriteBlocks
    | WriteAfi
    | LockAfi
    | SystemInfo
    | Eas
    | CpuReset
    | RfReset
    | SoftwareVersion
)


@dataclass(frozen=True)
class InventoryReply:
    tags: tuple[tuple[int, bytes], ...]  # (DSFID, UID)
    more: bool


@dataclass(frozen=True)
class SystemInfoReply:
    dsfid: int
    uid: bytes
    afi: int
    block_size: int
    block_count: int
    ic_ref: int


class ReplyMismatch(FeigProtocolError):
    """A well-formed reply that does not match the layout this module assumes."""


def blocks_to_wire(data: bytes, block_size: int) -> bytes:
    return b"".join(data[i : i + block_size][::-1] for i in range(0, len(data), block_size))


blocks_from_wire = blocks_to_wire  # reversing every block is its own inverse


def request(command: Command, address: int) -> Frame:
    """The request frame the host sends for ``command``."""
    match command:
        case Inventory(more=more):
            return Frame(address, CMD_ISO, bytes([0x01, MODE_MORE if more else 0x00]))
        case ReadBlocks(uid, first, count):
            return _iso(address, 0x23, uid, bytes([first, count]))
        case WriteBlocks(uid, first, size, data):
            count = len(data) // size
            wire = blocks_to_wire(data, size)
            return _iso(address, 0x24, uid, bytes([first, count, size]) + wire)
        case WriteAfi(uid, afi):
            return _iso(address, 0x27, uid, bytes([afi]))
        case LockAfi(uid):
            return _iso(address, 0x28, uid, b"")
        case SystemInfo(uid):
            return _iso(address, 0x2B, uid, b"")
        case Eas(uid, action):
            return Frame(address, CMD_CUSTOM, bytes([NXP, action, MODE_ADDRESSED]) + uid)
        case CpuReset():
            return Frame(address, 0x63)
        case RfReset():
            return Frame(address, 0x69)
        case SoftwareVersion():
            return Frame(address, 0x65)
    raise TypeError(f"not a FEIG command: {command!r}")


def _iso(address: int, sub: int, uid: bytes, tail: bytes) -> Frame:
    if len(uid) != UID_LEN:
        raise ValueError("an ISO 15693 UID is 8 bytes")
    return Frame(address, CMD_ISO, bytes([sub, MODE_ADDRESSED]) + uid + tail)


def parse_inventory(reply: Frame) -> InventoryReply:
    data = reply.data
    if reply.status == STATUS_OK and not data:
        return InventoryReply((), False)
    count = _need(data, 1, "inventory")[0]
    _exactly(data, 1 + count * 10, f"inventory of {count} tags")
    records = [data[1 + i * 10 : 11 + i * 10] for i in range(count)]
    for record in records:
        if record[0] != TR_ISO15693:
            raise ReplyMismatch(f"transponder type {record[0]:#04x}, not ISO 15693 (0x03)")
        if record[2] != UID_E0:
            raise ReplyMismatch(
                f"UID {record[2:].hex().upper()} does not begin with E0"
                + (": it comes least significant byte first" if record[9] == UID_E0 else "")
            )
    tags = tuple((record[1], bytes(record[2:10])) for record in records)
    return InventoryReply(tags, reply.status == STATUS_MORE_DATA)


def parse_blocks(reply: Frame, count: int) -> bytes:
    """Block data in tag memory order from a Read Multiple Blocks reply."""
    data = _need(reply.data, 2, "read blocks")
    got, size = data[0], data[1]
    if got != count or size == 0:
        raise FeigProtocolError(f"asked for {count} blocks, reply says {got} of {size} bytes")
    _exactly(data, 2 + got * (size + 1), f"{got} blocks of {size} bytes")
    wire = b"".join(data[2 + i * (size + 1) + 1 : 2 + (i + 1) * (size + 1)] for i in range(got))
    return blocks_from_wire(wire, size)


def parse_system_info(reply: Frame, uid: bytes | None = None) -> SystemInfoReply:
    """``uid``: the tag asked about; the reply must echo it where the layout puts it."""
    data = _exactly(_need(reply.data, 13, "system information"), 13, "system information")
    if uid is not None and bytes(data[1:9]) != uid:
        raise ReplyMismatch(
            f"system information for {uid.hex().upper()} carries {data[1:9].hex().upper()} "
            "where the UID belongs: another layout (an INFO_FLAGS byte first?)"
        )
    return SystemInfoReply(
        dsfid=data[0],
        uid=bytes(data[1:9]),
        afi=data[9],
        block_size=(data[10] & 0x1F) + 1,
        block_count=data[11] + 1,
        ic_ref=data[12],
    )


def _exactly(data: bytes, size: int, what: str) -> bytes:
    if len(data) != size:
        raise ReplyMismatch(f"{what}: the reply has {len(data)} data bytes, the layout {size}")
    return data


def _need(data: bytes, size: int, what: str) -> bytes:
    if len(data) < size:
        raise FeigProtocolError(f"{what} reply cut short: {len(data)} of {size} bytes")
    return data


def parse_request(frame: Frame) -> Command:
    """The simulator's side: which command a request frame carries."""
    data = frame.data
    match frame.command, data[:1]:
        case 0x63, _:
            return CpuReset()
        case 0x69, _:
            return RfReset()
        case 0x65, _:
            return SoftwareVersion()
        case 0xB0, b"\x01":
            return Inventory(more=bool(_need(data, 2, "inventory")[1] & MODE_MORE))
        case 0xB1, _:
            _need(data, 3 + UID_LEN, "custom command")
            if data[0] != NXP or data[1] not in (EAS_SET, EAS_RESET, EAS_ALARM):
                raise FeigProtocolError(f"custom command {data[:2].hex()} not supported")
            return Eas(bytes(data[3 : 3 + UID_LEN]), data[1])
        case 0xB0, _:
            return _parse_iso(data)
    raise FeigProtocolError(f"unknown command {frame.command:#04x}")


def _parse_iso(data: bytes) -> Command:
    _need(data, 2 + UID_LEN, "ISO command")
    sub, uid, tail = data[0], bytes(data[2 : 2 + UID_LEN]), data[2 + UID_LEN :]
    match sub:
        case 0x23:
            _need(tail, 2, "read blocks")
            return ReadBlocks(uid, tail[0], tail[1])
        case 0x24:
            _need(tail, 3, "write blocks")
            first, count, size = tail[0], tail[1], tail[2]
            wire = _need(tail[3:], count * size, "write blocks")[: count * size]
            return WriteBlocks(uid, first, size, blocks_from_wire(wire, size))
        case 0x27:
            return WriteAfi(uid, _need(tail, 1, "write AFI")[0])
        case 0x28:
            return LockAfi(uid)
        case 0x2B:
            return SystemInfo(uid)
    raise FeigProtocolError(f"ISO command {sub:#04x} not supported")


def inventory_reply_data(tags: list[tuple[int, bytes]]) -> bytes:
    return bytes([len(tags)]) + b"".join(bytes([TR_ISO15693, d]) + uid for d, uid in tags)


def blocks_reply_data(data: bytes, block_size: int, locked: bool = False) -> bytes:
    wire = blocks_to_wire(data, block_size)
    count = len(data) // block_size
    blocks = (
        bytes([0x01 if locked else 0x00]) + wire[i * block_size : (i + 1) * block_size]
        for i in range(count)
    )
    return bytes([count, block_size]) + b"".join(blocks)


def system_info_reply_data(info: SystemInfoReply) -> bytes:
    size = bytes([(info.block_size - 1) & 0x1F, info.block_count - 1])
    return bytes([info.dsfid]) + info.uid + bytes([info.afi]) + size + bytes([info.ic_ref])
