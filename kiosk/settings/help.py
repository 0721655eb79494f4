"""The [help] table: "Call a librarian" — where the call goes and how often it may go.

``channels`` lists the ways staff are told: "email" (to ``email_to``, through [smtp] and the
mail outbox), "sms" (to ``sms_to``, through the [sms] gateway) and "webhook" (a JSON POST to
``webhook_url``, e.g. a chat tool's incoming webhook). ``min_interval_s``: one call per kiosk
at most this often. ``chat_qr_url``: when set, the patron also sees a QR code for it.
Without the table the button is not shown. Never prints the webhook token.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator

from kiosk.settings.base import Section

Channel = Literal["email", "sms", "webhook"]


class HelpSection(Section):
    channels: list[Channel] = Field(min_length=1)
    location: str = Field(default="", max_length=80)
    email_to: list[str] = Field(default_factory=list)
    sms_to: list[str] = Field(default_factory=list)
    webhook_url: str = Field(default="", pattern=r"^(https?://.+)?$")
    webhook_token: SecretStr = SecretStr("")
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=60)
    min_interval_s: float = Field(default=300.0, ge=0, le=86400)
    chat_qr_url: str = Field(default="", pattern=r"^(https?://.+)?$")

    @model_validator(mode="after")
    def _each_channel_has_a_recipient(self) -> Self:
        if len(set(self.channels)) != len(self.channels):
            raise ValueError("channels: each channel once")
        if "email" in self.channels and not self.email_to:
            raise ValueError("channel 'email' needs email_to (the staff addresses)")
        bad = [a for a in self.email_to if "@" not in a]
        if bad:
            raise ValueError(f"email_to: not an e-mail address: {bad[0]!r}")
        if "sms" in self.channels and not self.sms_to:
            raise ValueError("channel 'sms' needs sms_to (the staff phone numbers)")
        if "webhook" in self.channels and not self.webhook_url:
            raise ValueError("channel 'webhook' needs webhook_url")
        return self
