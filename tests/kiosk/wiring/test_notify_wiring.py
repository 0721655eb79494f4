"""kiosk/wiring/notify.py: the [smtp], [sms] and [lockers] tables become SmtpOptions,
SmsOptions, the receipt mailer and the locker notifier; secrets are unwrapped, never shown."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backend_sync.notify.sms import SmsOptions
from backend_sync.notify.smtp_sender import SmtpOptions
from kiosk.settings import ConfigError, Settings, load_settings
from kiosk.settings.notify import SmsSection
from kiosk.settings.smtp import SmtpSection
from kiosk.wiring.notify import (
    locker_notifier_from,
    mailer_from,
    sms_from,
    sms_options_from,
    smtp_options_from,
    smtp_sender_from,
)

CONFIG = Path(__file__).parents[3] / "config"


def demo() -> Settings:
    return load_settings(CONFIG / "demo.toml")


def test_the_demo_smtp_table_becomes_smtp_options() -> None:
    smtp = demo().smtp
    assert smtp is not None
    expected = SmtpOptions(
        host="127.0.0.1", port=8025, security="none", tls_verify=True, tls_ca_file=None,
        username="", password="", timeout_s=10.0,
    )  # fmt: skip
    assert smtp_options_from(smtp) == expected
    assert smtp_sender_from(smtp).options == expected


def test_the_smtp_password_is_unwrapped_for_the_sender() -> None:
    smtp = SmtpSection(host="mail.example.lt", from_address="k@x.lt", username="k", password="pw")
    options = smtp_options_from(smtp)
    assert (options.username, options.password) == ("k", "pw")
    assert "pw" not in repr(smtp)


def test_the_mailer_keeps_its_outbox_under_data_dir(tmp_path: Path) -> None:
    settings = demo()
    settings = settings.model_copy(
        update={"kiosk": settings.kiosk.model_copy(update={"data_dir": str(tmp_path)})}
    )
    mailer = mailer_from(settings)
    try:
        outbox = mailer.outbox
        assert Path(str(outbox.engine.url.database)) == tmp_path / "mail-outbox.sqlite"
        assert outbox.from_address == "kiosk@demo.invalid"
        assert outbox.from_name == "Demo biblioteka"
        assert (outbox.retry_first_s, outbox.retry_max_s) == (30.0, 3600.0)
        assert outbox.keep_failed_s == 14 * 86400
        assert outbox.sender.options == smtp_options_from(settings.smtp)  # type: ignore[arg-type]
    finally:
        assert mailer.worker is not None
        mailer.worker.stop()
        mailer.outbox.engine.dispose()


def test_no_smtp_table_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"\[smtp\]"):
        mailer_from(Settings())


def test_the_sms_table_becomes_sms_options_with_the_secrets_unwrapped() -> None:
    section = SmsSection(
        url="https://sms.example.lt/api/send", method="PUT", body="form",
        template="to=$to&text=$text&from=$sender", sender="AVB", auth="bearer",
        token="t0ken", username="u", password="pw", headers={"X-Api-Key": "k"},
        timeout_s=3.0, retries=4, retry_backoff_s=0.25,
    )  # fmt: skip
    options = sms_options_from(section)
    assert options == SmsOptions(
        url="https://sms.example.lt/api/send", method="PUT", body="form",
        template="to=$to&text=$text&from=$sender", sender="AVB", auth="bearer",
        username="u", password="pw", token="t0ken", headers={"X-Api-Key": "k"},
        timeout_s=3.0, retries=4, retry_backoff_s=0.25,
    )  # fmt: skip
    assert "t0ken" not in repr(options) and "pw" not in repr(options)
    assert sms_from(section).options == options


def test_the_example_sms_table_keeps_its_defaults() -> None:
    section = load_settings(CONFIG / "kiosk.example.toml").sms
    assert section is not None
    assert sms_options_from(section) == SmsOptions(
        url="https://sms.example.lt/api/send", sender="Biblioteka"
    )


def test_the_demo_locker_notifier_mails_in_lithuanian() -> None:
    settings = demo()
    notifier = locker_notifier_from(settings)
    assert notifier.library == "Apskrities viešoji biblioteka"
    assert notifier.zone == ZoneInfo(settings.kiosk.timezone)
    assert notifier.channels == ("email",)
    assert notifier.sms is None and notifier.smtp is not None
    assert notifier.smtp.options == smtp_options_from(settings.smtp)  # type: ignore[arg-type]
    assert (notifier.sender.address, notifier.sender.name) == (  # type: ignore[union-attr]
        "kiosk@demo.invalid",
        "Demo biblioteka",
    )
    assert notifier.default_language == "lt"
    assert (notifier.retry_s, notifier.retry_max_s) == (60.0, 1800.0)


def test_the_example_locker_notifier_has_both_channels() -> None:
    settings = load_settings(CONFIG / "kiosk.example.toml")
    notifier = locker_notifier_from(settings)
    assert notifier.channels == ("email", "sms")
    assert notifier.sms is not None
    assert notifier.sms.options == sms_options_from(settings.sms)  # type: ignore[arg-type]


def test_no_lockers_table_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"\[lockers\]"):
        locker_notifier_from(Settings())
