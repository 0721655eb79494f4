"""The JSON form of a ZVT message, for `kiosk payment decode|encode` and for logs.

    {"command": "status_information", "class_instr": "04 0F",
     "params": {}, "fields": [{"bmp": "04", "name": "amount", "value": 750}, …],
     "amount_cents": 750}

Numbers stay numbers (amount in cents, trace, receipt), text stays text, binary is hex, a TLV
container is a list of {"tag", "value"} (a constructed tag's value is again a list), BMP 60 is
an object. `message_from_json` reads the same form back (ValueError says what is wrong).
"""

from __future__ import annotations

from typing import Any

from device_drivers.payment import zvt_fields, zvt_messages
from device_drivers.payment.zvt_fields import BMPS, Bmp, SchemeTotal, SingleTotals
from device_drivers.payment.zvt_messages import Message
from device_drivers.payment.zvt_tlv import TlvObject, is_constructed

BYTES_KINDS = ("bytes", "ll_bytes", "lll_bytes")


def message_as_json(message: Message) -> dict[str, Any]:
    report: dict[str, Any] = {
        "command": message.name,
        "class_instr": f"{message.cls:02X} {message.instr:02X}",
        "params": {name: _value(value) for name, value in message.params},
        "fields": [
            {"bmp": f"{f.tag:02X}", "name": f.name, "value": _value(f.value)}
            for f in message.fields
        ],
    }
    amount = message.field("amount")
    if isinstance(amount, int):
        report["amount_cents"] = amount
    return report


def _value(value: object) -> Any:
    if isinstance(value, bytes):
        return value.hex().upper()
    if isinstance(value, SingleTotals):
        return {
            "receipt_from": value.receipt_from,
            "receipt_to": value.receipt_to,
            "schemes": [
                {"scheme": s.scheme, "count": s.count, "amount_cents": s.amount_cents}
                for s in value.schemes
            ],
        }
    if isinstance(value, tuple):
        return [{"tag": o.tag.hex().upper(), "value": _value(o.value)} for o in value]
    return value


def message_from_json(data: object) -> Message:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    name = data.get("command")
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise ValueError("'params' must be an object")
    if name in ("ack", "negative_ack"):
        code = int(str(data.get("class_instr", "80 00")).split()[-1], 16)
        return Message(str(name), 0x80 if name == "ack" else 0x84, code, (),
                       tuple(_fields(data.get("fields", []))))  # fmt: skip
    if name not in zvt_messages.SPECS_BY_NAME:
        raise ValueError(f"unknown command {name!r}")
    spec = zvt_messages.SPECS_BY_NAME[name]
    kinds = {p.name: p.kind for p in spec.params}
    unknown = set(params) - set(kinds)
    if unknown:
        raise ValueError(f"{name} has no parameter(s) {', '.join(sorted(unknown))}")
    parsed = {k: _from_json(kinds[k], v, k) for k, v in params.items()}
    return zvt_messages.message(name, *_fields(data.get("fields", [])), **parsed)


def _fields(fields: object) -> list[Bmp]:
    if not isinstance(fields, list):
        raise ValueError("'fields' must be a list")
    out = []
    for item in fields:
        if not isinstance(item, dict) or ("bmp" not in item and "name" not in item):
            raise ValueError("each field needs 'bmp' (hex tag) or 'name', and 'value'")
        spec = (
            BMPS.get(int(str(item["bmp"]), 16))
            if "bmp" in item
            else zvt_fields.BMPS_BY_NAME.get(str(item["name"]))
        )
        if spec is None:
            raise ValueError(f"unknown BMP {item.get('bmp', item.get('name'))}")
        out.append(Bmp(spec.tag, _from_json(spec.kind, item.get("value"), spec.name)))
    return out


def _from_json(kind: str, value: Any, name: str) -> Any:
    if kind in BYTES_KINDS:
        try:
            return bytes.fromhex(str(value))
        except ValueError:
            raise ValueError(f"{name}: expected hex") from None
    if kind == "tlv":
        return _tlv(value, name)
    if kind == "totals":
        try:
            return SingleTotals(
                int(value["receipt_from"]),
                int(value["receipt_to"]),
                tuple(SchemeTotal(s["scheme"], int(s["count"]), int(s["amount_cents"]))
                      for s in value["schemes"]),
            )  # fmt: skip
        except (KeyError, TypeError) as exc:
            raise ValueError(
                f"{name}: expected receipt_from, receipt_to, schemes ({exc})"
            ) from None
    return value


def _tlv(value: Any, name: str) -> tuple[TlvObject, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{name}: a TLV container is a list of {{tag, value}}")
    objects = []
    for item in value:
        try:
            tag = bytes.fromhex(item["tag"])
            inner = item["value"]
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"{name}: each TLV object needs a hex 'tag' and a 'value'") from None
        if not tag:
            raise ValueError(f"{name}: empty TLV tag")
        objects.append(TlvObject(tag, _tlv(inner, name) if is_constructed(tag)
                                 else _from_json("bytes", inner, name)))  # fmt: skip
    return tuple(objects)
