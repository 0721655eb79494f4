"""Benchmarks behind `kiosk bench …`; each prints one JSON object."""
