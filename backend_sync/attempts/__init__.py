"""The persisted wrong-secret ledger (kiosk/core/attempts.py's AttemptLedger) on SQLite."""
