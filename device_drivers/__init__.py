"""Device drivers: RFID readers, lock boards, printers, scanners, speech."""
