"""`kiosk sim registration`: run the Koha or FOLIO registration simulator, or steer one.

kiosk sim registration [--backend koha|folio] [--port 8095] [--client-id kiosk --client-secret demo]
                       [--tenant diku]
    serves until Ctrl-C; prints one JSON line with the API and control URLs. For FOLIO the
    client id and secret are the kiosk user's username and password.
kiosk sim registration ACTION --control URL [...]
    status, slow, fail, malformed, lose, duplicate, unreachable, expire-tokens, reset-faults,
    add-existing, forget-all, stats: the same actions as the control API (POST URL/ACTION).
"""

from __future__ import annotations

import argparse
import json

from kiosk.commands.common import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    wait_for_stop,
)
from simulators.control import ControlClient, ControlError, ControlServer
from simulators.registration.server import BACKENDS, RegistrationSimulator

COUNT = ("--count", int, 1, "how many")
ACTIONS = {
    "status": ("show the backend, faults and counts", ()),
    "slow": ("delay every answer", (("--delay-s", float, 2.0, "seconds of delay (0 = off)"),)),
    "fail": (
        "the next COUNT API calls answer with an HTTP error (nothing done)",
        (COUNT, ("--status", int, 500, "HTTP status to answer (500, 503 …)")),
    ),
    "malformed": ("the next COUNT answers are broken JSON (the request is carried out)", (COUNT,)),
    "lose": ("create the next COUNT records but drop the connection before answering", (COUNT,)),
    "duplicate": ("the next COUNT creations answer 409 duplicate", (COUNT,)),
    "unreachable": (
        "drop every connection without an answer (--on 0 to end)",
        (("--on", int, 1, "1 = unreachable, 0 = reachable again"),),
    ),
    "expire-tokens": ("every token issued so far stops working (the next call gets 401)", ()),
    "reset-faults": ("end every fault", ()),
    "add-existing": (
        "add somebody's older registration with this e-mail",
        (("--email", str, None, "the e-mail address"),),
    ),
    "forget-all": ("delete every record", ()),
    "stats": ("requests answered by endpoint, records created", ()),
}
_PARAMS = ("delay_s", "count", "status", "on", "email")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "registration",
        help="the library system's reader registration (Koha patrons or FOLIO staging users)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--backend", choices=BACKENDS, default="koha", help="which API to speak")
    parser.add_argument("--port", type=int, default=8095, help="API port (0 = any free port)")
    parser.add_argument("--control-port", type=int, default=0, help="control API port (0 = any)")
    parser.add_argument("--client-id", default="kiosk", help="client id (FOLIO: username)")
    parser.add_argument("--client-secret", default="demo", help="client secret (FOLIO: password)")
    parser.add_argument("--tenant", default="diku", help="FOLIO tenant id to accept")
    parser.add_argument("--token-ttl-s", type=float, default=3600.0, help="token lifetime")
    parser.set_defaults(func=serve)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    for name, (help_text, options) in ACTIONS.items():
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--control", required=True, metavar="URL", help="the control API URL")
        for flag, kind, default, option_help in options:
            sub.add_argument(
                flag, type=kind, default=default, required=default is None, help=option_help
            )
        sub.set_defaults(func=act, action_name=name)


def build(args: argparse.Namespace) -> RegistrationSimulator:
    try:
        return RegistrationSimulator(
            args.backend,
            client_id=args.client_id,
            client_secret=args.client_secret,
            tenant=args.tenant,
            port=args.port,
            token_ttl_s=args.token_ttl_s,
        )
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1:{args.port}: {exc}", EXIT_USAGE) from None


def serve(args: argparse.Namespace) -> int:
    sim = build(args).start()
    control = ControlServer(sim.actions(), port=args.control_port).start()
    api = sim.url + ("/api/v1" if args.backend == "koha" else "")
    announce(json.dumps({"registration": api, "backend": args.backend, "control": control.url}))
    try:
        wait_for_stop()
    finally:
        control.stop()
        sim.stop()
    return 0


def act(args: argparse.Namespace) -> int:
    params = {k: v for k, v in vars(args).items() if k in _PARAMS and v is not None}
    try:
        result = ControlClient(args.control).call(args.action_name.replace("-", "_"), **params)
    except ControlError as exc:
        code = EXIT_UNREACHABLE if "not reachable" in str(exc) else EXIT_USAGE
        raise CommandError(str(exc), code) from None
    print(json.dumps(result, ensure_ascii=False))
    return 0
