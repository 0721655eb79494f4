"""Library-card scanners: keyboard-wedge (key events) and serial barcode scanners.

``card_scan`` is pure (characters and ``now`` in, scans out); ``keyboard_wedge`` maps key
events onto it; ``serial_scanner`` is the pyserial adapter.
"""
