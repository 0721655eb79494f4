"""The [smtp] table: the mail server for e-mail receipts (and, later, locker notifications)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from kiosk.settings.base import Section


class SmtpSection(Section):
    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    tls_verify: bool = True
    tls_ca_file: str | None = None
    username: str = ""
    password: SecretStr = SecretStr("")
    from_address: str = Field(min_length=3, pattern=r"^[^@\s]+@[^@\s]+$")
    from_name: str = ""
    timeout_s: float = Field(default=10.0, gt=0, le=300)
    retry_first_s: float = Field(default=30.0, gt=0, le=3600)
    retry_max_s: float = Field(default=3600.0, gt=0, le=86400)
    outbox_file: str = "mail-outbox.sqlite"
    # a refused message keeps its address and text for staff this long, then is blanked
    keep_failed_days: float = Field(default=14.0, ge=0, le=365)
