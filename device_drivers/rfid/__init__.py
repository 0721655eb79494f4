"""RFID for library items: tag data models (pure), reader protocols (pure), reader adapters.

The rest of the kiosk uses ``interface.TagReader`` (one module per reader family),
``library_tags.LibraryTags`` (item data and security with read-back) and ``pad`` (what a
patron's stack of books looks like over time). Nothing here imports the simulators or the UI.
"""
