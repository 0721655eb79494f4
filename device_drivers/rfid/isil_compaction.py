"""The ISIL compaction of ISO 28560-2 (owner library, relative OID 3, compaction 0).

Characters are 5-bit (upper or lower case letters) or 4-bit (digits) codes, switched by
latch (stay) and shift (one character) codes; decoding starts in upper case. The tail is
padded with 1 bits, which decode as a trailing shift or latch and are ignored. Pure.

    4-bit: 0-9 digits, 10 '-', 11 ':', 12/13 latch/shift upper, 14/15 latch/shift lower
    5-bit upper: 0 '-', 1-26 A-Z, 27 ':', 28 latch lower, 29 shift lower, 30 latch num, 31 shift num
    5-bit lower: 0 '-', 1-26 a-z, 27 '/', 28 latch upper, 29 shift upper, 30 latch num, 31 shift num
"""

from __future__ import annotations

import string

from device_drivers.rfid.tag_data import UnknownTagFormat

UPPER, LOWER, DIGITS = "upper", "lower", "digits"
_WIDTH = {UPPER: 5, LOWER: 5, DIGITS: 4}
_CHARS = {
    UPPER: "-" + string.ascii_uppercase + ":",
    LOWER: "-" + string.ascii_lowercase + "/",
    DIGITS: string.digits + "-:",
}
# (mode, target) -> (latch code, shift code)
_SWITCH = {
    (UPPER, LOWER): (28, 29),
    (UPPER, DIGITS): (30, 31),
    (LOWER, UPPER): (28, 29),
    (LOWER, DIGITS): (30, 31),
    (DIGITS, UPPER): (12, 13),
    (DIGITS, LOWER): (14, 15),
}
_CONTROL = {
    (mode, code): (target, kind)
    for (mode, target), codes in _SWITCH.items()
    for kind, code in zip(("latch", "shift"), codes, strict=True)
}


def decode(data: bytes) -> str:
    bits = "".join(f"{byte:08b}" for byte in data)
    mode, shifted = UPPER, None
    out = []
    pos = 0
    while True:
        current = shifted or mode
        width = _WIDTH[current]
        if pos + width > len(bits):
            break
        code = int(bits[pos : pos + width], 2)
        pos += width
        control = _CONTROL.get((current, code))
        if control is None:
            out.append(_CHARS[current][code])
            shifted = None
        elif control[1] == "latch":
            mode, shifted = control[0], None
        else:
            shifted = control[0]
    return "".join(out)


def encode(isil: str) -> bytes:
    """Raises ValueError for a character none of the three tables holds."""
    mode = UPPER
    bits = []
    for index, char in enumerate(isil):
        if char in _CHARS[mode]:
            bits.append(_code(mode, char))
            continue
        target = _mode_for(char)
        following = isil[index + 1 : index + 2]
        latch, shift = _SWITCH[(mode, target)]
        stay = bool(following) and following in _CHARS[target]
        bits.append(f"{(latch if stay else shift):0{_WIDTH[mode]}b}")
        bits.append(_code(target, char))
        if stay:
            mode = target
    joined = "".join(bits)
    joined += "1" * (-len(joined) % 8)
    return bytes(int(joined[i : i + 8], 2) for i in range(0, len(joined), 8))


def _code(mode: str, char: str) -> str:
    return f"{_CHARS[mode].index(char):0{_WIDTH[mode]}b}"


def _mode_for(char: str) -> str:
    for mode in (DIGITS, UPPER, LOWER):
        if char in _CHARS[mode]:
            return mode
    raise ValueError(f"{char!r} cannot be written with the ISIL compaction")


def can_encode(isil: str) -> bool:
    return all(any(c in chars for chars in _CHARS.values()) for c in isil)


def check(text: str) -> str:
    if not text.isprintable():
        raise UnknownTagFormat("owner library ISIL has control characters")
    return text
