"""The technician web console for the simulators (`kiosk sim up`); see docs/operations.md."""
