"""Device behaviour shared by in-process fakes and wire simulators."""
