"""What keeps the technician console from being driven by anyone but the technician.

- CSRF: every state-changing request (POST) must carry the per-process token that the
  console's own page puts in each form (``csrf_token``), and, when the browser says where the
  form came from (``Origin``, else ``Referer``), that must be the console itself. A form
  posted from another site's page has neither the token nor the origin and is refused (403).
- Password: bound to an address other than loopback, the console serves nobody without the
  password (HTTP Basic, any user name), checked against a salted scrypt hash from the config
  (``[console] password_hash``, made by ``kiosk console hash-password``). The password
  itself is never stored or logged.

Pure helpers (no Flask here): the app wires them in ``simulators/console/app.py``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from kiosk.core.circulation.staff_auth import (
    BLOCK_R,
    COST_N,
    HASH_BYTES,
    PARALLEL_P,
    PinHash,
)

MIN_PASSWORD = 10
TOKEN_FIELD = "csrf_token"


def hash_password(password: str, salt: bytes) -> str:
    """The ``scrypt$N$r$p$salt$hash`` line for ``password``: the same salted scrypt line as
    the technician PIN (kiosk/core/circulation/staff_auth.py PinHash), with the caller's salt."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a console password is at least {MIN_PASSWORD} characters")
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=COST_N, r=BLOCK_R, p=PARALLEL_P,
        maxmem=128 * BLOCK_R * COST_N * 2 + 2**20, dklen=HASH_BYTES,
    )  # fmt: skip
    made = PinHash(COST_N, BLOCK_R, PARALLEL_P, salt, digest)
    made.check()
    return made.line()


def parse_hash(stored: str) -> PinHash:
    """The configured hash, or PinHashError naming what is wrong (never the hash)."""
    return PinHash.parse(stored)


def verify_password(password: str, stored: PinHash) -> bool:
    return stored.verify(password)


def basic_password(header: str | None) -> str | None:
    """The password of an ``Authorization: Basic …`` header (the user name is ignored)."""
    if not header or not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    _, sep, password = decoded.partition(":")
    return password if sep else None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


def same_origin(host_url: str, origin: str | None, referer: str | None) -> bool:
    """True unless the browser named another site as the request's source. ``host_url`` is
    the console as the request addressed it (``http://HOST:PORT/``)."""
    own = urlsplit(host_url)
    source = origin if origin else referer
    if not source:
        return True  # a script (curl, the tests) sends neither; the token still decides
    if source == "null":
        return False  # sandboxed or file:// page
    theirs = urlsplit(source)
    return (theirs.scheme, theirs.netloc) == (own.scheme, own.netloc)
