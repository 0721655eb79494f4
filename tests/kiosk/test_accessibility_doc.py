"""docs/accessibility.md names real tests: every `file::function` it cites exists under tests/."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_cited_test_exists() -> None:
    text = (ROOT / "docs" / "accessibility.md").read_text(encoding="utf-8")
    cited = re.findall(r"`([\w/]+\.py)::(test_\w+)`", text)
    assert len(cited) >= 25
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not (ROOT / "tests" / path).is_file()
        or f"def {name}(" not in (ROOT / "tests" / path).read_text(encoding="utf-8")
    ]
    assert not missing, missing
