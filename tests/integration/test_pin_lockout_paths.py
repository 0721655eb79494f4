"""One PIN lockout for every way in (issue 20, brute force): wrong PINs typed on the touch
screen (the real circulation service from the wiring) and through `kiosk ils … --pin` count
in the same persisted lockout under [kiosk] data_dir, whichever comes first, against the ILS
simulator on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.circulation.service import CirculationService
from kiosk.settings import load_settings
from kiosk.wiring.core_parts import build_circulation, build_local_store
from kiosk.wiring.library import library_from
from simulators.ils.simulator import IlsSimulator

CARD, PIN, WRONG = "2100000001", "1234", "9999"
pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Path]:
    with IlsSimulator(encoding="utf-8") as sim:
        path = tmp_path / "kiosk.toml"
        path.write_text(f"""[kiosk]
data_dir = "{tmp_path / 'data'}"

[ils]
host = "127.0.0.1"
port = {sim.port}
username = "kiosk1"
password = "demo"
institution = "AVB"
location = "ABONEMENTAS"
encoding = "utf-8"
timeout_s = 10.0
keepalive_s = 0

[circulation]
pin_required = true
pin_max_tries = 3
lockout_minutes = 15
""", encoding="utf-8")  # fmt: skip
        path.chmod(0o600)  # it holds the ILS password
        yield path


def cli(config: Path, card: str, pin: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--config", str(config), "ils", "patron", card, "--pin", pin])
    return code, capsys.readouterr().err


async def at_the_screen(config: Path, pins: list[str]) -> list[str]:
    """The patron's card, then each PIN in turn, on the real service: the notice after each."""
    settings = load_settings(config)
    _, outbox, stats = build_local_store(settings)
    library = library_from(settings)
    service: CirculationService = build_circulation(
        settings, outbox=outbox, library=library, stats=stats
    )
    notices = []
    try:
        for pin in pins:
            await service.present_card(CARD)
            await service.enter_pin(pin)
            await service.settle()
            notice = service.view.notice
            notices.append(notice.key if notice else str(service.state))
            await service.cancel()
    finally:
        await library.close()
    return notices


def test_wrong_pins_on_the_command_line_lock_the_screen(config: Path, capsys) -> None:
    for _ in range(3):
        assert cli(config, CARD, WRONG, capsys)[0] == 1
    code, err = cli(config, CARD, PIN, capsys)  # the right PIN, too late
    assert code == 1 and "locked after 3 wrong PINs" in err
    [notice] = asyncio.run(at_the_screen(config, [PIN]))
    assert notice == "patron.locked_out"


def test_wrong_pins_at_the_screen_lock_the_command_line(config: Path, capsys) -> None:
    notices = asyncio.run(at_the_screen(config, [WRONG, WRONG, WRONG]))
    assert notices == ["patron.wrong_pin", "patron.wrong_pin", "patron.locked_out"]
    code, err = cli(config, CARD, PIN, capsys)
    assert code == 1 and "locked after 3 wrong PINs" in err
    assert cli(config, "2100000002", "2345", capsys)[0] == 0  # another card is not touched


def test_a_right_pin_clears_the_count_for_both(config: Path, capsys) -> None:
    assert cli(config, CARD, WRONG, capsys)[0] == 1
    assert cli(config, CARD, WRONG, capsys)[0] == 1
    notices = asyncio.run(at_the_screen(config, [PIN]))  # right: the count starts again
    assert notices != ["patron.locked_out"]
    assert cli(config, CARD, WRONG, capsys)[0] == 1
    assert cli(config, CARD, PIN, capsys)[0] == 0
