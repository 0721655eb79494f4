"""The console's web application (Flask): one server-rendered page with a panel per running
simulator, forms that call the simulators' control APIs, and a few lines of JavaScript that
refresh the panels' live parts every ``refresh_s`` (no build step, no framework on the page).

Routes: ``/`` the page, ``/panels`` the live parts as JSON {device: html}, ``POST
/act/DEVICE/ACTION`` a form → a control call (then back to the page), ``/api/DEVICE/status``
the simulator's status as JSON, ``/receipt/N.png`` a printed receipt's image. It holds no
device state of its own, only a short log of what was done.

Every POST needs the page's CSRF token and, when the browser names one, the console's own
origin (guard.py); with a ``password_hash`` every request needs the password (HTTP Basic);
without one, only requests addressed to a loopback name (127.0.0.1, localhost, [::1]) are
served, so a DNS-rebinding page cannot read the token.
The server (server.py) binds to loopback, and elsewhere only with a password.
"""

from __future__ import annotations

import collections
import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, jsonify, redirect, render_template, request, send_file
from markupsafe import Markup

from simulators.console import guard, views
from simulators.console.actions import ACTIONS, FormError, params_from_form
from simulators.control import ControlClient, ControlError

Catalogue = Callable[[], list[dict[str, str]]]
RECEIPTS_SHOWN = 3
ANSWER_CHARS = 4000  # of an action's answer kept in the log


class Console:
    """The console's state: where each simulator's control API is, and a log of actions."""

    def __init__(
        self,
        controls: Mapping[str, str],
        catalogue: Catalogue = list,
        printer_out: Path | None = None,
        timeout_s: float = 3.0,
    ) -> None:
        self.controls = {k: v for k, v in controls.items() if k in ACTIONS}
        self.catalogue = catalogue
        self.printer_out = printer_out
        self.timeout_s = timeout_s
        self.log: collections.deque[dict[str, str]] = collections.deque(maxlen=12)

    def call(self, device: str, action: str, params: dict[str, Any]) -> Any:
        return ControlClient(self.controls[device], self.timeout_s).call(action, **params)

    def status(self, device: str) -> dict[str, Any]:
        try:
            return {"ok": True, **self.call(device, "status", {})}
        except ControlError as exc:
            return {"ok": False, "error": str(exc)}

    def receipts(self) -> list[int]:
        if self.printer_out is None:
            return []
        numbers = sorted(int(p.stem.split("-")[1]) for p in self.printer_out.glob("receipt-*.png"))
        return numbers[-RECEIPTS_SHOWN:][::-1]

    def context(self) -> dict[str, Any]:
        statuses = {device: self.status(device) for device in self.controls}
        catalogue = self.catalogue()
        titles = views.titles_of(catalogue)
        return {
            "controls": self.controls,
            "statuses": statuses,
            "catalogue": catalogue,
            "tags": views.rfid_tags(statuses.get("rfid", {}), titles),
            "compartments": views.locker_rows(statuses.get("lockers", {})),
            "boards": views.board_rows(statuses.get("lockers", {})),
            "receipts": self.receipts(),
            "flat_faults": views.flat_faults,
            "log": list(self.log),
            "actions": ACTIONS,
        }

    def act(self, device: str, action: str, form: Mapping[str, str]) -> None:
        entry = {"at": time.strftime("%H:%M:%S"), "device": device, "action": action}
        try:
            params = params_from_form(device, action, form)
            answer = self.call(device, action, params)
            entry["result"] = "ok " + ", ".join(f"{k}={v}" for k, v in params.items())
            if answer is not None:  # lookups (patron, item, counters, last …) answer data
                entry["answer"] = json.dumps(answer, ensure_ascii=False, indent=1)[:ANSWER_CHARS]
        except (FormError, ControlError) as exc:
            entry["result"] = f"failed: {exc}"
        self.log.appendleft(entry)


def create_app(
    console: Console, refresh_s: float = 2.0, *, password_hash: str | None = None
) -> Flask:
    """The console's app; ``password_hash`` (guard.hash_password) makes every request need
    the password. A damaged hash is refused here (PinHashError), not at the first
    request."""
    app = Flask(__name__)
    credential = guard.parse_hash(password_hash) if password_hash else None
    app.config["CONSOLE_PASSWORD_HASH"] = credential
    token = guard.new_token()
    app.jinja_env.globals["csrf"] = lambda: Markup(
        f'<input type="hidden" name="{guard.TOKEN_FIELD}" value="{token}">'
    )

    @app.before_request
    def guarded() -> Any:
        if credential is None and not guard.is_loopback(request.host.rpartition(":")[0]):
            # without a password the console is loopback's only: a page whose name was made
            # to point here (DNS rebinding) must not read the token or post a form
            return Response("refused: not addressed as this machine\n", 403, mimetype="text/plain")
        if credential is not None:
            given = guard.basic_password(request.headers.get("Authorization"))
            if given is None or not guard.verify_password(given, credential):
                return Response(
                    "the console needs its password\n",
                    401,
                    {"WWW-Authenticate": 'Basic realm="knygomatas console", charset="UTF-8"'},
                    mimetype="text/plain",
                )
        if request.method == "POST":
            origin_ok = guard.same_origin(
                request.host_url, request.headers.get("Origin"), request.headers.get("Referer")
            )
            if not origin_ok or not guard.token_ok(token, request.form.get(guard.TOKEN_FIELD)):
                return Response(
                    "refused: this form did not come from the console's own page "
                    "(missing or wrong CSRF token, or another origin)\n",
                    403,
                    mimetype="text/plain",
                )
        return None

    @app.get("/")
    def page() -> str:
        return render_template("console.html", refresh_ms=int(refresh_s * 1000),
                               **console.context())  # fmt: skip

    @app.get("/panels")
    def panels() -> Any:
        context = console.context()
        return jsonify(
            {
                device: render_template(f"live_{device}.html", **context)
                for device in console.controls
            }
            | {"log": render_template("live_log.html", **context)}
        )

    @app.post("/act/_any")
    def act_any() -> Any:
        device, _, action = request.form.get("target", "").partition("/")
        if device not in console.controls:
            abort(404)
        fields = dict(
            pair.split("=", 1) for pair in request.form.get("params", "").split() if "=" in pair
        )
        console.act(device, action, fields)
        return redirect(f"/#{device}", code=303)

    @app.post("/act/<device>/<action>")
    def act(device: str, action: str) -> Any:
        if device not in console.controls:
            abort(404)
        console.act(device, action, request.form)
        return redirect(f"/#{device}", code=303)

    @app.get("/api/<device>/status")
    def status(device: str) -> Any:
        if device not in console.controls:
            abort(404)
        return jsonify(console.status(device))

    @app.get("/receipt/<int:number>.png")
    def receipt(number: int) -> Any:
        if console.printer_out is None:
            abort(404)
        path = console.printer_out / f"receipt-{number:04d}.png"
        if not path.is_file():
            abort(404)
        return send_file(path.resolve(), mimetype="image/png", max_age=0)

    return app
