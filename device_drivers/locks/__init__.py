"""Lock-board drivers: one module per board family behind the LockBoard interface, and the
bank that maps configured compartments onto boards (device_drivers.locks.bank).

Never decides anything about loads, codes or patrons: that is kiosk.core.lockers.
"""
