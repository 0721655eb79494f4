"""Pure presentation: what each screen shows (views), what a tap asks for (intents), and the
translated, formatted texts (text). No Kivy import, no I/O, no clock; tested without a window."""
