"""The [printer] url forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.printers.address import (
    FileAddress,
    SerialAddress,
    TcpAddress,
    UsbAddress,
    parse_address,
)
from device_drivers.printers.errors import PrinterConfigError


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tcp://10.0.0.5:9100", TcpAddress("10.0.0.5", 9100)),
        ("tcp://printer.local", TcpAddress("printer.local", 9100)),
        ("serial:///dev/ttyUSB0?baudrate=19200", SerialAddress("/dev/ttyUSB0", 19200)),
        ("serial:///dev/pts/3", SerialAddress("/dev/pts/3", 19200)),
        ("usb://04b8:0202", UsbAddress(0x04B8, 0x0202)),
        ("file:///dev/usb/lp0", FileAddress("/dev/usb/lp0")),
    ],
)
def test_valid_urls(url: str, expected: object) -> None:
    assert parse_address(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "lpt://1",
        "tcp://",
        "tcp://h:99999",
        "serial://",
        "serial:///dev/x?baud=9600",
        "serial:///dev/x?baudrate=fast",
        "usb://zz:01",
        "usb://04b8",
        "file://",
    ],
)
def test_invalid_urls_name_the_problem(url: str) -> None:
    with pytest.raises(PrinterConfigError, match=r"url|expected|port|baudrate|option"):
        parse_address(url)


@given(st.text(max_size=60))
def test_any_text_is_an_address_or_a_config_error(url: str) -> None:
    try:
        address = parse_address(url)
    except PrinterConfigError as error:
        assert str(error) and "\n" not in str(error)  # one line for the config error
        return
    assert isinstance(address, TcpAddress | SerialAddress | UsbAddress | FileAddress)
