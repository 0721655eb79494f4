"""The [registration] table: reader pre-registration at the kiosk (docs/registration.md).

Which backend takes the applications (Koha's REST API, FOLIO's staging users, or an e-mail to
the lending desk), its address and credentials, and what the form asks: optional fields, the
parent-consent age, the consent and rules texts per language (Lithuanian is the fallback).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from kiosk.settings.base import Section

OptionalField = Literal["street", "city", "postcode", "email", "phone"]


class RegistrationSection(Section):
    backend: Literal["koha", "folio", "desk"]
    base_url: str = ""
    client_id: str = ""  # FOLIO: the kiosk user's username
    client_secret: SecretStr = SecretStr("")  # FOLIO: its password
    tenant: str = ""  # FOLIO only
    temporary_category: str = ""  # Koha only: the patron category of pre-registrations
    library_id: str = ""  # Koha only: the branch that finishes them
    desk_email: str = ""  # desk only
    desk_number_prefix: str = Field(default="K", pattern=r"^[A-Z0-9]{1,6}$")
    desk_ledger_file: str = "registration-desk.sqlite"
    queue_file: str = "registration.sqlite"  # applications held while being sent
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    parent_consent_age: int = Field(default=16, ge=0, le=21)
    optional_fields: list[OptionalField] = Field(default_factory=lambda: ["phone"])
    extra_fields: list[str] = Field(default_factory=list)
    consent_version: str = Field(default="1", min_length=1)
    consent_text: dict[str, str] = Field(default_factory=dict)
    rules_text: dict[str, str] = Field(default_factory=dict)
    personal_code_enabled: bool = False
    resend_every_s: float = Field(default=300.0, ge=5, le=86400)  # the running kiosk's resend

    @model_validator(mode="after")
    def _backend_has_what_it_needs(self) -> RegistrationSection:
        needs = {
            "koha": ("base_url", "client_id", "client_secret", "temporary_category", "library_id"),
            "folio": ("base_url", "client_id", "client_secret", "tenant"),
            "desk": ("desk_email",),
        }[self.backend]
        for key in needs:
            value = getattr(self, key)
            text = value.get_secret_value() if isinstance(value, SecretStr) else value
            if not text:
                raise ValueError(f"{key} is required when backend = {self.backend!r}")
        if self.base_url and not self.base_url.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        if self.backend == "desk" and "@" not in self.desk_email:
            raise ValueError("desk_email must be an e-mail address")
        if self.backend == "folio" and "email" in self.optional_fields:
            raise ValueError("FOLIO staging users need an e-mail: remove it from optional_fields")
        if self.consent_text and "lt" not in self.consent_text:
            raise ValueError("consent_text needs a Lithuanian ('lt') text, the fallback")
        return self

    def consent_for(self, language: str) -> str:
        return self.consent_text.get(language) or self.consent_text.get("lt", "")

    def rules_for(self, language: str) -> str:
        return self.rules_text.get(language) or self.rules_text.get("lt", "")
