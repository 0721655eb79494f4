"""What every subcommand shares: exit codes, loading the settings, logging set-up."""

from __future__ import annotations

import argparse
import signal
import threading

from kiosk.logs import configure_logging
from kiosk.settings import Settings, load_settings, resolve_path

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3


class CommandError(Exception):
    """A failure to report as one line on stderr, with the exit code it maps to."""

    def __init__(self, message: str, exit_code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def settings_from(args: argparse.Namespace) -> Settings:
    """Load and validate the configuration the command line points at; set up logging."""
    settings = load_settings(resolve_path(getattr(args, "config", None)))
    level = getattr(args, "log_level", None) or settings.log.level
    configure_logging(level, settings.log.format, settings.kiosk.id)
    return settings


def setup_logging_without_config(args: argparse.Namespace) -> None:
    configure_logging(getattr(args, "log_level", None) or "warning", "auto", "kiosk")


_STOP = threading.Event()  # set by SIGINT / SIGTERM once catch_stop_signals has run


def catch_stop_signals() -> None:
    """From now on Ctrl-C (SIGINT) and SIGTERM end ``wait_for_stop``, so the caller stops its
    parts in order. Runs before a serving command announces itself: a signal sent by whoever
    read the banner is then never lost (it was, between the banner and the wait). SIGINT is
    taken explicitly: a command started from a background job (a script, `&`) has it
    ignored by the shell, and would otherwise never stop on `kill -INT`."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: _STOP.set())


def announce(text: str) -> None:
    """Print a serving command's banner (flushed) with the stop signals already caught."""
    catch_stop_signals()
    print(text, flush=True)


def wait_for_stop() -> None:
    """Until SIGINT or SIGTERM (also one that came since ``announce``)."""
    catch_stop_signals()
    _STOP.wait()
