"""Card scans: terminators, partial and garbage scans, the keyboard wedge, a serial scanner
on a pseudo-terminal."""

import queue

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.scanners.card_scan import CardRule, CardScanned, ScanAssembler, ScanRejected
from device_drivers.scanners.keyboard_wedge import KeyboardWedge
from device_drivers.scanners.serial_scanner import SerialScanner
from simulators.pty_link import PtyLink

pytestmark = pytest.mark.timeout(30)


def test_complete_scan() -> None:
    scans = ScanAssembler(CardRule(r"^[0-9]{8}$"))
    assert scans.feed("12345678\r", now=0.0) == [CardScanned("12345678")]


def test_crlf_terminator_and_several_scans_in_one_read() -> None:
    scans = ScanAssembler(terminator="CRLF")
    assert scans.feed("11112222\r\n33334444\r\n", 0.0) == [
        CardScanned("11112222"),
        CardScanned("33334444"),
    ]


def test_partial_scan_is_reported_after_the_timeout() -> None:
    scans = ScanAssembler(timeout_s=0.5)
    assert scans.feed("1234", 0.0) == []
    assert scans.poll(0.4) == []
    [rejected] = scans.poll(0.6)
    assert isinstance(rejected, ScanRejected) and "incomplete" in rejected.reason


def test_a_long_pause_splits_scans() -> None:
    scans = ScanAssembler(max_key_gap_s=0.08)
    scans.feed("1234", 0.0)
    results = scans.feed("12345678\r", 5.0)
    assert isinstance(results[0], ScanRejected)
    assert results[1] == CardScanned("12345678")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("\r", "nothing"), ("12\x0134567\r", "garbled"), ("ABCDEFGH\r", "not a library card")],
)
def test_rejections_say_why(raw: str, reason: str) -> None:
    [result] = ScanAssembler().feed(raw, 0.0)
    assert isinstance(result, ScanRejected) and reason in result.reason


def test_rejections_and_reprs_never_show_the_full_number() -> None:
    [rejected] = ScanAssembler(CardRule(r"^X\d+$")).feed("123456789012\r", 0.0)
    assert "123456789012" not in rejected.shown
    assert "123456789012" not in repr(CardScanned("123456789012"))


def test_keyboard_wedge_key_events() -> None:
    wedge = KeyboardWedge(ScanAssembler())
    results = []
    for key in ["shift", *"20001234", "enter"]:
        results += wedge.key(key, 0.0)
    assert results == [CardScanned("20001234")]


@given(st.text(max_size=40), st.floats(0, 10))
def test_any_input_gives_only_typed_results(text: str, now: float) -> None:
    scans = ScanAssembler()
    for result in scans.feed(text, now) + scans.poll(now + 1):
        assert isinstance(result, CardScanned | ScanRejected)


def test_serial_scanner_on_a_pty() -> None:
    link = PtyLink()
    results: queue.Queue = queue.Queue()
    scanner = SerialScanner(link.slave_path, ScanAssembler(timeout_s=0.2), results.put)
    scanner.start()
    try:
        assert scanner.connected.wait(5)
        link.write(b"20001234\r")
        assert results.get(timeout=5) == CardScanned("20001234")
        link.write(b"2000")  # cut off: no terminator ever comes
        partial = results.get(timeout=5)
        assert isinstance(partial, ScanRejected) and "incomplete" in partial.reason
    finally:
        scanner.stop()
        link.close()


def test_scanner_settings(tmp_path) -> None:
    from kiosk.settings import ConfigError, load_settings

    path = tmp_path / "k.toml"
    path.write_text('[scanner]\nkind = "serial"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="needs url"):
        load_settings(path)
    path.write_text('[scanner]\ncard_pattern = "([0-9"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"scanner\.card_pattern: .*regular expression"):
        load_settings(path)
    path.write_text('[scanner]\nkind = "serial"\nurl = "loop://"\n', encoding="utf-8")
    assert load_settings(path).scanner.terminator == "CR"
