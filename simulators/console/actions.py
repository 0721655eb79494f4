"""What the console can ask of each simulator: every control action by name, with its
parameters and their types, so a browser form (all strings) becomes a control API call.

The table mirrors the control APIs of simulators/{ils,rfid,lockers,printer,rooms,registration}; the
console never reaches into a simulator object, it only calls these actions over HTTP, so
whatever it does is scriptable with `kiosk sim X …` or ControlClient. Pure: no I/O.
The card payment terminal (simulators/payment/app.py) is in the table too, as "payment".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ParamType = Literal["int", "float", "bool", "str", "opt_bool"]


class FormError(ValueError):
    """A form value does not fit its parameter (the technician's input, shown back)."""


@dataclass(frozen=True)
class ActionSpec:
    label: str
    params: Mapping[str, ParamType] = field(default_factory=dict)


def _spec(label: str, **params: ParamType) -> ActionSpec:
    return ActionSpec(label, params)


ACTIONS: dict[str, dict[str, ActionSpec]] = {
    "rfid": {
        "place": _spec(
            "place a tag",
            item="str",
            hex="str",
            kind="str",
            library="str",
            part="int",
            of="int",
            model="str",
            uid="str",
            afi="int",
            eas="bool",
        ),
        "remove": _spec("remove tags", uid="str", item="str", all="bool"),
        "fault": _spec(
            "tag fault", uid="str", unreadable="opt_bool", write_fault="str", count="int"
        ),
        "unplug": _spec("unplug the reader"),
        "plug": _spec("plug the reader in"),
        "corrupt": _spec("corrupt replies", frames="int"),
    },
    "lockers": {
        "close_door": _spec("close", compartment="int"),
        "force_door": _spec("force open", compartment="int"),
        "put_item": _spec("put item", compartment="int", count="int"),
        "take_items": _spec("take items", compartment="int"),
        "jam": _spec("jam / unjam", compartment="int", jammed="bool"),
        "stick_sensor": _spec("stick a sensor", compartment="int", sensor="str", value="opt_bool"),
        "silence": _spec("unplug / plug a board", board="str", silent="bool"),
        "garble": _spec("garble replies", board="str", replies="int"),
        "clear_faults": _spec("clear every fault"),
        "reset": _spec("reset the bank"),
    },
    "printer": {
        "paper": _spec("paper", level="str"),
        "cover": _spec("cover", open="bool"),
        "offline": _spec("offline", offline="bool"),
        "error": _spec("error", error="bool"),
        "stall": _spec("stall after bytes", after_bytes="int"),
        "paper_out_after": _spec("paper out after lines", lines="int"),
        "clear": _spec("clear faults"),
        "last": _spec("the newest receipt as text"),
    },
    "ils": {
        "offline": _spec("go offline", mode="str"),
        "online": _spec("come back online"),
        "latency": _spec("latency", ms="int"),
        "drop": _spec("drop connection", when="str", count="int"),
        "swallow": _spec("swallow requests", when="str", count="int"),
        "garble": _spec("garble replies", count="int"),
        "bad_checksum": _spec("bad checksums", count="int"),
        "supported": _spec("switch messages off/on", off="str", on="str"),
        "clear": _spec("clear faults"),
        "reset": _spec("reload the library data"),
        "patron": _spec("look up a patron", barcode="str"),
        "item": _spec("look up an item", barcode="str"),
        "counters": _spec("transactions applied and protocol events"),
    },
    "rooms": {
        "slow": _spec("slow answers", delay_s="float"),
        "fail": _spec("fail calls", count="int", status="int"),
        "malformed": _spec("malformed answers", count="int"),
        "lose": _spec("lose answers", count="int"),
        "unreachable": _spec("unreachable", on="bool"),
        "expire_tokens": _spec("expire tokens"),
        "set_time": _spec("set the clock", at="str"),
        "reset_faults": _spec("clear faults"),
        "stats": _spec("requests answered, by endpoint"),
    },
    "registration": {
        "slow": _spec("slow answers", delay_s="float"),
        "fail": _spec("fail calls", count="int", status="int"),
        "malformed": _spec("malformed answers", count="int"),
        "lose": _spec("create, then lose the answer", count="int"),
        "duplicate": _spec("answer 409 duplicate", count="int"),
        "unreachable": _spec("unreachable", on="bool"),
        "expire_tokens": _spec("expire tokens"),
        "add_existing": _spec("add an older registration", email="str"),
        "forget_all": _spec("delete every record"),
        "reset_faults": _spec("clear faults"),
        "stats": _spec("requests answered, records created"),
    },
    "payment": {
        "fault": _spec("arm a fault", name="str", count="int"),
        "clear": _spec("approve everything (clear faults)"),
        "card": _spec("insert another card", brand="str", card_type="int", pan="str"),
        "nak": _spec("refuse serial frames (NAK)", frames="int"),
        "drop": _spec("hang up TCP connections"),
        "journal": _spec("the terminal's journal"),
        "totals": _spec("the open batch's totals"),
    },
}
TRUE = {"1", "true", "on", "yes"}
FALSE = {"0", "false", "off", "no"}


def _convert(name: str, kind: ParamType, text: str) -> Any:
    try:
        match kind:
            case "int":
                return int(text, 0)
            case "float":
                return float(text)
            case "bool" | "opt_bool" if text.lower() in TRUE | FALSE:
                return text.lower() in TRUE
            case "opt_bool" if text.lower() in {"free", "none"}:
                return None
            case "str":
                return text
    except ValueError:
        pass
    raise FormError(f"{name}: {text!r} is not a valid {kind.replace('opt_', '')}")


def params_from_form(device: str, action: str, form: Mapping[str, str]) -> dict[str, Any]:
    """The control parameters from a submitted form: empty fields are left out (the
    simulator's default applies); list parameters (ILS supported off/on) split on spaces."""
    spec = ACTIONS.get(device, {}).get(action)
    if spec is None:
        raise FormError(f"{device} has no action {action!r}")
    params: dict[str, Any] = {}
    for name, kind in spec.params.items():
        text = form.get(name, "").strip()
        if text == "":
            continue
        params[name] = _convert(name, kind, text)
    if device == "ils" and action == "supported":
        params = {k: str(v).split() for k, v in params.items()}
    return params
