"""`kiosk payments report` and `kiosk payments send-report`: the day's payments for the
accountant (CSV or PDF), read from the payment journal. Registered by kiosk/commands/payments.py
into its subcommand group.
"""

from __future__ import annotations

import argparse


def register_report(subparsers: argparse._SubParsersAction) -> None:
    """Add the report subcommands to `kiosk payments` (filled in by the report's owner)."""
