"""The feed simulator: its routes and conditional answers, its control API over HTTP, `kiosk
sim feed` on the command line, the fleet starting it for a config whose feed is on loopback,
and the in-process fake agreeing with it (one model, one renderer, the real parser)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
import requests

from backend_sync.feeds.client import NewBooksFeed
from backend_sync.feeds.errors import FeedRefused, FeedUnavailable
from kiosk.cli import main as kiosk_main
from kiosk.settings import load_settings
from simulators.control import ControlClient, ControlError, ControlServer
from simulators.feeds import cli
from simulators.feeds.fake import FakeNewBooksFeed
from simulators.feeds.model import demo_books, demo_model
from simulators.feeds.server import FeedSimulator
from simulators.fleet import CONTROL_PORTS, Fleet, FleetOptions

pytestmark = pytest.mark.timeout(60)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def sim() -> Iterator[FeedSimulator]:
    simulator = FeedSimulator(demo_model()).start()
    yield simulator
    simulator.stop()


def test_demo_list_is_the_ils_simulators_books_after_the_quoting_ones() -> None:
    books = demo_books()
    assert [b.title for b in books[:4]] == [
        "Kelionė į „Dievų mišką“: Balio Sruogos kūryba /",
        "Ką pasakoja „Baltaragio malūnas“ /",
        "„Anykščių šilelis“ šiandien: skaitymai ir komentarai /",
        "Metai /",
    ]
    assert len({b.title for b in books}) == len(books)
    assert len({b.biblionumber for b in books}) == len(books)


def test_routes_count_and_the_web_page(sim: FeedSimulator) -> None:
    short = requests.get(f"{sim.rss_url}&count=2", timeout=5)
    assert short.headers["Content-Type"].startswith("application/rss+xml")
    assert short.text.count("<item>") == 2
    assert requests.get(sim.urls()["list_rss"], timeout=5).text.count("<item>") == 20
    page = requests.get(f"{sim.url}/cgi-bin/koha/opac-search.pl?q=x", timeout=5)
    assert page.text.startswith("<!DOCTYPE html>")
    assert requests.get(f"{sim.url}/nowhere", timeout=5).status_code == 404


def test_conditional_answers(sim: FeedSimulator) -> None:
    first = requests.get(sim.rss_url, timeout=5)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert requests.get(sim.rss_url, headers={"If-None-Match": etag}, timeout=5).status_code == 304
    assert requests.get(sim.rss_url, headers={"If-None-Match": "*"}, timeout=5).status_code == 304
    since = {"If-Modified-Since": modified}
    assert requests.get(sim.rss_url, headers=since, timeout=5).status_code == 304
    old = {"If-Modified-Since": formatdate(0, usegmt=True)}
    assert requests.get(sim.rss_url, headers=old, timeout=5).status_code == 200
    sim.model.add("Nauja")
    assert requests.get(sim.rss_url, headers={"If-None-Match": etag}, timeout=5).status_code == 200
    assert requests.get(sim.urls()["json"], timeout=5).headers["ETag"] != etag


def test_control_api_over_http(sim: FeedSimulator) -> None:
    server = ControlServer(sim.actions()).start()
    try:
        control = ControlClient(server.url)
        assert control.call("status")["urls"]["rss"] == sim.rss_url
        added = control.call("add_book", title="Vilko valanda /", author="Andrius Tapinas")
        assert control.call("status")["newest"][0] == added
        for action, params, says in [
            ("fail", {"status": 200}, "400-599"),
            ("garbage", {"kind": "poetry"}, "bytes, html, truncated"),
            ("remove_book", {"biblionumber": 1}, "no book"),
            ("slow", {"delay_s": -1}, "negative"),
        ]:
            with pytest.raises(ControlError, match=says):
                control.call(action, **params)
        control.call("fail", count=-1)
        control.call("reset_faults")
        assert requests.get(sim.rss_url, timeout=5).status_code == 200
        assert control.call("stats") == {"ok": 1}
    finally:
        server.stop()


def test_the_fake_agrees_with_the_simulator(sim: FeedSimulator) -> None:
    fake = FakeNewBooksFeed(sim.model, max_books=30)
    assert fake.fetch() == NewBooksFeed(sim.rss_url, max_books=30).fetch()
    assert fake.fetch() is None
    sim.model.set_faults(fail_left=1, fail_status=404)
    with pytest.raises(FeedRefused):
        fake.fetch()
    sim.model.set_faults(delay_s=20.0)
    with pytest.raises(FeedUnavailable):
        fake.fetch()


def test_kiosk_sim_feed_serves_and_takes_actions(capsys: pytest.CaptureFixture[str]) -> None:
    command = [sys.executable, "-m", "kiosk", "sim", "feed", "--port", "0", "--control-port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert server.stdout is not None
        where = json.loads(server.stdout.readline())
        capsys.readouterr()
        action = ["sim", "feed", "add-book", "--control", where["control"], "--title", "Žalias /"]
        assert kiosk_main(action) == 0  # the action side in-process: one interpreter less
        assert json.loads(capsys.readouterr().out)["title"] == "Žalias /"
        books = NewBooksFeed(where["json"]).fetch()
        assert books and books[0].title == "Žalias"
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0


def test_kiosk_sim_feed_action_against_nothing_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert kiosk_main(["sim", "feed", "stats", "--control", "http://127.0.0.1:9"]) == 3
    error = capsys.readouterr().err
    assert "not reachable" in error and error.count("\n") == 1


def test_the_fleet_starts_the_feed_when_the_config_points_at_loopback(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    url = "http://127.0.0.1:8097/cgi-bin/koha/opac-search.pl?q=acqdate&format=rss"
    config.write_text(f'[ui]\nnew_books_source = "feed"\nnew_books_feed_url = "{url}"\n')
    with Fleet(load_settings(config), FleetOptions(any_ports=True, out_dir=tmp_path)) as fleet:
        assert set(fleet.running) == {"feed"}
        pointed = fleet.kiosk_settings().ui.new_books_feed_url
        assert pointed.endswith("/cgi-bin/koha/opac-search.pl?q=acqdate&format=rss")
        assert pointed != url
        assert NewBooksFeed(pointed).fetch()
        assert ControlClient(fleet.controls()["feed"]).call("stats") == {"ok": 1}


def test_a_real_opacs_feed_is_left_alone(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    url = "https://opac.example.lt/cgi-bin/koha/opac-shelves.pl?rss=1&viewshelf=3"
    config.write_text(f'[ui]\nnew_books_source = "feed"\nnew_books_feed_url = "{url}"\n')
    with Fleet(load_settings(config), FleetOptions(any_ports=True, out_dir=tmp_path)) as fleet:
        assert fleet.running == {}
        assert fleet.kiosk_settings().ui.new_books_feed_url == url


def test_the_fleets_control_port_is_the_commands_default() -> None:
    assert CONTROL_PORTS["feed"] == cli.DEFAULT_CONTROL_PORT
