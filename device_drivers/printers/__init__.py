"""Receipt printers: ESC/POS over TCP 9100, serial, USB or a device file, through python-escpos.

python-escpos is imported here and nowhere else in the kiosk.
"""
