"""Receipt blocks to ESC/POS: explicit Baltic code page, never '?', image fallback, QR modes.
Decoded back with the simulator's independent decoder."""

from __future__ import annotations

from device_drivers.printers.escpos_render import render_bytes
from device_drivers.printers.profiles import code_page_table, load_profile
from kiosk.core.receipts import Align, Barcode, Cut, Line, QrCode
from simulators.printer.escpos_decode import (
    BarcodePrinted,
    EscPosDecoder,
    QrPrinted,
    RasterImage,
    TextLine,
)

LETTERS = "ąčęėįšųūž ĄČĘĖĮŠŲŪŽ „Knyga“ 1,20 €"


def decode(data: bytes, profile: str) -> list[object]:
    return EscPosDecoder(code_page_table(profile)).feed(data)


def test_job_starts_with_reset_and_explicit_cp1257() -> None:
    data = render_bytes((Line("ą"), Cut()), load_profile("default", 80))
    assert data.startswith(b"\x1b@\x1bt\x33")  # ESC @, ESC t 51 = CP1257 on Epson tables
    assert "ą".encode("cp1257") in data


def test_lithuanian_text_round_trips_through_cp1257_and_cp775_profiles() -> None:
    for profile_name, code_page in (
        ("default", "cp1257"),
        ("POS-5890", "cp1257"),
        ("TM-T20II", "cp775"),
    ):
        profile = load_profile(profile_name, 58, code_page)
        events = decode(render_bytes((Line("ąčęėįšųūž ĄČĘĖĮŠŲŪŽ „Knyga“"),), profile), profile_name)
        assert TextLine("ąčęėįšųūž ĄČĘĖĮŠŲŪŽ „Knyga“") in events, profile_name


def test_profile_without_baltic_page_prints_images_never_question_marks() -> None:
    profile = load_profile("TM-T88III", 80)
    assert profile.codec is None
    data = render_bytes((Line("Plain ASCII"), Line(LETTERS), Cut()), profile)
    events = decode(data, "TM-T88III")
    assert TextLine("Plain ASCII") in events
    assert any(isinstance(e, RasterImage) and e.width_bytes * 8 == profile.dots for e in events)
    assert not any(isinstance(e, TextLine) and "?" in e.text for e in events)


def test_euro_on_cp775_becomes_an_image_line_only() -> None:
    profile = load_profile("default", 58, "cp775")
    events = decode(render_bytes((Line("ąčę"), Line("Suma: 1,20 €")), profile), "default")
    assert events[1] == TextLine("ąčę")
    assert isinstance(events[2], RasterImage)


def test_cyrillic_title_on_cp1257_is_an_image() -> None:
    profile = load_profile("default", 80)
    events = decode(render_bytes((Line("Война и мир"),), profile), "default")
    assert isinstance(events[1], RasterImage)


def test_styles_survive() -> None:
    profile = load_profile("default", 80)
    data = render_bytes((Line("KVITAS", Align.CENTER, bold=True, large=True), Line("x")), profile)
    events = decode(data, "default")
    assert events[1] == TextLine("KVITAS", "center", True, True)
    assert events[2] == TextLine("x")


def test_qr_native_or_image_and_barcode() -> None:
    native = load_profile("default", 80)
    image = load_profile("default", 80, qr="image")
    blocks = (QrCode("KNYGOMATAS:A:12:4821"), Barcode("AVB-2026-42"))
    assert QrPrinted("KNYGOMATAS:A:12:4821") in decode(render_bytes(blocks, native), "default")
    assert BarcodePrinted(73, "AVB-2026-42") in decode(render_bytes(blocks, native), "default")
    from_image = decode(render_bytes(blocks, image), "default")
    assert any(isinstance(e, RasterImage) for e in from_image)
    assert not any(isinstance(e, QrPrinted) for e in from_image)
