"""Golden receipts: the text and the ESC/POS bytes of each sample session, in Lithuanian and
English, at 58 and 80 mm, must not change unnoticed.

Regenerate after an intended change with ``KIOSK_REGEN_GOLDEN=1 pytest tests/device_drivers/
printers/test_golden.py`` and review the diff of golden/ before committing.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from device_drivers.printers.escpos_render import render_bytes
from device_drivers.printers.profiles import load_profile
from kiosk.core.receipts import as_text, layout
from kiosk.i18n import Catalogs

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
_spec = importlib.util.spec_from_file_location("printer_samples", HERE / "samples.py")
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)
REGENERATE = os.environ.get("KIOSK_REGEN_GOLDEN") == "1"
CATALOGS = Catalogs()
CASES = [
    (name, lang, width) for name in samples.SAMPLES for lang in ("lt", "en") for width in (58, 80)
]


def _check(path: Path, actual: bytes) -> None:
    if REGENERATE:
        path.write_bytes(actual)
    assert path.is_file(), f"{path.name} missing: run with KIOSK_REGEN_GOLDEN=1 and review it"
    assert actual == path.read_bytes(), f"{path.name} changed"


@pytest.mark.parametrize(("name", "lang", "width"), CASES)
def test_golden_text_and_escpos(name: str, lang: str, width: int) -> None:
    profile = load_profile("default", width)
    blocks = layout(samples.SAMPLES[name], CATALOGS.translator(lang), profile.columns)
    stem = GOLDEN / f"{name}-{lang}-{width}"
    text = as_text(blocks, profile.columns)
    _check(stem.with_suffix(".txt"), text.encode("utf-8"))
    _check(stem.with_suffix(".escpos"), render_bytes(blocks, profile))
    assert all(len(line) <= profile.columns for line in text.splitlines())
