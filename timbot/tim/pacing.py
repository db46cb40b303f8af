"""``Pacer``: spaces calls to at most N per second across every concurrent caller (asyncio, FIFO)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

__all__ = ["Pacer"]


class Pacer:
    """Let callers through one at a time, at least ``1 / rate_per_second + margin`` seconds apart.

    Each caller takes the next free time slot the moment it asks (so the order is first come, first
    served) and then sleeps until that slot; waiting costs no thread and no lock. A caller that is
    cancelled while waiting leaves its slot unused, which only ever makes the pace slower.

    Use ``await pacer.wait()`` right before the call, or ``async with pacer:``.

    Args:
        rate_per_second: the most calls let through in any second.
        margin: extra seconds added to every interval (absorbs clock and network jitter).
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
        self._next_slot = float("-inf")

    def __repr__(self) -> str:
        return f"Pacer(rate_per_second={self.rate_per_second}, interval={self.interval:.4f})"

    async def wait(self) -> float:
        """Wait for this caller's turn; returns the seconds waited."""
        now = self._clock()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self.interval
        delay = slot - now
        if delay > 0:
            await self._sleep(delay)
        return delay

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
