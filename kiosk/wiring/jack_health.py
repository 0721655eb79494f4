"""The headphone jack's health as a device on /health, /metrics and the staff screen: device
"headphone-jack", kind audio. Listening is ok; no jack found on this hardware or a jack that
cannot be read (permissions, unplugged sound card) is degraded with the driver's reason (a
kiosk without a working jack still serves everyone; speech stays on its button). Detection
switched off ([ui] headphone_jack = "off") reports nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from device_drivers.speech.jack import JackHealth
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, HealthReporter

DEVICE = "headphone-jack"


def jack_device_health(health: JackHealth) -> DeviceHealth | None:
    if health.state == "off":
        return None
    if health.state == "listening":
        return DeviceHealth(DEVICE, DeviceKind.AUDIO, DeviceState.OK)
    if health.state == "no-jack":
        return DeviceHealth(DEVICE, DeviceKind.AUDIO, DeviceState.DEGRADED, "no jack found")
    reason = health.reason or "cannot be read"
    return DeviceHealth(DEVICE, DeviceKind.AUDIO, DeviceState.DEGRADED, reason)


def jack_health_reporter(reporter: HealthReporter) -> Callable[[JackHealth], None]:
    """For HeadphoneJack(on_health=…): called on the jack's thread; the kiosk's HealthFanout
    is thread-safe (the telemetry locks, the UI port is reached through the loop)."""

    def report(health: JackHealth) -> None:
        device = jack_device_health(health)
        if device is not None:
            reporter.report(device)

    return report
