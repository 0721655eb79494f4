"""Started by Python in every child process of a shifted test run (tests/timeshift/shift.py
puts this folder on PYTHONPATH): applies the parent's wall-clock shift, nothing else."""

import os

if os.environ.get("KIOSK_TIME_SHIFT_NS"):
    import sys

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from shift import start_shift  # type: ignore[import-not-found]

    start_shift(int(os.environ["KIOSK_TIME_SHIFT_NS"]))
