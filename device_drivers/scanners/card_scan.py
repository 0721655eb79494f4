"""Turning scanner characters into library card numbers. Pure: characters and ``now`` in,
``CardScanned`` or ``ScanRejected`` out; no device, no clock.

A scan is the characters up to the terminator (CR, LF, CRLF or TAB, as the scanner is
programmed). A scan with no terminator within ``timeout_s`` after its last character is
partial; characters further apart than ``max_key_gap_s`` are not one scan (a scanner types
a whole code in a few ms). Whatever arrives is validated against the library's card pattern.
Rejections carry a clear reason and only a masked number: never a full card number in logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.core.privacy import mask_card

TERMINATORS = {"CR": "\r", "LF": "\n", "CRLF": "\r\n", "TAB": "\t"}


@dataclass(frozen=True)
class CardScanned:
    card: str

    def __repr__(self) -> str:  # keeps full numbers out of logs and tracebacks
        return f"CardScanned({mask_card(self.card)})"


@dataclass(frozen=True)
class ScanRejected:
    reason: str
    shown: str  # masked


ScanResult = CardScanned | ScanRejected


@dataclass(frozen=True)
class CardRule:
    pattern: str = r"^[0-9]{8,14}$"

    def check(self, raw: str) -> ScanResult:
        text = raw.strip()
        if not text:
            return ScanRejected("nothing was scanned", "")
        if not text.isprintable():
            return ScanRejected(
                "the scan is garbled; scan the card again",
                mask_card("".join(c if c.isprintable() else "?" for c in text)),
            )
        if re.fullmatch(self.pattern, text) is None:
            return ScanRejected("this is not a library card number", mask_card(text))
        return CardScanned(text)


class ScanAssembler:
    def __init__(
        self,
        rule: CardRule | None = None,
        terminator: str = "CR",
        max_key_gap_s: float = 0.08,
        timeout_s: float = 0.5,
    ) -> None:
        self.rule = rule or CardRule()
        self.terminator = TERMINATORS[terminator]
        self.max_key_gap_s = max_key_gap_s
        self.timeout_s = timeout_s
        self._buffer = ""
        self._last = 0.0

    def feed(self, text: str, now: float) -> list[ScanResult]:
        """Characters as they arrive; returns the scans they complete (and any partial scan
        they cut off)."""
        results: list[ScanResult] = []
        for char in text:
            if self._buffer and now - self._last > self.max_key_gap_s:
                results.append(self._partial())
            self._last = now
            self._buffer += char
            if self._buffer.endswith(self.terminator):
                raw = self._buffer[: -len(self.terminator)]
                self._buffer = ""
                results.append(self.rule.check(raw))
            elif self.terminator == "\r\n" and self._buffer.endswith("\n"):
                self._buffer = self._buffer[:-1]  # lone LF in CRLF mode: noise
        return results

    def poll(self, now: float) -> list[ScanResult]:
        """Call now and then: a scan left without its terminator is reported as partial."""
        if self._buffer and now - self._last > self.timeout_s:
            return [self._partial()]
        return []

    def _partial(self) -> ScanRejected:
        shown = mask_card(self._buffer.strip())
        self._buffer = ""
        return ScanRejected("the scan was incomplete; scan the card again", shown)
