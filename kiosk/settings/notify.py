"""The [sms] table: the HTTP SMS gateway that sends locker pickup codes.

Gateways differ in everything, so the request is configuration: URL, method, how the body is
encoded and a body template with ``$to``, ``$text`` and ``$sender`` placeholders (each value
is escaped for the body's encoding before it is put in). Never logs or prints a secret.
"""

from __future__ import annotations

from string import Template
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator

from kiosk.settings.base import Section

PLACEHOLDERS = frozenset({"to", "text", "sender"})


class SmsSection(Section):
    url: str = Field(min_length=8, pattern=r"^https?://")
    method: Literal["POST", "PUT", "GET"] = "POST"
    body: Literal["json", "form", "query"] = "json"
    template: str = '{"to": "$to", "from": "$sender", "text": "$text"}'
    sender: str = ""
    auth: Literal["none", "basic", "bearer"] = "none"
    username: str = ""
    password: SecretStr = SecretStr("")
    token: SecretStr = SecretStr("")
    headers: dict[str, str] = Field(default_factory=dict)
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    retries: int = Field(default=2, ge=0, le=10)
    retry_backoff_s: float = Field(default=1.0, ge=0, le=60)

    @model_validator(mode="after")
    def _template_is_usable(self) -> Self:
        names = {
            m.group("named") or m.group("braced")
            for m in Template.pattern.finditer(self.template)
            if not m.group("escaped")
        }
        if None in names:
            raise ValueError("template: a '$' must start $to, $text or $sender ('$$' for '$')")
        unknown = names - PLACEHOLDERS
        if unknown:
            raise ValueError(f"template: unknown placeholder ${sorted(unknown)[0]}")
        if "text" not in names or "to" not in names:
            raise ValueError("template: must contain $to and $text")
        if self.method == "GET" and self.body != "query":
            raise ValueError("method GET sends the template as the query string: body = 'query'")
        if self.auth == "basic" and not self.username:
            raise ValueError("auth 'basic' needs username (and password)")
        if self.auth == "bearer" and not self.token.get_secret_value():
            raise ValueError("auth 'bearer' needs token")
        return self
