"""The ILS simulator: a SIP2 2.00 server over the circulation model (simulators/models/ils.py)."""
