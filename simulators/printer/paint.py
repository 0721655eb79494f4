"""A printed receipt as a PNG, drawn from what the simulator decoded (not from what the
kiosk meant to print): text in the code page the printer was told, the raster images as sent,
native QR codes re-drawn from their payload."""

from __future__ import annotations

from PIL import Image

from device_drivers.printers.raster import ImageRow, Row, TextRow, paint, png_bytes, qr_image
from kiosk.core.receipts import Align
from simulators.models.printer import PrintedReceipt
from simulators.printer.escpos_decode import BarcodePrinted, QrPrinted, RasterImage, TextLine


def receipt_png(receipt: PrintedReceipt, dots: int) -> bytes:
    rows: list[Row] = []
    for item in receipt.items:
        match item:
            case TextLine(text=text, align=align, bold=bold, large=large):
                rows.append(TextRow(text, Align(align), bold, large))
            case RasterImage(width_bytes=width, height=height, data=data):
                # ESC/POS sets a bit for a black dot; Pillow's "1;I" raw mode reads it that way.
                image = Image.frombytes("1", (width * 8, height), data, "raw", "1;I")
                rows.append(ImageRow(image, Align.LEFT))
            case QrPrinted(payload=payload):
                rows.append(ImageRow(qr_image(payload)))
            case BarcodePrinted(payload=payload):
                rows.append(TextRow(f"|| {payload} ||", Align.CENTER, bold=True))
    return png_bytes(paint(rows, dots))
