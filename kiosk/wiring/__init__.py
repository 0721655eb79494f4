"""The wiring: the one place where validated settings become adapters, core services and the app.

One small factory per adapter (``reader_from(settings)``, ``library_from(settings)``, …) lives in
a module named for what it builds; ``assemble`` puts them together for ``kiosk run``,
``kiosk demo``, ``kiosk monitor``, the commands and the benchmarks. Nothing outside this
package constructs a driver or a backend client from settings.
"""
