"""Room bookings with the library's booking system (issue 8).

libcal_wire (LibCal 1.1 JSON, pure), libcal_client (requests: token, retries, errors),
cache_schema + cache (SQLite through SQLAlchemy), sync (refresh, offline check-in queue; the
screens' RoomBookings port). Another booking system is one more module implementing
kiosk.core.rooms.ports.BookingSystem.
"""
