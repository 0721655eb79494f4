"""The Kivy touch app: renders view models and forwards taps as intents; no circulation logic.

Only this package imports Kivy. ``presenters/`` is the pure half (view models, intents, text
formatting, idle countdown) and is tested without a window; ``widgets/``, ``screens/`` and
``app.py`` are the Kivy half. Screens are built once and reused for every visit.
"""
