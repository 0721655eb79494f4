"""Barcode scanners that type like a keyboard: key events (as the UI toolkit reports them)
into ``card_scan``. Pure; the UI forwards its key events here with ``now``.

A key event is either the character it typed or a key name: "enter"/"return"/"numpadenter"
become CR, "tab" becomes TAB; other named keys (shift, arrows …) are ignored.
"""

from __future__ import annotations

from device_drivers.scanners.card_scan import ScanAssembler, ScanResult

_NAMED = {"enter": "\r", "return": "\r", "numpadenter": "\r", "tab": "\t"}


class KeyboardWedge:
    def __init__(self, assembler: ScanAssembler) -> None:
        self.assembler = assembler

    def key(self, key: str, now: float) -> list[ScanResult]:
        if len(key) == 1:
            return self.assembler.feed(key, now)
        text = _NAMED.get(key.lower())
        if text is None:
            return []
        if text == "\r" and self.assembler.terminator == "\r\n":
            text = "\r\n"
        return self.assembler.feed(text, now)

    def poll(self, now: float) -> list[ScanResult]:
        return self.assembler.poll(now)
