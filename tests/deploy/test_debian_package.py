"""The Debian package: its systemd unit (Type=notify with a watchdog, StateDirectory=,
LogsDirectory=), udev rules and maintainer scripts as shipped; the commands docs/commissioning.md
and docs/technician-install.md quote exist. Slow, with KIOSK_TEST_DEB=1: scripts/build-deb
builds the .deb and it is installed into this machine with dpkg -i; `kiosk --version`,
`kiosk config check` and `kiosk doctor` run from it; an upgrade keeps the configuration and the
state directory; a rollback (installing the previous .deb) works; purge leaves the state."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
UNIT = (ROOT / "deploy" / "systemd" / "knygomatas.service").read_text(encoding="utf-8")
RULES = (ROOT / "deploy" / "udev" / "60-knygomatas.rules").read_text(encoding="utf-8")


def unit_keys() -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for line in UNIT.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            keys.setdefault(key, []).append(value)
    return keys


def test_the_unit_is_notify_with_a_watchdog_and_its_own_directories() -> None:
    keys = unit_keys()
    assert keys["Type"] == ["notify"] and keys["NotifyAccess"] == ["main"]
    assert int(keys["WatchdogSec"][0]) >= 10
    assert keys["StateDirectory"] == ["knygomatas"] and keys["LogsDirectory"] == ["knygomatas"]
    assert keys["ExecStart"] == ["/opt/knygomatas/venv/bin/kiosk run"]
    assert keys["User"] == ["kiosk"] and keys["Restart"] == ["always"]
    assert "dialout" in keys["SupplementaryGroups"][0] and "lp" in keys["SupplementaryGroups"][0]


def test_udev_rules_are_well_formed_and_cover_the_device_families() -> None:
    rules = [line for line in RULES.splitlines() if line and not line.startswith("#")]
    for rule in rules:
        for part in (p.strip() for p in rule.split(",")):
            assert re.fullmatch(r'[A-Z]+(\{\w+\})?(==|=|\+=)"[^"]*"', part), (rule, part)
    vendors = set(re.findall(r'idVendor\}=="([0-9a-f]{4})"', RULES))
    assert {"0ab1", "0403", "04b8"} <= vendors  # FEIG, FTDI (RS-485), Epson


def test_maintainer_scripts_and_the_build_script_parse() -> None:
    for script in ("postinst", "prerm", "postrm"):
        path = ROOT / "deploy" / "debian" / script
        assert os.access(path, os.X_OK), path
        subprocess.run(["sh", "-n", str(path)], check=True)
    build = ROOT / "scripts" / "build-deb"
    assert os.access(build, os.X_OK)
    subprocess.run(["bash", "-n", str(build)], check=True)
    postinst = (ROOT / "deploy" / "debian" / "postinst").read_text()
    assert "0640" in postinst and "root -g kiosk" in postinst


def quoted_commands(doc: str) -> set[tuple[str, ...]]:
    """`kiosk COMMAND ACTION` as the document quotes them: in inline code and sh blocks."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)
    inline = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.DOTALL))
    found = set()
    for code in (*blocks, *inline):
        for match in re.finditer(r"(?<![\w/.-])kiosk((?: [a-z][a-z0-9-]*){1,2})", code):
            found.add(tuple(match.group(1).split()))
    return found


@pytest.mark.parametrize("doc", ["commissioning.md", "technician-install.md"])
def test_the_commands_a_document_quotes_exist(doc: str) -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    quoted = quoted_commands(doc)
    assert quoted
    for words in quoted:
        command = commands.get(words[0])
        assert command is not None, f"{doc}: kiosk {' '.join(words)}"
        actions = [a for a in command._actions if a.choices and isinstance(a.choices, dict)]
        if actions and len(words) > 1 and not words[1].startswith("-"):
            assert words[1] in actions[0].choices, f"{doc}: kiosk {' '.join(words)}"


# --- the real package, installed into this machine ----------------------------------------

needs_deb = pytest.mark.skipif(
    os.environ.get("KIOSK_TEST_DEB") != "1",
    reason="builds the .deb and dpkg -i's it into this machine (minutes, root): "
    "set KIOSK_TEST_DEB=1 to run it",
)


def sh(*command: str, check: bool = True, **options) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, **options)
    assert not check or done.returncode == 0, (
        f"{command}: {done.stdout[-1500:]}{done.stderr[-1500:]}"
    )
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The package as built, and a copy relabelled one version higher (the next release)."""
    if os.geteuid() != 0 or shutil.which("dpkg-deb") is None:
        pytest.skip("needs root and dpkg")
    out = tmp_path_factory.mktemp("deb")
    deb = Path(sh(str(ROOT / "scripts" / "build-deb"), str(out), cwd=ROOT).stdout.strip())
    tree = out / "tree"
    sh("dpkg-deb", "-R", str(deb), str(tree))
    control = tree / "DEBIAN" / "control"
    version = re.search(r"^Version: (.+)$", control.read_text(), flags=re.MULTILINE).group(1)
    control.write_text(control.read_text().replace(f"Version: {version}", f"Version: {version}+1"))
    newer = out / "knygomatas_next.deb"
    sh("dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", str(tree), str(newer))
    shutil.rmtree(tree)
    yield deb, newer


@pytest.fixture(scope="module")
def machine() -> Iterator[None]:
    """Leave the machine as found: purge the package, and the user and state it made."""
    had_user = sh("getent", "passwd", "kiosk", check=False).returncode == 0
    had_state = Path("/var/lib/knygomatas").exists()
    sh("dpkg", "--purge", "knygomatas", check=False)
    yield
    sh("dpkg", "--purge", "knygomatas", check=False)
    if not had_state:
        shutil.rmtree("/var/lib/knygomatas", ignore_errors=True)
    if not had_user:
        sh("userdel", "kiosk", check=False)


def installed_version() -> str:
    return sh("dpkg-query", "-W", "-f=${Version}", "knygomatas").stdout


@needs_deb
@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_install_run_upgrade_rollback_and_purge(built, machine, tmp_path: Path) -> None:
    deb, newer = built
    sh("dpkg", "-i", str(deb))
    version = installed_version()
    kiosk = "/opt/knygomatas/venv/bin/kiosk"
    assert sh(kiosk, "--version").stdout.startswith("knygomatas ")
    assert os.path.realpath("/usr/bin/kiosk") == kiosk
    config = Path("/etc/knygomatas/kiosk.toml")
    stat = config.stat()
    assert oct(stat.st_mode & 0o777) == "0o640" and stat.st_uid == 0
    assert sh("stat", "-c", "%G", str(config)).stdout.strip() == "kiosk"
    assert sh(kiosk, "--config", str(config), "config", "check", cwd=tmp_path).returncode == 0
    assert sh(kiosk, "-c", "import flask", check=False).returncode != 0  # no sim extra
    assert sh("/opt/knygomatas/venv/bin/python", "-c", "import flask", check=False).returncode
    assert Path("/lib/systemd/system/knygomatas.service").read_text() == UNIT
    assert Path("/lib/udev/rules.d/60-knygomatas.rules").read_text() == RULES
    # kiosk doctor as the kiosk user, on a configuration with only its data directory
    own = Path("/etc/knygomatas/doctor-test.toml")  # where the kiosk user may read
    own.write_text('[kiosk]\nid = "deb-1"\ndata_dir = "/var/lib/knygomatas"\n')
    shutil.chown(own, "root", "kiosk")
    own.chmod(0o640)
    doctor = sh("runuser", "-u", "kiosk", "--", kiosk, "--config", str(own), "doctor", check=False)
    own.unlink()
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "/var/lib/knygomatas is writable" in doctor.stdout

    # the technician's configuration and the kiosk's state survive an upgrade (backed up first)
    config.write_text(config.read_text() + "\n# edited by the technician\n")
    (Path("/var/lib/knygomatas") / "store.sqlite").write_bytes(b"outbox")
    backup = tmp_path / "state.tar.gz"
    sh("tar", "-C", "/var/lib", "-czf", str(backup), "knygomatas")
    sh("dpkg", "-i", str(newer))
    assert installed_version() == f"{version}+1"
    assert config.read_text().endswith("# edited by the technician\n")
    assert oct(config.stat().st_mode & 0o777) == "0o640"
    assert (Path("/var/lib/knygomatas") / "store.sqlite").read_bytes() == b"outbox"
    # rollback: the previous .deb installs over the newer one
    downgrade = sh("dpkg", "-i", str(deb))
    assert installed_version() == version, downgrade.stderr
    assert sh(kiosk, "--version").returncode == 0
    # purge: the configuration goes, the state directory (and its backup) stay
    sh("dpkg", "--purge", "knygomatas")
    assert not config.exists() and not Path("/opt/knygomatas").exists()
    assert (Path("/var/lib/knygomatas") / "store.sqlite").exists()
    assert sh("tar", "-tzf", str(backup)).stdout.count("store.sqlite") == 1
