"""The systemd watchdog: READY=1 and WATCHDOG=1 datagrams on a real AF_UNIX socket (a path and
Linux's abstract namespace), pings only while the event loop turns, nothing outside systemd;
and `kiosk run` (the touch app on a virtual display) pings the socket systemd names."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.telemetry.sd_notify import SystemdNotifier

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, str]]:
    folder = tempfile.mkdtemp(prefix="sdn-", dir="/tmp")  # AF_UNIX paths are short
    path = os.path.join(folder, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(30)
    yield sock, path
    sock.close()
    os.unlink(path)
    os.rmdir(folder)


def test_outside_systemd_there_is_no_notifier() -> None:
    assert SystemdNotifier.from_environment({}) is None


def test_the_watchdog_period_is_for_this_process_only() -> None:
    mine = {
        "NOTIFY_SOCKET": "/run/x",
        "WATCHDOG_USEC": "30000000",
        "WATCHDOG_PID": str(os.getpid()),
    }
    assert SystemdNotifier.from_environment(mine).watchdog_s == 30.0
    other = mine | {"WATCHDOG_PID": "1"}
    assert SystemdNotifier.from_environment(other).watchdog_s is None
    assert SystemdNotifier.from_environment({"NOTIFY_SOCKET": "/run/x"}).watchdog_s is None


def messages(sock: socket.socket, count: int) -> list[str]:
    return [sock.recv(256).decode() for _ in range(count)]


def test_ready_pings_and_stopping_on_a_real_socket(listener) -> None:
    sock, path = listener
    notifier = SystemdNotifier(path, watchdog_s=0.02)

    async def main() -> None:
        task = asyncio.create_task(notifier.keep_alive())
        got = await asyncio.to_thread(messages, sock, 3)
        assert got == ["READY=1", "WATCHDOG=1", "WATCHDOG=1"]
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(main())
    sock.settimeout(5)
    rest = []
    while (message := sock.recv(256).decode()) != "STOPPING=1":
        rest.append(message)
    assert set(rest) <= {"WATCHDOG=1"}


def test_a_frozen_loop_sends_no_ping(listener) -> None:
    sock, path = listener
    notifier = SystemdNotifier(path, watchdog_s=0.02)

    async def main() -> None:
        task = asyncio.create_task(notifier.keep_alive())
        assert await asyncio.to_thread(messages, sock, 2) == ["READY=1", "WATCHDOG=1"]
        sock.setblocking(False)
        while True:  # drain what came meanwhile
            try:
                sock.recv(256)
            except BlockingIOError:
                break
        time.sleep(0.3)  # the loop is frozen: fifteen periods without a turn
        with pytest.raises(BlockingIOError):
            sock.recv(256)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(main())


def test_abstract_namespace_socket() -> None:
    name = f"@knygomatas-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name[1:])
    sock.settimeout(10)
    try:
        assert SystemdNotifier(name).notify("READY=1")
        assert sock.recv(64) == b"READY=1"
    finally:
        sock.close()


def test_a_missing_socket_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    notifier = SystemdNotifier("/nonexistent/notify")
    assert notifier.notify("WATCHDOG=1") is False
    assert notifier.notify("WATCHDOG=1") is False
    assert len([r for r in caplog.records if "notify socket" in r.getMessage()]) == 1


def test_a_listener_that_stops_reading_never_blocks_the_sender(listener) -> None:
    _, path = listener  # nobody reads: the socket's buffer fills
    notifier = SystemdNotifier(path)
    results = [notifier.notify("WATCHDOG=1") for _ in range(5000)]
    assert results[0] is True and results[-1] is False  # full: refused at once, not waited for


@pytest.mark.timeout(120)
def test_kiosk_run_pings_the_watchdog_from_its_loop(listener, tmp_path: Path) -> None:
    sock, path = listener
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\nid = "wd-1"\ndata_dir = "{tmp_path}"\n[log]\nlevel = "error"\n')
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env |= {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"}
    command = [sys.executable, "-m", "kiosk", "--config", str(config), "run", "--demo-session",
               "--virtual-display", "--exit-after", "12"]  # fmt: skip
    errors = tmp_path / "stderr.txt"  # a file: a pipe nobody reads would block the child
    child = subprocess.Popen(command, cwd=ROOT, env=env, stderr=errors.open("w"), text=True)
    sock.settimeout(1)
    try:
        got: list[str] = []
        deadline = time.monotonic() + 90
        while got.count("WATCHDOG=1") < 2:  # Xvfb, a child, announces itself too
            assert child.poll() is None, f"kiosk run ended: {errors.read_text()[-2000:]}"
            assert time.monotonic() < deadline, f"no pings, only {got}"
            try:
                got += messages(sock, 1)
            except TimeoutError:
                continue
        assert "READY=1" in got[: got.index("WATCHDOG=1")]
        assert child.wait(90) == 0, errors.read_text()[-2000:]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
