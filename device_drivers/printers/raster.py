"""Receipts as pictures: a line of text as a 1-bit image (for printers whose code pages lack
a letter), QR codes as images, and a whole receipt as a PNG (for the simulator and tests).

Pure computation with Pillow and qrcode; no printer I/O. Text is drawn with DejaVu Sans Mono
(Debian package fonts-dejavu-core), whose glyphs cover Lithuanian, Cyrillic and Polish; at
20 px one character is 12 dots wide, the width of ESC/POS font A.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk.core.receipts import Align, Barcode, Block, Cut, Line, QrCode, Rule

LINE_DOTS = 24
_FONT_PX = 20
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/local/share/fonts",
    "/usr/share/fonts/TTF",
)


@dataclass(frozen=True)
class TextRow:
    text: str
    align: Align = Align.LEFT
    bold: bool = False
    large: bool = False


@dataclass(frozen=True)
class ImageRow:
    image: Image.Image
    align: Align = Align.CENTER


Row = TextRow | ImageRow


@cache
def _font(bold: bool, large: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    size = _FONT_PX * 2 if large else _FONT_PX
    for folder in _FONT_DIRS:
        path = Path(folder) / name
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def text_image(row: TextRow, dots: int) -> Image.Image:
    """One line of text, ``dots`` wide, black on white (mode "1")."""
    height = LINE_DOTS * 2 if row.large else LINE_DOTS
    image = Image.new("1", (dots, height), 1)
    draw = ImageDraw.Draw(image)
    font = _font(row.bold, row.large)
    width = draw.textlength(row.text, font=font)
    match row.align:
        case Align.CENTER:
            x = max(0, (dots - width) / 2)
        case Align.RIGHT:
            x = max(0, dots - width)
        case _:
            x = 0
    draw.text((x, 1), row.text, font=font, fill=0)
    return image


def qr_image(payload: str, box_dots: int = 6) -> Image.Image:
    code = qrcode.QRCode(
        border=2, box_size=box_dots, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("1")


def rows_from_blocks(blocks: Iterable[Block], columns: int) -> list[Row]:
    rows: list[Row] = []
    for block in blocks:
        match block:
            case Line(text=text, align=align, bold=bold, large=large):
                rows.append(TextRow(text, align, bold, large))
            case Rule(char=char):
                rows.append(TextRow(char * columns))
            case QrCode(payload=payload):
                rows.append(ImageRow(qr_image(payload)))
            case Barcode(payload=payload):
                rows.append(TextRow(f"|| {payload} ||", Align.CENTER, bold=True))
            case Cut():
                pass
    return rows


def paint(rows: Iterable[Row], dots: int) -> Image.Image:
    """All rows one under another on a strip of paper ``dots`` wide."""
    pictures = [
        text_image(row, dots) if isinstance(row, TextRow) else _placed(row, dots) for row in rows
    ]
    height = sum(p.height for p in pictures) + 2 * LINE_DOTS
    paper = Image.new("1", (dots, height), 1)
    y = LINE_DOTS
    for picture in pictures:
        paper.paste(picture, (0, y))
        y += picture.height
    return paper


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _placed(row: ImageRow, dots: int) -> Image.Image:
    image = row.image.convert("1")
    if image.width > dots:
        image = image.resize((dots, image.height * dots // image.width))
    strip = Image.new("1", (dots, image.height), 1)
    match row.align:
        case Align.CENTER:
            x = (dots - image.width) // 2
        case Align.RIGHT:
            x = dots - image.width
        case _:
            x = 0
    strip.paste(image, (x, 0))
    return strip
