"""The configuration loader: every problem is one line naming the file and the key."""

from pathlib import Path

import pytest

from kiosk.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_and_demo_configs_are_valid() -> None:
    for name in ("kiosk.example.toml", "demo.toml"):
        settings = load_settings(ROOT / "config" / name)
        assert settings.ils is not None


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, '[ils]\nhost = "h"\nport = 1\nprot = 2\n')
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert str(err.value) == f"{path}: ils.prot: unknown key"


def test_wrong_type_names_key_and_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, '[ils]\nhost = "h"\nport = "sixty"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ils.port: ")
    assert "integer" in message and "'sixty'" in message
    assert "\n" not in message


def test_bad_choice_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, '[ils]\nhost = "h"\nport = 1\nterminator = "LF"\n')
    with pytest.raises(ConfigError, match=r"ils\.terminator: .*'CR'.*'CRLF'"):
        load_settings(path)


def test_missing_required_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[ils]\nport = 1\n")
    with pytest.raises(ConfigError, match=r"ils\.host: required key is missing"):
        load_settings(path)


def test_password_value_never_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, '[ils]\nhost = "h"\nport = 1\npassword = 12345678\n')
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert "12345678" not in str(err.value)
    assert "ils.password" in str(err.value)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[ils\n"))
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "nope.toml")


def test_absent_hardware_tables_are_none(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[kiosk]\nid = "k2"\n'))
    assert settings.ils is None
    assert settings.kiosk.id == "k2"


def _documented_keys(text: str) -> dict[str, set[str]]:
    """Keys per table in the example file, commented-out ones included."""
    import re

    tables: dict[str, set[str]] = {}
    current = ""
    for line in text.splitlines():
        header = re.match(r"^\s*#?\s*\[+([A-Za-z0-9_.]+)\]+", line)
        if header:
            current = header.group(1)
            tables.setdefault(current, set())
            continue
        key = re.match(r"^\s*#?\s*([a-z_][a-z0-9_]*)\s*=", line)
        if key and current:
            tables[current].add(key.group(1))
    return tables


def test_example_documents_every_key_of_every_table() -> None:
    from pydantic import BaseModel

    from kiosk.settings import Settings

    documented = _documented_keys((ROOT / "config" / "kiosk.example.toml").read_text("utf-8"))
    for table, info in Settings.model_fields.items():
        assert table in documented, f"[{table}] is not in kiosk.example.toml"
        model = _model_of(info.annotation)
        if model is None or not issubclass(model, BaseModel):
            continue
        missing = set(model.model_fields) - documented[table]
        assert not missing, f"[{table}] keys not documented in kiosk.example.toml: {missing}"


def _model_of(annotation: object) -> type | None:
    import typing

    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type):
            return candidate
    return None
