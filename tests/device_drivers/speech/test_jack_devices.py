"""Finding the jack in /proc/bus/input/devices (pure): the samples below are written in the
kernel's format (I:/N:/P:/S:/U:/H:/B: lines, blank line between devices, bitmaps as hex longs,
most significant first) for the machines a kiosk runs on. They are composed, not captured."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from device_drivers.speech.jack_events import (
    InputDevice,
    JackNode,
    find_jacks,
    parse_input_devices,
    proc_bitmap,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "input_devices"


def sample(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


LAPTOP = sample("laptop_hda.txt")  # Lid, keyboard, Mic, Headphone, HDMI/DP (SW_VIDEOOUT)
# A desktop: the rear line out (speakers, always in) comes first in the file, the front
# headphone socket second; the headphones are what a patron plugs.
DESKTOP = sample("desktop_hda.txt")
# A Raspberry Pi 4: the 3.5 mm socket ("bcm2835 Headphones" in `aplay -l`) has no detection
# switch, so no input device exists for it; only HDMI-CEC and a USB touch panel appear.
RASPBERRY_PI = sample("raspberry_pi4.txt")
# An ARM board with an ASoC headset jack: headphones and microphone on one node, with keys.
ARM_HEADSET = sample("arm_es8316_headset.txt")


def test_laptop_headphone_is_found_mic_and_hdmi_are_not() -> None:
    assert find_jacks(LAPTOP) == [
        JackNode("HDA Intel PCH Headphone", "/dev/input/event13", headphones=True)
    ]


def test_desktop_headphones_come_before_the_rear_line_out() -> None:
    assert [(jack.name, jack.path) for jack in find_jacks(DESKTOP)] == [
        ("HDA Intel PCH Front Headphone", "/dev/input/event8"),
        ("HDA Intel PCH Line Out", "/dev/input/event6"),
    ]


def test_raspberry_pi_has_no_jack_detection() -> None:
    assert len(parse_input_devices(RASPBERRY_PI)) == 2
    assert find_jacks(RASPBERRY_PI) == []


def test_asoc_headset_node_with_keys() -> None:
    assert find_jacks(ARM_HEADSET) == [
        JackNode("rockchip-es8316 Headset", "/dev/input/event2", headphones=True)
    ]


def test_device_blocks_are_parsed_with_handlers_and_bitmaps() -> None:
    devices = parse_input_devices(LAPTOP)
    assert [device.name for device in devices] == [
        "Lid Switch",
        "AT Translated Set 2 keyboard",
        "HDA Intel PCH Mic",
        "HDA Intel PCH Headphone",
        "HDA Intel PCH HDMI/DP,pcm=3",
    ]
    keyboard = devices[1]
    assert keyboard.handlers == ("sysrq", "kbd", "leds", "event3")
    assert keyboard.event_node == "/dev/input/event3" and keyboard.events == 0x120013
    assert devices[4].switches == 0x140


def test_multi_word_bitmaps_put_the_last_word_lowest() -> None:
    assert proc_bitmap("1 0") == 1 << 64
    assert proc_bitmap("402000000 3803078f800d001", long_bits=64) == (
        0x402000000 << 64 | 0x3803078F800D001
    )
    assert proc_bitmap("1 0", long_bits=32) == 1 << 32


def test_damaged_lines_are_skipped_and_blocks_still_split() -> None:
    text = (
        'N: Name="odd"\nB: SW=zz\nH: Handlers=event4\n\nI: Bus=0000\nB: SW=4\nH: Handlers=event5\n'
    )
    devices = parse_input_devices(text)
    assert devices == [
        InputDevice(name="odd", handlers=("event4",)),
        InputDevice(name="", handlers=("event5",), switches=4),
    ]
    assert [jack.path for jack in find_jacks(text)] == ["/dev/input/event5"]


def test_a_node_without_an_event_handler_is_not_a_jack() -> None:
    assert find_jacks('N: Name="Headphone"\nH: Handlers=kbd\nB: SW=4\n') == []


@given(st.text(max_size=600))
def test_any_text_parses_without_raising(text: str) -> None:
    for jack in find_jacks(text):
        assert jack.path.startswith("/dev/input/event")


@given(
    st.lists(
        st.sampled_from(
            [
                "I: Bus=0000",
                'N: Name="x"',
                "H: Handlers=event1",
                "B: SW=4",
                "B: SW=",
                "B: EV=21 zz",
                "",
                "S: Sysfs=/x",
            ]
        ),
        max_size=30,
    )
)
def test_any_arrangement_of_lines_parses(lines: list[str]) -> None:
    devices = parse_input_devices("\n".join(lines))
    assert all(isinstance(device, InputDevice) for device in devices)
