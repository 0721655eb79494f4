"""Room and space bookings at the kiosk: the UI-free, I/O-free domain (issue 8).

model (entities, mirroring LibCal), rules (checks before sending), board (now/next, timeline,
walk-up), checkin (window, no-show), ports (BookingSystem, RoomBookings, PatronDirectory),
desk (what patrons and staff do). Imports nothing that does I/O.
"""
