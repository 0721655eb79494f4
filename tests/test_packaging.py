"""The package as a technician installs it: the declared licence has its text in LICENSE,
CHANGELOG.md exists, the simulators' servers (flask, aiosmtpd) are only in the `sim` extra
(which dev and scripts/install bring), and without them every production command still works
while `kiosk demo` says what to install."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SIM_ONLY = ("flask", "aiosmtpd")


def names(requirements: list[str]) -> set[str]:
    return {r.split(">")[0].split("=")[0].split("<")[0].split("[")[0].strip() for r in requirements}


def test_the_licence_text_matches_the_declared_licence() -> None:
    assert PROJECT["license"]["text"] == "AGPL-3.0-or-later"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")
    assert "or (at your option) any later version" in text
    assert any("AGPLv3+" in c for c in PROJECT["classifiers"])


def test_changelog_names_the_current_version_or_unreleased() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## Unreleased" in text or f"## {PROJECT['version']}" in text


def test_simulator_servers_are_an_extra() -> None:
    assert not names(PROJECT["dependencies"]) & set(SIM_ONLY)
    extras = PROJECT["optional-dependencies"]
    assert names(extras["sim"]) >= set(SIM_ONLY)
    assert "knygomatas[sim]" in extras["dev"]
    install = (ROOT / "scripts" / "install").read_text(encoding="utf-8")
    assert 'extras="[sim]"' in install and 'extras="[dev]"' in install


def kiosk_without_sim(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys\n"
        + "".join(f"sys.modules[{name!r}] = None\n" for name in SIM_ONLY)
        + "from kiosk.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *argv], cwd=tmp_path, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_production_commands_work_without_the_sim_extra(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\nid = "k-1"\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    version = kiosk_without_sim(tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("knygomatas ")
    assert kiosk_without_sim(tmp_path, "--help").returncode == 0
    check = kiosk_without_sim(tmp_path, "--config", str(config), "config", "check")
    assert check.returncode == 0, check.stderr
    doctor = kiosk_without_sim(tmp_path, "--config", str(config), "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    demo = kiosk_without_sim(tmp_path, "demo")
    assert demo.returncode == 2
    assert "knygomatas[sim]" in demo.stderr and "Traceback" not in demo.stderr
