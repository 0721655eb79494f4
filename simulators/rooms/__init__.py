"""`kiosk sim rooms`: the library's booking system, speaking LibCal Spaces API 1.1 on loopback."""
