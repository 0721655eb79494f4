"""The validated configuration: one TOML file, checked completely at start-up.

A wrong key, type or value raises ConfigError whose message is one line naming the file,
the key and what is expected. Sections for hardware a kiosk does not have are left out.
"""

from kiosk.settings.loader import DEFAULT_CONFIG_ENV, ConfigError, load_settings, resolve_path
from kiosk.settings.model import Settings

__all__ = ["DEFAULT_CONFIG_ENV", "ConfigError", "Settings", "load_settings", "resolve_path"]
