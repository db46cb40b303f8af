"""``Pacer``: at most N calls in any sliding window of a second (plus a margin), in-process, by priority."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol

__all__ = ["Pacer", "Pacing", "TurnQueue"]


class Pacing(Protocol):
    """What the call path needs of a pacer (in-process :class:`Pacer`, or the Redis one)."""

    def hold(self, priority: int = 0) -> contextlib.AbstractAsyncContextManager[None]:
        """Wait for a turn (a lower ``priority`` first), then count the call made inside the block."""
        ...


class TurnQueue:
    """One holder at a time; the next is the waiter of the lowest priority value, then the first to come.

    A waiter cancelled before its turn leaves the queue; one cancelled as its turn came passes it on.
    """

    def __init__(self) -> None:
        self._held = False
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self, priority: int = 0) -> None:
        """Wait for the turn."""
        if not self._held and not self._waiting:
            self._held = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # the turn came as we were cancelled: the next one takes it
            raise

    def release(self) -> None:
        """Hand the turn to the next waiter (or free it)."""
        while self._waiting:
            turn = heapq.heappop(self._waiting)[2]
            if not turn.done():
                turn.set_result(None)
                return
        self._held = False

    @contextlib.asynccontextmanager
    async def turn(self, priority: int = 0) -> AsyncIterator[None]:
        """``async with queue.turn(priority):`` holds the turn for the block."""
        await self.acquire(priority)
        try:
            yield
        finally:
            self.release()


class _Slot:
    """One call counted by a pacer: when it was let through, then when it ended (``ended`` set)."""

    __slots__ = ("at", "ended")

    def __init__(self, at: float) -> None:
        self.at = at
        self.ended = asyncio.Event()

    def close(self, at: float) -> None:
        self.at = max(self.at, at)
        self.ended.set()


class Pacer:
    """Let callers through in arrival order, never more than ``limit`` in any ``span`` seconds.

    ``limit`` is the calls ``rate_per_second`` allows in ``window`` seconds, rounded down (at least 1),
    and ``span`` the time those take at that rate (``window`` unless the rate is below one per window)
    plus ``margin``. Tencent counts calls in a sliding one-second window, so a burst under the limit
    goes out at once, and a caller past it waits only until the oldest of the last ``limit`` calls is
    ``span`` old. ``Pacer(rate_per_second=200, margin=0.05)``: at most 200 calls in any 1.05 s;
    ``Pacer(rate_per_second=1, margin=0.05)``: one call per 1.05 s.

    Callers queue by priority (:mod:`timbot.tim.priority`: interactive before export), then first come, first
    served (:class:`TurnQueue`), and the one at the head waits for its slot: an interactive call waits behind
    at most the one export call already waiting for its slot, never behind the export calls queued. A call's
    time is taken when it is actually let through, after any sleep, so a late wake-up of the event loop can
    only delay later
    calls, never crowd more than ``limit`` into a window. Waiting costs no thread; a caller cancelled
    while queued simply leaves the queue.

    Use ``async with pacer.hold():`` around the call (see :meth:`hold`).

    Args:
        rate_per_second: the most calls let through in any second.
        margin: seconds added to the window (absorbs jitter between here and the server).
        window: the window the server counts calls in, in seconds.
        clock: monotonic time source, injectable for tests.
        sleep: coroutine used to wait, injectable for tests.
    """

    def __init__(
        self,
        *,
        rate_per_second: float,
        margin: float = 0.0,
        window: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate_per_second <= 0 or window <= 0:
            raise ValueError("rate_per_second and window must be positive")
        if margin < 0:
            raise ValueError("margin must not be negative")
        self.rate_per_second = rate_per_second
        self.limit = max(1, math.floor(rate_per_second * window + 1e-9))
        self.span = self.limit / rate_per_second + margin
        self._clock = clock
        self._sleep = sleep
        self._queue = TurnQueue()
        self._sent: deque[_Slot] = deque(maxlen=self.limit)  # the last ``limit`` calls

    def __repr__(self) -> str:
        return f"Pacer(limit={self.limit}, span={self.span:.3f})"

    @contextlib.asynccontextmanager
    async def hold(self, priority: int = 0) -> AsyncIterator[None]:
        """Wait for a turn, and count the call from when it ends rather than from when it was let through.

        Use it around the request itself (``async with pacer.hold(): await http.post(...)``): the request
        reaches the server at some time between the two, so a window counted from the end can never be
        shortened by a delay between the pacer and the socket (a busy event loop, a queue for a pooled
        connection). A burst under the limit is not delayed; past the limit, the next call waits for the
        oldest counted one to end, plus ``span``.

        Args:
            priority: lower goes first (``timbot.tim.priority.Priority``); equal ones in arrival order.
        """
        slot = await self._take(priority)
        try:
            yield
        finally:
            slot.close(self._clock())

    async def _take(self, priority: int) -> _Slot:
        async with self._queue.turn(priority):
            while len(self._sent) == self.limit:
                oldest = self._sent[0]
                await oldest.ended.wait()  # a held call counts from its end
                if (delay := oldest.at + self.span - self._clock()) <= 0:
                    break
                await self._sleep(delay)
            slot = _Slot(self._clock())
            self._sent.append(slot)  # the oldest falls out (maxlen)
            return slot
