"""Several connections to the library system used as one (``[ils] connections``): each call
takes a free connection and gives it back, so a stack's checkouts can be in flight side by
side. Implements the LibrarySystem port over members that implement it; no I/O of its own.
A protocol session belongs to its connection, so nothing here spans two calls.

Each port method is borrowed from the Protocol by ``_pooled``: the pool's method has the
port's own signature (so a change to the port needs no change here) and calls the same-named
method of a free member.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

from kiosk.core.ports import LibrarySystem

T = TypeVar("T")
P = ParamSpec("P")


def _pooled(
    method: Callable[Concatenate[LibrarySystem, P], Coroutine[Any, Any, T]],
) -> Callable[Concatenate[LibraryPool, P], Coroutine[Any, Any, T]]:
    name = method.__name__

    async def on_a_free_member(pool: LibraryPool, *args: P.args, **kwargs: P.kwargs) -> T:
        async def call(member: LibrarySystem) -> T:
            same: Callable[P, Coroutine[Any, Any, T]] = getattr(member, name)
            return await same(*args, **kwargs)

        return await pool._use(call)

    on_a_free_member.__name__ = on_a_free_member.__qualname__ = name
    on_a_free_member.__doc__ = method.__doc__
    return on_a_free_member


class LibraryPool:
    def __init__(self, members: Sequence[LibrarySystem]) -> None:
        if not members:
            raise ValueError("a pool needs at least one connection")
        self.members = tuple(members)
        self._free: asyncio.Queue[LibrarySystem] = asyncio.Queue()
        for member in self.members:
            self._free.put_nowait(member)

    @property
    def size(self) -> int:
        return len(self.members)

    async def _use(self, call: Callable[[LibrarySystem], Awaitable[T]]) -> T:
        member = await self._free.get()
        try:
            return await call(member)
        finally:
            self._free.put_nowait(member)

    status = _pooled(LibrarySystem.status)
    patron = _pooled(LibrarySystem.patron)
    item = _pooled(LibrarySystem.item)
    checkout = _pooled(LibrarySystem.checkout)
    checkin = _pooled(LibrarySystem.checkin)
    renew = _pooled(LibrarySystem.renew)
    renew_all = _pooled(LibrarySystem.renew_all)
    fee_paid = _pooled(LibrarySystem.fee_paid)
    hold = _pooled(LibrarySystem.hold)
    end_session = _pooled(LibrarySystem.end_session)

    async def close(self) -> None:
        for member in self.members:
            await member.close()
