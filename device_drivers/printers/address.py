"""Where the printer is: the ``[printer] url`` parsed into one of four kinds of address.

    tcp://HOST[:PORT]                       network printer, raw TCP (default port 9100)
    serial:///dev/ttyUSB0?baudrate=19200    serial port (baudrate, default 19200)
    usb://VID:PID                           USB printer, ids in hex (04b8:0202)
    file:///dev/usb/lp0                     a device file (no status back channel)

Pure: parsing only, no device is opened here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from device_drivers.printers.errors import PrinterConfigError

DEFAULT_TCP_PORT = 9100
DEFAULT_BAUDRATE = 19200


@dataclass(frozen=True)
class TcpAddress:
    host: str
    port: int = DEFAULT_TCP_PORT


@dataclass(frozen=True)
class SerialAddress:
    device: str
    baudrate: int = DEFAULT_BAUDRATE


@dataclass(frozen=True)
class UsbAddress:
    vendor_id: int
    product_id: int


@dataclass(frozen=True)
class FileAddress:
    path: str


PrinterAddress = TcpAddress | SerialAddress | UsbAddress | FileAddress


def parse_address(url: str) -> PrinterAddress:
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise PrinterConfigError(f"{url!r}: not a url: {exc}") from None
    match parts.scheme:
        case "tcp":
            if not parts.hostname:
                raise PrinterConfigError(f"{url!r}: expected tcp://HOST:PORT")
            try:
                port = parts.port or DEFAULT_TCP_PORT
            except ValueError:
                raise PrinterConfigError(f"{url!r}: the port must be 1-65535") from None
            return TcpAddress(parts.hostname, port)
        case "serial":
            return _serial(url, parts.path, parse_qs(parts.query))
        case "usb":
            return _usb(url, parts.netloc)
        case "file":
            if not parts.path:
                raise PrinterConfigError(f"{url!r}: expected file:///PATH")
            return FileAddress(parts.path)
        case _:
            raise PrinterConfigError(
                f"{url!r}: the printer url must start with tcp://, serial://, usb:// or file://"
            )


def _serial(url: str, path: str, query: dict[str, list[str]]) -> SerialAddress:
    if not path:
        raise PrinterConfigError(f"{url!r}: expected serial:///dev/ttyUSB0?baudrate=19200")
    unknown = set(query) - {"baudrate"}
    if unknown:
        raise PrinterConfigError(f"{url!r}: unknown option {sorted(unknown)[0]!r}")
    raw = query.get("baudrate", [str(DEFAULT_BAUDRATE)])[0]
    if not raw.isdigit() or int(raw) <= 0:
        raise PrinterConfigError(f"{url!r}: baudrate must be a positive number")
    return SerialAddress(path, int(raw))


def _usb(url: str, netloc: str) -> UsbAddress:
    vendor, _, product = netloc.partition(":")
    try:
        return UsbAddress(int(vendor, 16), int(product, 16))
    except ValueError:
        raise PrinterConfigError(f"{url!r}: expected usb://VID:PID in hex (04b8:0202)") from None
