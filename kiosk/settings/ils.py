"""The [ils] table: how the kiosk reaches the library system over SIP2."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from kiosk.settings.base import Section


class IlsSection(Section):
    host: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)
    tls: bool = False
    tls_verify: bool = True
    tls_ca_file: str | None = None
    tls_cert_file: str | None = None
    tls_key_file: str | None = None
    username: str = ""
    password: SecretStr = SecretStr("")
    terminal_password: SecretStr = SecretStr("")
    institution: str = ""
    location: str = ""
    encoding: Literal["cp850", "utf-8", "latin-1", "ascii", "cp1257"] = "cp850"
    error_detection: bool = True
    terminator: Literal["CR", "CRLF"] = "CR"
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    keepalive_s: float = Field(default=60.0, ge=0, le=3600)
    retries: int = Field(default=3, ge=0, le=10)
    nb_due_date: Literal["blank", "transaction-date"] = "blank"
    connections: int = Field(default=1, ge=1, le=8)
    honours_no_block: bool = True
