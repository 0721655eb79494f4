"""The touch UI (Kivy): renders core state and forwards taps; no circulation logic."""
