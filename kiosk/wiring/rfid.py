"""The RFID reader from [rfid]: the FEIG ISO-host reader over any pyserial URL. The app's
pad (kiosk/wiring/rfid_pad.py), `kiosk monitor` and `kiosk rfid …` all open it here."""

from __future__ import annotations

from device_drivers.rfid.feig_reader import FeigReader
from kiosk.settings.model import Settings
from kiosk.settings.rfid import RfidSection


def rfid_section(settings: Settings) -> RfidSection:
    if settings.rfid is None:
        raise ValueError("the configuration has no [rfid] table")
    return settings.rfid


def reader_from(settings: Settings) -> FeigReader:
    section = rfid_section(settings)
    return FeigReader(
        section.url,
        baudrate=section.baudrate,
        parity=section.parity,
        address=section.bus_address,
        timeout_s=section.timeout_s,
        line_retries=section.line_retries,
    )
