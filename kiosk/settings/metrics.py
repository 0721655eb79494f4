"""The [metrics] table: the /metrics and /health HTTP endpoint (off unless ``listen`` is set).

``listen = "HOST:PORT"`` (IPv6 as ``[::1]:9464``); ``token``, when set, is a bearer token
every request must carry. ``essential`` names the devices whose loss makes /health say
"down" rather than "degraded". See docs/operations.md.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from kiosk.settings.base import Section

DEVICE_NAME = r"^[a-z][a-z0-9_-]{0,31}$"


def split_listen(value: str) -> tuple[str, int]:
    """("HOST", PORT) from "HOST:PORT" or "[V6]:PORT"; ValueError with what is expected."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"expected HOST:PORT, e.g. 127.0.0.1:9464, got {value!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    number = int(port)
    if not 0 <= number <= 65535:
        raise ValueError(f"port {number} is not between 0 and 65535")
    return host, number


class MetricsSection(Section):
    listen: str = ""
    token: str = Field(default="", max_length=256)
    probe_interval_s: float = Field(default=15.0, gt=0, le=3600)
    essential: tuple[str, ...] = ("reader",)

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        if value:
            split_listen(value)
        return value

    @field_validator("token")
    @classmethod
    def _token(cls, value: str) -> str:
        if value and (len(value) < 16 or any(c.isspace() for c in value)):
            raise ValueError("a token is at least 16 characters without spaces (or empty: none)")
        return value

    @field_validator("essential")
    @classmethod
    def _essential(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not re.match(DEVICE_NAME, v)]
        if bad:
            raise ValueError(f"device names are lower-case words, not {bad[0]!r}")
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.listen)

    @property
    def address(self) -> tuple[str, int]:
        return split_listen(self.listen)
