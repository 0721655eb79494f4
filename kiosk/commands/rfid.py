"""`kiosk rfid …`: decode and encode library tag memory; talk to the configured reader.

decode/encode are pure (no configuration needed), for technicians checking a tag dump or
preparing test tags. inventory, secure, unsecure and watch open the reader named in [rfid]
of the config.
"""

from __future__ import annotations

import argparse
import json
import threading
from dataclasses import replace

from device_drivers.rfid import iso28560_2, iso28560_3
from device_drivers.rfid.feig_reader import FeigReader
from device_drivers.rfid.interface import (
    ReaderProtocolError,
    ReaderUnavailable,
    RfidError,
    TagSighting,
)
from device_drivers.rfid.library_tags import LibraryTags, SecurityPair
from device_drivers.rfid.pad import PadTracker, TagRead
from device_drivers.rfid.pad_monitor import PadMonitor
from device_drivers.rfid.tag_data import ItemData, TagDataError, UnprogrammedTag, decode_tag
from kiosk.commands.common import (
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    settings_from,
)
from kiosk.settings.rfid import RfidSection
from kiosk.wiring.rfid import reader_from

MODEL_CHOICES = ("auto", "iso28560-3", "iso28560-2")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rfid", help="decode/encode library tags; inventory and secure tags", description=__doc__
    )
    sub = parser.add_subparsers(dest="rfid_command", metavar="ACTION", required=True)
    decode = sub.add_parser(
        "decode",
        help="decode tag memory given as hex; print one JSON object",
        description='Decode tag memory. Prints the item as JSON, or {"error": …} and exits 1 '
        "for a tag that is not a known library data model. The JSON says which model, block "
        "order (block_order), nibble order and, for ISO 28560-3, CRC byte order (crc_order) "
        "it found, and crc_valid: a damaged ISO 28560-3 tag is shown with crc_valid false (the "
        "kiosk refuses it); a blank or half-programmed one with unprogrammed true and its "
        "owner library.",
    )
    decode.add_argument("hex", metavar="HEX", help="tag memory from block 0, as hex")
    decode.add_argument("--model", choices=MODEL_CHOICES, default="auto", help="data model")
    decode.add_argument(
        "--ignore-crc",
        action="store_true",
        help="ISO 28560-3: show the fields of a tag whose CRC fails (crc_valid false); now "
        "the default, kept for scripts",
    )
    decode.set_defaults(func=run_decode)
    encode = sub.add_parser(
        "encode", help="print the tag memory (hex) for an item", description=run_encode.__doc__
    )
    encode.add_argument("--item", required=True, help="primary item identifier (barcode)")
    encode.add_argument("--library", required=True, help="owner library ISIL, e.g. LT-1000101")
    encode.add_argument("--part", type=int, default=1, help="part number in the set (default 1)")
    encode.add_argument("--of", type=int, default=1, help="number of parts in the set")
    encode.add_argument("--usage", type=int, default=1, help="type of usage (1 = circulating)")
    encode.add_argument(
        "--model", choices=MODEL_CHOICES[1:], default="iso28560-3", help="data model to write"
    )
    encode.add_argument(
        "--block-order",
        choices=("normal", "reversed"),
        default="normal",
        help="reversed: every 4-byte block reversed, as some readers deliver it",
    )
    encode.set_defaults(func=run_encode)
    _register_reader_commands(sub)


def _register_reader_commands(sub: argparse._SubParsersAction) -> None:
    inventory = sub.add_parser(
        "inventory",
        help="list the tags on the pad: item data and security state (reader from [rfid])",
        description="One inventory with the configured reader; one JSON object per tag: its "
        "UID, item data, and security state (AFI and whether it is the configured checked-in "
        "or checked-out value; EAS when [rfid] use_eas is on).",
    )
    inventory.set_defaults(func=run_inventory)
    for name, text in (
        ("secure", "set a tag checked in (AFI, EAS) and verify it"),
        ("unsecure", "set a tag checked out (on loan) and verify it"),
    ):
        action = sub.add_parser(name, help=text, description=text)
        action.add_argument("uid", metavar="UID", help="the tag's UID (16 hex digits)")
        action.set_defaults(func=run_security, secure=name == "secure")
    watch = sub.add_parser(
        "watch",
        help="inventory continuously and print pad events as JSON lines (Ctrl-C stops)",
        description="What a patron session sees: debounced arrivals and departures.",
    )
    watch.add_argument("--seconds", type=float, default=0.0, help="stop after this long")
    watch.set_defaults(func=run_watch)


def run_decode(args: argparse.Namespace) -> int:
    digits = args.hex.replace(":", "").replace(" ", "")
    if len(digits) % 2 and all(c in "0123456789abcdefABCDEF" for c in digits):
        raise CommandError(
            f"odd number of hex digits ({len(digits)}): each byte is two digits", EXIT_USAGE
        )
    try:
        memory = bytes.fromhex(digits)
    except ValueError:
        raise CommandError(f"not hex: {args.hex[:40]!r}", EXIT_USAGE) from None
    try:
        if args.ignore_crc and args.model in ("auto", "iso28560-3"):
            item = iso28560_3.decode(memory, allow_bad_crc=True)
        else:
            item = decode_tag(memory, args.model)
    except UnprogrammedTag as exc:
        print(json.dumps(exc.to_json(), ensure_ascii=False))
        return 0
    except TagDataError as exc:
        print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        return EXIT_REFUSED
    print(json.dumps(item.to_json(), ensure_ascii=False))
    return 0


def run_encode(args: argparse.Namespace) -> int:
    """Print the tag memory for an item as hex. ISO 28560-3 stores the ISIL without its
    hyphen (LT-1000101 is written LT1000101), as the Danish data model prescribes."""
    library = iso28560_3.ddm_isil(args.library) if args.model == "iso28560-3" else args.library
    item = ItemData(
        model=args.model,
        primary_item_id=args.item,
        owner_library=library,
        part_number=args.part,
        parts_in_set=args.of,
        type_of_usage=args.usage,
        crc_valid=True if args.model == "iso28560-3" else None,
    )
    if args.part > args.of or args.part < 1:
        raise CommandError(f"--part {args.part} --of {args.of}: need 1 <= part <= of", EXIT_USAGE)
    encoder = iso28560_3.encode if args.model == "iso28560-3" else iso28560_2.encode
    try:
        memory = encoder(replace(item, block_order=args.block_order))
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    print(memory.hex().upper())
    return 0


def open_reader(args: argparse.Namespace) -> tuple[RfidSection, FeigReader, LibraryTags]:
    settings = settings_from(args)
    section = settings.rfid
    if section is None:
        raise CommandError("the configuration has no [rfid] table", EXIT_USAGE)
    reader = reader_from(settings)
    return section, reader, library_tags(section, reader)


def library_tags(section: RfidSection, reader: FeigReader) -> LibraryTags:
    """Library meaning over the reader with the [rfid] table's data model and AFI pair."""
    security = SecurityPair(section.afi_checked_in, section.afi_checked_out, section.use_eas)
    return LibraryTags(
        reader,
        security,
        item_blocks=section.item_blocks,
        data_model=section.data_model,
        retries=section.security_retries,
    )


def security_json(tags: LibraryTags, uid: str) -> dict[str, object]:
    """The tag's security state (AFI / EAS) as JSON, or why it could not be read."""
    try:
        return tags.security_state(uid).to_json()
    except (ReaderUnavailable, ReaderProtocolError):
        raise
    except RfidError as exc:
        return {"error": str(exc)}


def _read_json(read: TagRead) -> dict[str, object]:
    body: dict[str, object] = {"uid": read.uid, "kind": read.kind}
    if read.item is not None:
        body["item"] = read.item.to_json()
    if read.problem:
        body["problem"] = read.problem
    return body


def run_inventory(args: argparse.Namespace) -> int:
    _, reader, tags = open_reader(args)
    try:
        for sighting in reader.inventory():
            body = _read_json(_read_or_report(tags, sighting))
            body["security"] = security_json(tags, sighting.uid)
            print(json.dumps(body, ensure_ascii=False))
    except (ReaderUnavailable, ReaderProtocolError) as exc:
        raise CommandError(str(exc), EXIT_UNREACHABLE) from None
    finally:
        reader.close()
    return 0


def _read_or_report(tags: LibraryTags, sighting: TagSighting) -> TagRead:
    """A tag fault is reported in the listing, which goes on; a reader fault ends it."""
    try:
        return tags.read(sighting)
    except (ReaderUnavailable, ReaderProtocolError):
        raise
    except RfidError as exc:
        return TagRead(sighting.uid, "unreadable", problem=str(exc))


def run_security(args: argparse.Namespace) -> int:
    _, reader, tags = open_reader(args)
    try:
        attempts = tags.secure(args.uid) if args.secure else tags.unsecure(args.uid)
    except (ReaderUnavailable, ReaderProtocolError) as exc:
        raise CommandError(str(exc), EXIT_UNREACHABLE) from None
    except RfidError as exc:
        raise CommandError(str(exc), EXIT_REFUSED) from None
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    finally:
        reader.close()
    state = "checked in (secured)" if args.secure else "checked out (on loan)"
    print(json.dumps({"uid": args.uid, "state": state, "attempts": attempts}))
    return 0


def run_watch(args: argparse.Namespace) -> int:
    section, reader, tags = open_reader(args)

    def show(event: object) -> None:
        body = {"event": type(event).__name__}
        for key, value in vars(event).items():
            body[key] = [_read_json(v) for v in value] if key == "tags" else value
        print(json.dumps(body, ensure_ascii=False), flush=True)

    tracker = PadTracker(section.arrive_rounds, section.leave_rounds)
    monitor = PadMonitor(
        reader,
        tags,
        show,
        tracker=tracker,
        interval_s=section.inventory_interval_s,
        reconnect_s=section.reconnect_s,
    )
    monitor.start()
    try:
        threading.Event().wait(args.seconds or None)
    except KeyboardInterrupt:
        pass
    finally:
        monitor.stop()
        reader.close()
    return 0
