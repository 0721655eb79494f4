"""Kiosk widgets: text that fits its box, big focusable buttons, keypads, the on-screen
keyboard, the language bar and the dialogs. Each styles itself from a Theme (apply_theme)."""
