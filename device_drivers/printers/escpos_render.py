"""Receipt blocks -> ESC/POS bytes for one printer profile. Pure: no device is opened.

Each job is framed as:

    ESC @            reset (the printer keeps the last code page across jobs otherwise)
    ESC t n          select the profile's Baltic code page (CP1257 or CP775) explicitly
    per text line:   ESC a align | ESC E bold | GS ! size | text in that code page | LF
    per QR code:     ESC a 1 | GS ( k … (native) or GS v 0 … (raster image) | ESC t n
    per barcode:     ESC a 1 | GS h 64 | GS w 2 | GS H 0 | GS k 73 n {B… (CODE128), or a QR image
    the cut:         ESC d 6 | GS V 0

A line the code page cannot hold (a Cyrillic title on a CP1257 printer, € on CP775, any
non-ASCII letter on a profile without a Baltic page) is drawn with raster.py and sent as
``GS v 0`` at the same place: never a '?'. python-escpos' Dummy printer is used as the encoder
for native QR codes and the cut; its automatic code-page guessing is never used
(it switches pages mid-word, see docs/printer.md).

``render`` returns one piece per block so the printer can check its status between pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from escpos.printer import Dummy
from PIL import Image

from device_drivers.printers.profiles import PrinterProfile
from device_drivers.printers.raster import TextRow, qr_image, text_image
from kiosk.core.receipts import Align, Barcode, Block, Cut, Line, QrCode, Rule

ESC = b"\x1b"
GS = b"\x1d"
LF = b"\n"
RESET = ESC + b"@"
_ALIGN = {Align.LEFT: 0, Align.CENTER: 1, Align.RIGHT: 2}
_QR_DOTS_PER_MODULE = 6


def render(blocks: Iterable[Block], profile: PrinterProfile) -> tuple[bytes, ...]:
    pieces = [RESET + _code_page(profile)]
    for block in blocks:
        match block:
            case Line():
                pieces.append(_line(block, profile))
            case Rule(char=char):
                pieces.append(_line(Line(char * profile.columns), profile))
            case QrCode(payload=payload):
                pieces.append(_qr(payload, profile))
            case Barcode(payload=payload):
                pieces.append(_barcode(payload, profile))
            case Cut():
                pieces.append(_with_dummy(profile, lambda d: d.cut()))
    return tuple(pieces)


def render_bytes(blocks: Iterable[Block], profile: PrinterProfile) -> bytes:
    return b"".join(render(blocks, profile))


def encodable(text: str, profile: PrinterProfile) -> bytes | None:
    """The text in the profile's code page, or None when a character is not in it."""
    try:
        return text.encode(profile.codec or "ascii")
    except UnicodeEncodeError:
        return None


def _code_page(profile: PrinterProfile) -> bytes:
    if profile.code_page_number is None:
        return b""
    return ESC + b"t" + bytes([profile.code_page_number])


def _line(line: Line, profile: PrinterProfile) -> bytes:
    encoded = encodable(line.text, profile)
    if encoded is None:
        row = TextRow(line.text, line.align, line.bold, line.large)
        return ESC + b"a\x00" + _raster(text_image(row, profile.dots), profile)
    return (
        ESC
        + b"a"
        + bytes([_ALIGN[line.align]])
        + ESC
        + b"E"
        + bytes([int(line.bold)])
        + GS
        + b"!"
        + (b"\x11" if line.large else b"\x00")
        + encoded
        + LF
        + (GS + b"!\x00" if line.large else b"")
    )


def _qr(payload: str, profile: PrinterProfile) -> bytes:
    if profile.native_qr:
        body = _with_dummy(profile, lambda d: d.qr(payload, native=True, size=_QR_DOTS_PER_MODULE))
        return ESC + b"a\x01" + body + LF + ESC + b"a\x00"
    return (
        ESC + b"a\x01" + _raster(qr_image(payload, _QR_DOTS_PER_MODULE), profile) + ESC + b"a\x00"
    )


def _barcode(payload: str, profile: PrinterProfile) -> bytes:
    data = b"{B" + payload.encode("ascii", errors="replace")
    if profile.native_barcode and payload.isascii() and payload.isprintable() and len(data) < 256:
        # height 64 dots, module 2 dots, no human-readable line (the reference is printed above)
        setup = GS + b"h\x40" + GS + b"w\x02" + GS + b"H\x00"
        return (
            ESC + b"a\x01" + setup + GS + b"k\x49" + bytes([len(data)]) + data + LF + ESC + b"a\x00"
        )
    return _qr(payload, profile)


def _raster(image: Image.Image, profile: PrinterProfile) -> bytes:
    """GS v 0: rows of 1-bit dots, a set bit is black; the width is padded to whole bytes."""
    width = min(image.width, profile.dots)
    padded = Image.new("1", ((width + 7) // 8 * 8, image.height), 1)
    padded.paste(image.convert("1").crop((0, 0, width, image.height)), (0, 0))
    data = padded.tobytes("raw", "1;I")
    x, y = padded.width // 8, padded.height
    return GS + b"v0\x00" + bytes([x & 0xFF, x >> 8, y & 0xFF, y >> 8]) + data + _code_page(profile)


def _with_dummy(profile: PrinterProfile, draw: Callable[[Dummy], None]) -> bytes:
    """Bytes python-escpos emits for one command; the code page is selected again after it,
    because some of its commands reset it to page 0 on the way."""
    dummy = Dummy(profile=profile.name)
    draw(dummy)
    return dummy.output + _code_page(profile)
