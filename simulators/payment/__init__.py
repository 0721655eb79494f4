"""`kiosk sim payment`: a ZVT card terminal on TCP and on a pseudo-terminal (serial framing),
with faults, a journal and end-of-day totals (behaviour in simulators/models/payment_terminal)."""
