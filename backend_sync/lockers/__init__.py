"""The locker bank's adapters: its ILS port over SIP2, its SQLite state store, its runner."""
