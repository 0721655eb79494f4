"""A tiny ACS of the tests' own on a loopback socket: answers are written by hand from SIP2
2.00 (framing, fixed fields, AY/AZ), never by our codec, and every request is counted.

``answer(request_text) -> list[bytes]`` decides the replies (several, or none); the request
text is the frame as received, CR stripped. ``close_when(request_text)`` says whether to hang
up after the replies (an ACS that answers 940 and closes).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable

DATE = "20261206    120000"


def with_trailer(body: str, sequence: str | None, *, lower: bool = False) -> bytes:
    """body + AYn + AZ + checksum: -(sum of the bytes up to and including AZ) & 0xFFFF."""
    text = body + (f"AY{sequence}" if sequence is not None else "") + "AZ"
    check = f"{(-sum(text.encode('ascii'))) & 0xFFFF:04X}"
    return (text + (check.lower() if lower else check)).encode("ascii")


def acs_status(sequence: str | None) -> bytes:
    """98: all on-line, timeout 010 (1 s), 3 retries, 2.00, every message supported."""
    return with_trailer(f"98YYYYNN010003{DATE}2.00AOAVB|AMTiny ACS|BX{'Y' * 16}|", sequence)


def sequence_of(request: str) -> str | None:
    match = re.search(r"AY(\d)AZ[0-9A-F]{4}$", request)
    return match.group(1) if match else None


class TinyAcs:
    def __init__(
        self,
        answer: Callable[[str], list[bytes]],
        *,
        terminator: bytes = b"\r",
        close_when: Callable[[str], bool] = lambda request: False,
    ) -> None:
        self.answer = answer
        self.terminator = terminator
        self.close_when = close_when
        self.requests: Counter[str] = Counter()  # by command
        self.connections = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> TinyAcs:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                line = await reader.readuntil(b"\r")
                request = line.rstrip(b"\r\n").decode("ascii")
                self.requests[request[:2]] += 1
                for reply in self.answer(request):
                    writer.write(reply + self.terminator)
                await writer.drain()
                if self.close_when(request):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
