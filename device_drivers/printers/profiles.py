"""What a printer model can do, taken from python-escpos' capability database.

Per printer: the ESC t number of the code page chosen for Lithuanian (CP1257 or CP775; the
number differs between vendors, so it is looked up in the profile or set explicitly), whether
QR codes and barcodes are native, and the dots per line for the paper width. A profile with
neither Baltic code page is allowed: every line with letters outside ASCII is then printed as
an image (see escpos_render.py) rather than as '?'.
"""

from __future__ import annotations

from dataclasses import dataclass

from escpos.capabilities import NotSupported, get_profile

from device_drivers.printers.errors import PrinterConfigError

# Print head width in dots for the two paper widths (203 dpi heads; the printable width is
# 48 mm on 58 mm paper and 72 mm on 80 mm paper). Font A is 12 dots wide.
DOTS_PER_LINE = {58: 384, 80: 576}
FONT_A_DOTS = 12
_CODEC_NAME = {"cp1257": "CP1257", "cp775": "CP775"}


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    width_mm: int
    dots: int
    codec: str | None  # Python codec for text; None: print non-ASCII lines as images
    code_page_number: int | None
    native_qr: bool
    native_barcode: bool

    @property
    def columns(self) -> int:
        return self.dots // FONT_A_DOTS


def load_profile(
    name: str,
    width_mm: int,
    code_page: str = "cp1257",
    code_page_number: int | None = None,
    qr: str = "native",
) -> PrinterProfile:
    """The profile ``name`` for ``width_mm`` paper; raises PrinterConfigError."""
    try:
        escpos_profile = get_profile(name)
    except (NotSupported, KeyError):
        raise PrinterConfigError(f"unknown printer profile {name!r}") from None
    if width_mm not in DOTS_PER_LINE:
        raise PrinterConfigError(f"width_mm must be 58 or 80, not {width_mm}")
    if code_page not in _CODEC_NAME:
        raise PrinterConfigError(f"code_page must be cp1257 or cp775, not {code_page!r}")
    number = code_page_number
    if number is None:
        number = _table_number(escpos_profile.codePages, _CODEC_NAME[code_page])
    head = escpos_profile.profile_data.get("media", {}).get("width", {}).get("pixels")
    dots = DOTS_PER_LINE[width_mm]
    return PrinterProfile(
        name=name,
        width_mm=width_mm,
        dots=min(dots, head) if isinstance(head, int) else dots,
        codec=code_page if number is not None else None,
        code_page_number=number,
        native_qr=qr == "native" and bool(escpos_profile.supports("qrCode")),
        native_barcode=bool(escpos_profile.supports("barcodeB")),
    )


def _table_number(code_pages: dict[str, str], wanted: str) -> int | None:
    for number, page in code_pages.items():
        if page == wanted:
            return int(number)
    return None


def code_page_table(name: str) -> dict[int, str]:
    """ESC t number -> code page name (CP437, CP1257, …) of the profile ``name``."""
    try:
        return {int(n): page for n, page in get_profile(name).codePages.items()}
    except (NotSupported, KeyError):
        raise PrinterConfigError(f"unknown printer profile {name!r}") from None
