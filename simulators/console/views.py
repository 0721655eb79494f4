"""What each console panel shows, from a simulator's status answer (pure: JSON in, rows
out). A tag on the RFID pad is shown with the item id its memory holds and that item's title
in the ILS catalogue; a locker compartment with its door, items and faults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from device_drivers.rfid.tag_data import TagDataError, decode_tag


def tag_item(tag: Mapping[str, Any]) -> str | None:
    try:
        data = decode_tag(bytes.fromhex(str(tag["memory"])), dsfid=int(tag["dsfid"]))
    except (TagDataError, ValueError, KeyError):
        return None
    return data.primary_item_id


def rfid_tags(status: Mapping[str, Any], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = []
    for tag in status.get("tags", []):
        item = tag_item(tag)
        rows.append(
            {
                "uid": tag["uid"],
                "item": item or "—",
                "title": titles.get(item or "", "(not in the catalogue)" if item else "(no data)"),
                "unreadable": bool(tag.get("unreadable")),
                "secured": tag.get("afi") not in (None, 0xC2),
            }
        )
    return rows


def locker_rows(status: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for number, comp in status.get("compartments", {}).items():
        faults = (["jammed"] if comp.get("jammed") else []) + [
            f"{sensor} stuck at {int(value)}" for sensor, value in comp.get("stuck", {}).items()
        ]
        rows.append(
            {
                "number": int(number),
                "board": comp["board"],
                "door": comp["door"],
                "held": comp["items"],
                "jammed": bool(comp.get("jammed")),
                "faults": ", ".join(faults),
            }
        )
    return sorted(rows, key=lambda r: r["number"])


def board_rows(status: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "family": board["family"],
            "answering": not board.get("silent"),
            "garble": board.get("garble", 0),
            "requests": board.get("requests", 0),
        }
        for name, board in status.get("boards", {}).items()
    ]


def titles_of(catalogue: Iterable[Mapping[str, str]]) -> dict[str, str]:
    return {item["barcode"]: item["title"] for item in catalogue}


def flat_faults(faults: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The faults that are on (non-zero, non-empty), for the ILS and booking panels; the HTTP
    status of failing calls only while calls are set to fail."""
    return [
        (k, v)
        for k, v in faults.items()
        if v not in (0, "", None, False, 0.0)
        and not (k == "fail_status" and not faults.get("fail_next"))
    ]
