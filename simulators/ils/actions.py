"""The ILS simulator's control API actions (served by simulators/control.py on loopback).

Faults: latency, drop (before/after), swallow, garble, bad_checksum, offline, online, clear.
State: status, counters, patron (loans, holds, fines of one card), item, reset, supported.
Every action takes a dict of JSON parameters and returns JSON-able data; a bad parameter
raises ValueError/KeyError, which the control server answers with 400 and the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.control import Action
from simulators.ils.formats import money

if TYPE_CHECKING:
    from simulators.ils.simulator import IlsSimulator

_DROP = {"before": "drop_before", "after": "drop_after"}
_SWALLOW = {"before": "swallow", "after": "swallow_after"}


def _count(params: dict[str, Any]) -> int:
    count = params.get("count", 1)
    if not isinstance(count, int) or count < 0:
        raise ValueError("count must be a whole number, 0 meaning until cleared")
    return count


def control_actions(sim: IlsSimulator) -> dict[str, Action]:
    faults = sim.faults

    def status(_: dict[str, Any]) -> dict[str, Any]:
        library = sim.library
        return {
            "simulator": "ils",
            "host": sim.host,
            "port": sim.port,
            "dialect": sim.options.dialect.name,
            "encoding": sim.options.wire_encoding,
            "terminator": "CRLF" if sim.options.wire_terminator == b"\r\n" else "CR",
            "supported": sorted(sim.options.supported),
            "faults": faults.snapshot(),
            "patrons": len(library.patrons()),
            "items": len(library.items()),
        }

    def counters(_: dict[str, Any]) -> dict[str, Any]:
        with sim.library.lock:
            applied = [
                {"kind": kind, "key": key, "count": n}
                for (kind, key), n in sorted(sim.library.applied.items())
            ]
        return {"applied": applied, "events": sim.events}

    def latency(params: dict[str, Any]) -> dict[str, Any]:
        faults.set_latency(int(params["ms"]))
        return faults.snapshot()

    def when(variants: dict[str, str], default: str) -> Action:
        def arm(params: dict[str, Any]) -> dict[str, Any]:
            moment = params.get("when", default)
            if moment not in variants:
                raise ValueError("when must be 'before' or 'after'")
            faults.arm(variants[moment], _count(params))  # type: ignore[arg-type]
            return faults.snapshot()

        return arm

    def countdown(name: str) -> Action:
        def arm(params: dict[str, Any]) -> dict[str, Any]:
            faults.arm(name, _count(params))  # type: ignore[arg-type]
            return faults.snapshot()

        return arm

    def resend(params: dict[str, Any]) -> dict[str, Any]:
        command = params.get("command")
        faults.arm("resend", _count(params), str(command) if command else None)
        return faults.snapshot()

    def offline(params: dict[str, Any]) -> dict[str, Any]:
        mode = params.get("mode", "refuse")
        if mode not in ("refuse", "status"):
            raise ValueError("mode must be 'refuse' or 'status'")
        sim.set_offline(mode)
        return faults.snapshot()

    def online(_: dict[str, Any]) -> dict[str, Any]:
        sim.set_online()
        return faults.snapshot()

    def clear(_: dict[str, Any]) -> dict[str, Any]:
        sim.set_online()
        faults.clear()
        return faults.snapshot()

    def reset(_: dict[str, Any]) -> dict[str, Any]:
        sim.reset_data()
        return status({})

    def supported(params: dict[str, Any]) -> list[str]:
        off = [str(c) for c in params.get("off", [])]
        on = [str(c) for c in params.get("on", [])]
        return sorted(sim.set_supported(off, on))

    return {
        "status": status,
        "counters": counters,
        "patron": lambda params: patron_report(sim, str(params["barcode"])),
        "item": lambda params: item_report(sim, str(params["barcode"])),
        "latency": latency,
        "drop": when(_DROP, "after"),
        "swallow": when(_SWALLOW, "before"),
        "garble": countdown("garble"),
        "bad_checksum": countdown("bad_checksum"),
        "resend": resend,
        "offline": offline,
        "online": online,
        "clear": clear,
        "reset": reset,
        "supported": supported,
    }


def patron_report(sim: IlsSimulator, barcode: str) -> dict[str, Any]:
    library = sim.library
    patron = library.patron(barcode)
    if patron is None:
        raise ValueError(f"no patron {barcode!r}")
    now = sim.clock()
    return {
        "barcode": patron.barcode,
        "name": patron.name,
        "category": patron.category,
        "flags": library.flags(barcode, now).__dict__,
        "loans": [
            {"item": loan.item, "due": loan.due.isoformat(" "), "renewals": loan.renewals}
            for loan in library.loans_of(barcode)
        ],
        "holds": [
            {
                "item": h.item,
                "pickup": h.pickup,
                "waiting": h.waiting_since is not None,
                "in_transit": h.in_transit,
            }
            for h in library.holds_of(barcode)
        ],
        "fines": [
            {"id": f.fine_id, "outstanding": money(f.outstanding), "description": f.description}
            for f in library.fines_of(barcode)
        ],
        "balance": money(library.balance(barcode)),
    }


def item_report(sim: IlsSimulator, barcode: str) -> dict[str, Any]:
    library = sim.library
    item = library.item(barcode)
    if item is None:
        raise ValueError(f"no item {barcode!r}")
    loan = library.loan(barcode)
    return {
        "barcode": item.barcode,
        "title": item.title,
        "type": item.item_type,
        "circulation": library.circulation(barcode).value,
        "on_loan_to": loan.patron if loan else None,
        "due": loan.due.isoformat(" ") if loan else None,
        "holds": [h.patron for h in library.holds_on(barcode)],
        "applied": {
            kind: library.count(kind, barcode) for kind in ("checkout", "checkin", "renew")
        },
    }
