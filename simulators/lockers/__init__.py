"""The locker bank simulator: Modbus TCP and RTU (pty) and a Kerong board (pty) over one
behaviour model (simulators.models.locker_bank), with a control API and `kiosk sim lockers`.
"""
