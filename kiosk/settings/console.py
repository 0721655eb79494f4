"""The [console] table: the simulators' technician web console (`kiosk sim up`, `kiosk demo`).

``host`` is where it listens (127.0.0.1 unless told otherwise); any other address needs
``password_hash``, a salted scrypt hash made by ``kiosk console hash-password`` (the password
itself is never in the file). See docs/security.md.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator

from kiosk.core.circulation.staff_auth import PinHash
from kiosk.settings.base import Section

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


class ConsoleSection(Section):
    host: str = Field(default="127.0.0.1", min_length=1, max_length=253)
    password_hash: SecretStr = SecretStr("")  # scrypt$N$r$p$salt$hash

    @model_validator(mode="after")
    def _password_off_loopback(self) -> ConsoleSection:
        line = self.password_hash.get_secret_value()
        if line:
            PinHash.parse(line)  # PinHashError (a ValueError) names what is wrong
        if self.host not in LOOPBACK_HOSTS and not line:
            raise ValueError(
                f"host = {self.host!r} reaches beyond this machine: set password_hash "
                '(kiosk console hash-password) or use host = "127.0.0.1"'
            )
        return self
