"""The simulated FEIG reader: replies at the byte level, the control API, the command line."""

import json
import os

import pytest

from device_drivers.rfid import feig_commands as fc
from device_drivers.rfid import feig_frames as ff
from kiosk.cli import main
from simulators.control import ControlClient, ControlError
from simulators.models.rfid_pad import PadModel, PadTimings
from simulators.rfid import tags
from simulators.rfid.app import RfidSimulator
from simulators.rfid.feig_sim import FeigResponder

pytestmark = pytest.mark.timeout(60)


def reply_to(responder: FeigResponder, command: fc.Command) -> ff.Frame:
    reply = responder.respond(fc.request(command, 0xFF))
    decoder = ff.FrameDecoder(replies=True)
    decoder.feed(reply.data)
    return decoder.next_frame()


def test_inventory_more_data_status() -> None:
    pad = PadModel(PadTimings(max_tags_per_round=1))
    pad.place(tags.item_tag("1"))
    pad.place(tags.item_tag("2"))
    responder = FeigResponder(pad)
    assert reply_to(responder, fc.Inventory()).status == ff.STATUS_MORE_DATA
    last = reply_to(responder, fc.Inventory(more=True))
    assert last.status == ff.STATUS_OK
    assert fc.parse_inventory(last).more is False


def test_no_transponder_and_unknown_command() -> None:
    responder = FeigResponder(PadModel())
    assert reply_to(responder, fc.Inventory()).status == ff.STATUS_NO_TRANSPONDER
    unknown = responder.respond(ff.Frame(0xFF, 0x42))
    assert unknown.data[3] == ff.STATUS_UNKNOWN_COMMAND


def test_eas_off_tag_is_silent_to_the_alarm_query() -> None:
    pad = PadModel()
    tag = tags.item_tag("1", eas=False)
    pad.place(tag)
    reply = reply_to(FeigResponder(pad), fc.Eas(bytes.fromhex(tag.uid), fc.EAS_ALARM))
    assert reply.status == ff.STATUS_NO_TRANSPONDER


def test_other_bus_address_gets_no_reply() -> None:
    assert FeigResponder(PadModel(), address=2).respond(ff.Frame(3, 0x65)) is None


def test_corrupted_reply_fails_its_crc() -> None:
    responder = FeigResponder(PadModel())
    responder.corrupt_replies(1)
    decoder = ff.FrameDecoder(replies=True)
    decoder.feed(responder.respond(ff.Frame(0xFF, 0x65)).data)
    with pytest.raises(ff.FrameCrcError):
        decoder.next_frame()


def test_control_api_and_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    sim = RfidSimulator(time_scale=0.0).start()
    try:
        control = sim.control.url
        assert (
            main(
                [
                    "sim",
                    "rfid",
                    "place",
                    "--control",
                    control,
                    "--item",
                    "B1",
                    "--part",
                    "1",
                    "--of",
                    "2",
                ]
            )
            == 0
        )
        uid = json.loads(capsys.readouterr().out)["uid"]
        assert main(["sim", "rfid", "place", "--control", control, "--kind", "3m"]) == 0
        capsys.readouterr()
        assert (
            main(
                [
                    "sim",
                    "rfid",
                    "place",
                    "--control",
                    control,
                    "--item",
                    "77",
                    "--model",
                    "iso28560-2",
                    "--afi",
                    "0",
                    "--no-eas",
                ]
            )
            == 0
        )
        other = sim.model.tag(json.loads(capsys.readouterr().out)["uid"])
        assert (other.afi, other.eas, other.dsfid) == (0, False, 0x06)
        assert main(["sim", "rfid", "remove", "--control", control, "--item", "77"]) == 0
        assert json.loads(capsys.readouterr().out) == {"removed": 1}
        assert (
            main(
                [
                    "sim",
                    "rfid",
                    "fault",
                    "--control",
                    control,
                    "--uid",
                    uid,
                    "--write-fault",
                    "silent",
                    "--count",
                    "1",
                ]
            )
            == 0
        )
        assert json.loads(capsys.readouterr().out)["write_fault"] == "silent"
        assert main(["sim", "rfid", "list", "--control", control]) == 0
        status = json.loads(capsys.readouterr().out)
        assert len(status["tags"]) == 2
        assert main(["sim", "rfid", "remove", "--control", control, "--item", "B1"]) == 0
        assert json.loads(capsys.readouterr().out) == {"removed": 1}
        assert main(["sim", "rfid", "remove", "--control", control, "--all"]) == 0
        capsys.readouterr()
        assert ControlClient(control).call("status")["tags"] == []
        with pytest.raises(ControlError):
            ControlClient(control).call("fault", uid="E004000000000000", unreadable=True)
    finally:
        sim.stop()


def test_unreachable_control_api_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sim", "rfid", "list", "--control", "http://127.0.0.1:1"]) == 3
    assert "not reachable" in capsys.readouterr().err


def test_pty_link_follows_unplug_and_plug(tmp_path) -> None:
    link = tmp_path / "ttyRFID"
    sim = RfidSimulator(pty_link=str(link), time_scale=0.0, control_port=None).start()
    try:
        assert os.path.exists(os.readlink(link))
        sim.unplug()
        sim.plug()
        assert os.path.exists(os.readlink(link))
        assert sim.status()["pty_path"] == str(link)
    finally:
        sim.stop()
    assert not link.exists()
