"""Settings become adapters in one place: no module of the kiosk outside kiosk/wiring calls a
driver's or a backend client's constructor. The benchmarks that measure a driver against
their own in-process simulator (fixed arguments, no settings) are named below with why."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CONSTRUCTORS = {
    "FeigReader", "Sip2Client", "LibCalClient", "LockBank", "make_printer", "SmtpSender",
    "SmsGateway", "ZvtTerminal", "KohaRegistration", "FolioRegistration", "DeskRegistration",
    "start_mailer", "LockerNotifier", "NewBooksFeed", "HeadphoneJack", "CardScanner",
}  # fmt: skip

# module -> why it may construct a driver itself
MEASURING_THEIR_OWN_SIMULATOR = {
    "kiosk/bench/rfid.py": "times the FEIG driver against the RFID simulator it starts",
    "kiosk/bench/rooms_refresh.py": "times the LibCal client against its own simulator",
    "kiosk/bench/checkout.py": "times checkouts against the ILS simulator it starts",
    "kiosk/bench/replay.py": "times the replay against the ILS simulator it starts",
    "kiosk/bench/ils_sim.py": "times the ILS simulator with a client of its own",
    "kiosk/bench/receipt_print.py": "times the printer driver against its own simulator",
    "kiosk/demo/in_process.py": "drives the real core against its in-process ILS simulator",
}


def constructions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in CONSTRUCTORS:
                found.append(f"{name} (line {node.lineno})")
    return found


def test_only_the_wiring_builds_drivers_and_clients() -> None:
    offenders = {}
    for path in sorted((ROOT / "kiosk").rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        if module.startswith("kiosk/wiring/") or module in MEASURING_THEIR_OWN_SIMULATOR:
            continue
        if found := constructions(path):
            offenders[module] = found
    assert offenders == {}, f"build these through kiosk/wiring: {offenders}"


def test_the_scan_sees_a_construction() -> None:
    probe = ROOT / "kiosk" / "wiring" / "rfid.py"
    assert constructions(probe), "the scan must find FeigReader(...) in the reader factory"


def test_the_exceptions_still_exist() -> None:
    for module in MEASURING_THEIR_OWN_SIMULATOR:
        assert (ROOT / module).exists(), f"{module} is gone: drop it from the exceptions"
