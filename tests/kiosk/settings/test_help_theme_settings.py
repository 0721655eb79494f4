"""[help] and [theme]: each help channel needs its recipients; a theme whose text pairs fall
under 4.5:1 is refused in one line naming the pair and the ratio (WCAG relative luminance)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.settings import ConfigError, load_settings
from kiosk.settings.theme import STANDARD, contrast_ratio, weakest_pair
from kiosk.ui.branding import base_colours, branded


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_wcag_ratios_match_the_known_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_standard_palette_passes_its_own_rule_and_matches_the_ui() -> None:
    assert weakest_pair({}) is None
    assert base_colours() == STANDARD  # kiosk/ui/theme.py's NORMAL and the settings agree


def test_a_second_library_brands_the_kiosk(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    settings = load_settings(write(tmp_path, (
        f'[theme]\nlogo = "{logo}"\nheader = "#5b1a6e"\nprimary = "#8a1538"\n'
        'primary_text = "#ffffff"\n'
    )))  # fmt: skip
    assert settings.theme.colours() == {
        "header": "#5b1a6e", "primary": "#8a1538", "primary_text": "#ffffff",
    }  # fmt: skip
    palette = branded(settings.theme.colours())
    assert palette.primary == pytest.approx((0x8A / 255, 0x15 / 255, 0x38 / 255, 1.0))


def test_no_theme_keeps_the_standard_look(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[kiosk]\nid = "k1"\n'))
    assert settings.theme.colours() == {} and settings.theme.logo == ""


@pytest.mark.parametrize(
    ("table", "pair"),
    [
        ('primary = "#f2a900"', "primary_text on primary has contrast 2.0"),
        ('text = "#999999"', "text on background has contrast 2.5"),
        ('header = "#ffffff"', "header_text on header has contrast 1.00:1"),
        ('background = "#1c2326"', "text on background has contrast 1.00:1"),
    ],
)
def test_a_theme_under_4_5_to_1_is_refused_naming_the_pair(
    tmp_path: Path, table: str, pair: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(write(tmp_path, f"[theme]\n{table}\n"))
    message = str(refused.value)
    assert pair in message and "needs at least 4.5:1" in message
    assert "\n" not in message.strip()


def test_bad_colour_codes_and_logos_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"theme\.primary"):
        load_settings(write(tmp_path, '[theme]\nprimary = "teal"\n'))
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(write(tmp_path, f'[theme]\nlogo = "{tmp_path / "none.png"}"\n'))
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    with pytest.raises(ConfigError, match=r"\.png or \.jpg"):
        load_settings(write(tmp_path, f'[theme]\nlogo = "{tmp_path / "logo.gif"}"\n'))


def test_help_channels_need_their_recipients(tmp_path: Path) -> None:
    cases = {
        'channels = ["email"]': "needs email_to",
        'channels = ["sms"]': "needs sms_to",
        'channels = ["webhook"]': "needs webhook_url",
        "channels = []": "channels",
        'channels = ["email"]\nemail_to = ["desk"]': "not an e-mail address",
        'channels = ["webhook"]\nwebhook_url = "ftp://x"': "webhook_url",
    }
    for table, words in cases.items():
        with pytest.raises(ConfigError, match=words):
            load_settings(write(tmp_path, f"[help]\n{table}\n"))


def test_a_help_table_that_works(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, (
        '[help]\nchannels = ["webhook", "email"]\nemail_to = ["desk@example.lt"]\n'
        'webhook_url = "http://127.0.0.1:9/hook"\nmin_interval_s = 60\n'
        'chat_qr_url = "https://biblioteka.example.lt/chat"\n'
    )))  # fmt: skip
    assert settings.help is not None
    assert settings.help.channels == ["webhook", "email"]
    assert settings.help.min_interval_s == 60


def test_the_high_contrast_palette_reaches_7_to_1_on_every_text_pair() -> None:
    """WCAG 1.4.6 (enhanced) for the patron's high-contrast switch, which is never branded."""
    from kiosk.settings.theme import TEXT_PAIRS
    from kiosk.ui.theme import HIGH_CONTRAST

    def code(rgba: tuple[float, ...]) -> str:
        return "#" + "".join(f"{round(c * 255):02x}" for c in rgba[:3])

    for fore, back in TEXT_PAIRS:
        ratio = contrast_ratio(
            code(getattr(HIGH_CONTRAST, fore)), code(getattr(HIGH_CONTRAST, back))
        )
        assert ratio >= 7.0, (fore, back, ratio)
