"""The technician's flow: `kiosk sim rfid` in one process, tags placed from another, the
driver reading them through the printed socket:// URL."""

import json
import socket
import subprocess
import sys

import pytest

from device_drivers.rfid.feig_reader import FeigReader
from device_drivers.rfid.library_tags import LibraryTags

pytestmark = pytest.mark.timeout(60)


def kiosk(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_run_place_and_read() -> None:
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sim",
            "rfid",
            "--port",
            "0",
            "--control-port",
            "0",
            "--time-scale",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        urls = json.loads(sim.stdout.readline())
        placed = kiosk(
            "sim",
            "rfid",
            "place",
            "--control",
            urls["control_url"],
            "--item",
            "3010856677",
            "--part",
            "2",
            "--of",
            "2",
        )
        assert placed.returncode == 0, placed.stderr
        uid = json.loads(placed.stdout)["uid"]
        reader = FeigReader(urls["tcp_url"])
        [sighting] = reader.inventory()
        item = LibraryTags(reader).read(sighting).item
        reader.close()
        assert (sighting.uid, item.primary_item_id, item.part_number) == (uid, "3010856677", 2)
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    assert sim.returncode == 0


def test_port_in_use_is_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = kiosk("sim", "rfid", "--port", str(port), "--control-port", "0")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cannot start the RFID simulator" in result.stderr
