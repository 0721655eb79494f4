"""[registration] settings -> the right backend (kiosk/wiring/registration.py), end to end."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from pydantic import ValidationError

from backend_sync.registration.desk import DeskRegistration
from backend_sync.registration.folio import FolioRegistration
from backend_sync.registration.koha import KohaRegistration
from kiosk.core.registration import Field, submit_once
from kiosk.settings.loader import ConfigError
from kiosk.settings.model import Settings
from kiosk.wiring.registration import registration_from, registration_rules_from
from simulators.models.registration import SAMPLE_APPLICATION as APP


def settings(tmp_path, **registration) -> Settings:
    return Settings.model_validate(
        {"kiosk": {"data_dir": str(tmp_path)}, "registration": registration}
    )


def test_koha_settings_build_a_koha_backend_that_works(koha_sim, tmp_path) -> None:
    s = settings(
        tmp_path, backend="koha", base_url=koha_sim.url, client_id="kiosk",
        client_secret="s3cret", temporary_category="TEMP", library_id="CPL",
    )  # fmt: skip
    port = registration_from(s)
    assert isinstance(port, KohaRegistration)
    asyncio.run(submit_once(port, APP, "key-1"))
    assert koha_sim.created == 1 and koha_sim.model.records[0].body["category_id"] == "TEMP"
    rules = registration_rules_from(s)
    assert rules is not None and rules.optional == {Field.PHONE} and rules.parent_consent_age == 16


def test_folio_and_desk_settings(tmp_path) -> None:
    folio = settings(
        tmp_path, backend="folio", base_url="http://127.0.0.1:9", client_id="u",
        client_secret="p", tenant="lib",
    )  # fmt: skip
    assert isinstance(registration_from(folio), FolioRegistration)
    desk = Settings.model_validate(
        {
            "kiosk": {"data_dir": str(tmp_path)},
            "smtp": {"host": "127.0.0.1", "from_address": "kiosk@biblioteka.lt"},
            "registration": {"backend": "desk", "desk_email": "desk@biblioteka.lt"},
        }
    )
    port = registration_from(desk, today=lambda: date(2026, 11, 25))
    assert isinstance(port, DeskRegistration)
    assert (tmp_path / "registration-desk.sqlite").exists()
    with pytest.raises(ConfigError):
        registration_from(settings(tmp_path, backend="desk", desk_email="d@biblioteka.lt"))
    assert registration_from(Settings()) is None


@pytest.mark.parametrize(
    "table",
    [
        {"backend": "koha", "base_url": "https://k.lt", "client_id": "x", "client_secret": "y"},
        {"backend": "folio", "base_url": "https://f.lt", "client_id": "x", "client_secret": "y"},
        {"backend": "desk"},
        {"backend": "desk", "desk_email": "d@b.lt", "consent_text": {"en": "I agree"}},
        {"backend": "desk", "desk_email": "d@b.lt", "optional_fields": ["surname"]},
        {"backend": "ils"},
    ],
)
def test_incomplete_tables_are_refused(table: dict) -> None:
    with pytest.raises(ValidationError):
        Settings.model_validate({"registration": table})


def test_consent_text_falls_back_to_lithuanian(tmp_path) -> None:
    s = settings(
        tmp_path, backend="desk", desk_email="d@b.lt",
        consent_text={"lt": "Sutinku", "en": "I agree"},
    )  # fmt: skip
    assert s.registration is not None
    assert s.registration.consent_for("en") == "I agree"
    assert s.registration.consent_for("uk") == "Sutinku"
    assert s.registration.personal_code_enabled is False
