"""The locker bank's domain logic: UI-free and I/O-free.

Loading, pickup codes, pickup, expiry, the door and compartment state machines and their
alarms. Talks to hardware, the ILS, the store and the notifier only through ports.py.
"""
