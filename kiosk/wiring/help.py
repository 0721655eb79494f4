""" "Call a librarian" from the [help] table: the HelpDesk with its channels (e-mail through the
kiosk's mail outbox, the [sms] gateway, a webhook). Settings become plain values here only;
the webhook token is unwrapped here and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from backend_sync.notify.help_channels import (
    EmailHelpChannel,
    MailQueue,
    SmsHelpChannel,
    WebhookHelpChannel,
)
from backend_sync.notify.webhook import Webhook, WebhookOptions
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.help import HelpChannel, HelpDesk, HelpRecorder
from kiosk.settings.help import HelpSection
from kiosk.settings.loader import ConfigError
from kiosk.settings.model import Settings
from kiosk.wiring.notify import sms_from


def webhook_from(
    section: HelpSection,
    *,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Webhook:
    options = WebhookOptions(
        url=section.webhook_url,
        token=section.webhook_token.get_secret_value(),
        timeout_s=section.webhook_timeout_s,
    )
    return Webhook(options, session=session, sleep=sleep)


def help_desk_from(
    settings: Settings,
    *,
    mailer: MailQueue | None = None,
    clock: Clock | None = None,
    recorder: HelpRecorder | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> HelpDesk | None:
    """The kiosk's help desk, or None without a [help] table. ``mailer``: the running kiosk's
    mail outbox (the e-mail channel queues there, so calls survive a mail server outage)."""
    section = settings.help
    if section is None:
        return None
    channels: list[HelpChannel] = []
    for name in section.channels:
        if name == "email":
            if mailer is None:
                raise ConfigError("[help] channel 'email' needs the [smtp] table")
            channels.append(EmailHelpChannel(mailer, section.email_to))
        elif name == "sms":
            if settings.sms is None:
                raise ConfigError("[help] channel 'sms' needs the [sms] table")
            channels.append(SmsHelpChannel(sms_from(settings.sms, sleep=sleep), section.sms_to))
        else:
            channels.append(WebhookHelpChannel(webhook_from(section, sleep=sleep)))
    return HelpDesk(
        settings.kiosk.id,
        settings.kiosk.library_name,
        channels,
        clock or SystemClock(settings.kiosk.timezone),
        location=section.location,
        min_interval_s=section.min_interval_s,
        recorder=recorder,
    )


def attach_help(settings: Settings, app: Any, kiosk: Any) -> HelpDesk | None:
    """The help row on the touch app's patron screens, put there when the app starts: "Call a
    librarian" over the kiosk's help desk (None without [help]; its calls counted in
    kiosk_help_requests_total on the kiosk's /metrics) and the voice's buttons."""
    from kiosk.telemetry.help import HelpMetrics
    from kiosk.ui.widgets.help_buttons import HelpButtons

    monitoring = getattr(kiosk, "monitoring", None)
    recorder = HelpMetrics().add_to(monitoring.registry) if monitoring is not None else None
    desk = help_desk_from(settings, mailer=getattr(kiosk, "mailer", None), recorder=recorder)
    chat_url = settings.help.chat_qr_url if settings.help is not None else ""
    app.bind(on_start=lambda *_: HelpButtons(app, desk, chat_url).attach())
    return desk
