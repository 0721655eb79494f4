"""Simulators of the library system and of every device, speaking the real wire protocols."""
