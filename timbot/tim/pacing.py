"""``Pacer``: spaces calls to at most N per second across every concurrent caller (asyncio, FIFO)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

__all__ = ["Pacer"]


class Pacer:
    """Let callers through one at a time, at least ``1 / rate_per_second + margin`` seconds apart.

    Callers queue on an ``asyncio.Lock`` (first come, first served); the one at the head sleeps until
    ``interval`` after the previous caller was actually let through, so a late wake-up of the event
    loop can only slow the pace, never bunch two calls together. Waiting costs no thread; a caller
    cancelled while queued simply leaves the queue.

    Use ``await pacer.wait()`` right before the call, or ``async with pacer:``.

    Args:
        rate_per_second: the most calls let through in any second.
        margin: extra seconds added to every interval (absorbs jitter between here and the server).
        clock: monotonic time source, injectable for tests.
        sleep: coroutine used to wait, injectable for tests.
    """

    def __init__(
        self,
        *,
        rate_per_second: float,
        margin: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        if margin < 0:
            raise ValueError("margin must not be negative")
        self.rate_per_second = rate_per_second
        self.interval = 1.0 / rate_per_second + margin
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._last = float("-inf")

    def __repr__(self) -> str:
        return f"Pacer(rate_per_second={self.rate_per_second}, interval={self.interval:.4f})"

    async def wait(self) -> float:
        """Wait for this caller's turn; returns the seconds waited."""
        started = self._clock()
        async with self._lock:
            while (delay := self._last + self.interval - self._clock()) > 0:
                await self._sleep(delay)
            self._last = self._clock()
        return self._last - started

    async def __aenter__(self) -> Pacer:
        await self.wait()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None
