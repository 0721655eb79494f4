"""The two ways a ZVT message can be wrong, named for who is at fault.

ZvtProtocolError: bytes from the terminal (or a capture) are not valid ZVT — the peer sent
garbage; the message says where and what. ZvtEncodeError: a message we were asked to build
cannot be written (a value too long, not a number) — the caller's mistake.
"""

from __future__ import annotations


class ZvtProtocolError(Exception):
    """The peer sent bytes that are not valid ZVT."""


class ZvtEncodeError(ValueError):
    """A message cannot be encoded as given."""
