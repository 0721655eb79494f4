"""The kiosk's domain: UI-free and I/O-free (see ARCHITECTURE.md; import-linter enforces it)."""
