"""`kiosk sim jack`: plug and unplug headphones without a sound card, through a FIFO."""
