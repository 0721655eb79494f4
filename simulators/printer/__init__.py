"""The receipt printer simulator: ESC/POS over TCP 9100 and a pseudo-terminal, with faults."""
