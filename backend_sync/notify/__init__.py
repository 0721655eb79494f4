"""Outgoing notifications: e-mail over SMTP (receipts now, locker notifications later)."""
