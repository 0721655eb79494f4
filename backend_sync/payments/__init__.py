"""The accountant's side of card payments: the day's report as CSV and PDF, its nightly
e-mail, and the fiscal port's journal-file cash register. Plain arguments only: the
wiring (kiosk/wiring/payments_report.py) turns the [payments] table into them."""
