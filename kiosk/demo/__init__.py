"""The demo and test harness, kept out of the production UI: `kiosk demo --autopilot` (a
scripted visit by simulated touches against the REAL core over the simulators), the virtual
display and simulated touches the UI tests and benchmarks use, and the benchmark's app probe.

May import the UI, the core, the composition root and the simulators; nothing in kiosk.ui or
kiosk.core imports this package (an import-linter contract says so).
"""
