"""Pictures of text: the font really has the Lithuanian glyphs (not empty boxes), and a line
printed as an image arrives in the simulator as exactly that picture."""

from __future__ import annotations

from PIL import Image, ImageChops

from device_drivers.printers.escpos_render import render_bytes
from device_drivers.printers.profiles import code_page_table, load_profile
from device_drivers.printers.raster import TextRow, text_image
from kiosk.core.receipts import Line
from simulators.printer.escpos_decode import EscPosDecoder, RasterImage

LETTERS = "ąčęėįšųūžĄČĘĖĮŠŲŪŽ„“€"


def glyph(text: str) -> bytes:
    return text_image(TextRow(text), 48).tobytes()


def test_every_lithuanian_letter_has_its_own_glyph() -> None:
    missing = glyph("\U000f0000")  # a private-use code point: the font's "no glyph" box
    pictures = {letter: glyph(letter) for letter in LETTERS}
    assert all(picture != missing for picture in pictures.values())
    assert len(set(pictures.values())) == len(LETTERS)
    assert glyph("ą") != glyph("a") and glyph("Ž") != glyph("Z")


def test_an_image_line_reaches_the_printer_dot_for_dot() -> None:
    profile = load_profile("TM-T88III", 80)  # no Baltic code page: Lithuanian lines are images
    data = render_bytes((Line("Grąžinti iki: 2026-12-16"),), profile)
    event = next(
        e
        for e in EscPosDecoder(code_page_table("TM-T88III")).feed(data)
        if isinstance(e, RasterImage)
    )
    sent = Image.frombytes("1", (event.width_bytes * 8, event.height), event.data, "raw", "1;I")
    expected = text_image(TextRow("Grąžinti iki: 2026-12-16"), profile.dots)
    assert ImageChops.difference(sent.convert("L"), expected.convert("L")).getbbox() is None
