"""The simulator's ESC/POS decoder: spec vectors, streaming in any chunks, arbitrary bytes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulators.printer.escpos_decode import (
    BarcodePrinted,
    EscPosDecoder,
    Feed,
    PaperCut,
    QrPrinted,
    Reset,
    StatusQuery,
    TextLine,
    Unsupported,
)

PAGES = {0: "CP437", 18: "CP852", 33: "CP775", 51: "CP1257"}


def decoder() -> EscPosDecoder:
    return EscPosDecoder(PAGES)


def test_code_page_switches_mid_line_like_python_escpos_magic_encode() -> None:
    # python-escpos' automatic encoding of "Knyga: ąčęėįšųūž" (research §4.2): CP852 then CP775.
    data = (
        bytes.fromhex("1b7400")
        + b"Knyga: "
        + bytes.fromhex("1b7412a59fa91b7421d3d4d5d6d7d8")
        + b"\n"
    )
    assert decoder().feed(data) == [TextLine("Knyga: ąčęėįšųūž")]


def test_research_vectors_qr_ean13_cut() -> None:
    qr = (
        bytes.fromhex("1d286b0400314132001d286b1500315030")
        + b"LOCKER 12 PIN 4821"
        + bytes.fromhex("1d286b0300315130")
    )
    ean = bytes.fromhex("1b61011d68401d77031d66001d48021d6b02") + b"4006381333931\x00"
    cut = bytes.fromhex("1b64061d5600")
    events = decoder().feed(qr + ean + cut)
    assert events == [
        QrPrinted("LOCKER 12 PIN 4821"),
        BarcodePrinted(2, "4006381333931"),
        Feed(6),
        PaperCut(),
    ]


def test_status_query_and_reset_and_unknown() -> None:
    assert decoder().feed(b"\x1b@\x10\x04\x04\x1b\xff") == [
        Reset(),
        StatusQuery(4),
        Unsupported(b"\x1b\xff"),
    ]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    decoder().feed(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200), st.lists(st.integers(1, 50), max_size=10))
def test_chunking_does_not_change_the_result(data: bytes, cuts: list[int]) -> None:
    whole = decoder().feed(data)
    chunked, stream, at = decoder(), [], 0
    for size in cuts:
        stream += chunked.feed(data[at : at + size])
        at += size
    stream += chunked.feed(data[at:])
    assert stream == whole
