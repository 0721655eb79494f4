"""The RFID reader simulator: FEIG ISO-host over TCP and a pseudo-terminal, a fake reader for
in-process tests, and the `kiosk sim rfid` command line."""
