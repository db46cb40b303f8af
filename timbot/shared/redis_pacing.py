"""``RedisPacer``: one rate budget for all processes, slots reserved by Redis's clock (one Lua script)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from timbot.errors import SharedUnavailable
from timbot.shared.pacing import Pacer
from timbot.shared.store import SharedRedis

__all__ = ["RESERVE", "RedisPacer"]

#: Reserve the next free slot of a sliding window, atomically, by the server's clock.
#: KEYS[1]: the slots of the last span (microseconds of the server's clock, ascending; at most 2 * limit).
#: ARGV: limit, span (us), "1" for a call that yields (an export), a slot to give back first (or "").
#: Returns {1, wait_us, slot} when reserved; {0, wait_us} when a yielding call should come back later.
#: A call that yields takes only a slot free now, and in a window of several calls never the last free
#: one: the calls that do not yield reserve ahead and so go first, in arrival order.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, span, yields = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
if ARGV[4] ~= '' then redis.call('LREM', KEYS[1], 1, ARGV[4]) end
local n = redis.call('LLEN', KEYS[1])
local slot = now
if n >= limit then
  local ref = tonumber(redis.call('LINDEX', KEYS[1], n - limit))
  if ref + span > slot then slot = ref + span end
end
if yields then
  if slot > now then return {0, slot - now} end
  if limit > 1 then
    local slots = redis.call('LRANGE', KEYS[1], 0, -1)
    local inside, first = 0, nil
    for i = #slots, 1, -1 do
      local s = tonumber(slots[i])
      if s <= now - span then break end
      inside, first = inside + 1, s
    end
    if inside + 1 >= limit then return {0, math.max(first + span - now, 1000)} end
  end
end
local name = string.format('%.0f', slot)
redis.call('RPUSH', KEYS[1], name)
-- slots a span old no longer count; keep the rest (a slot given back leaves the earlier ones counting)
while tonumber(redis.call('LINDEX', KEYS[1], 0)) <= now - span do redis.call('LPOP', KEYS[1]) end
redis.call('LTRIM', KEYS[1], -2 * limit, -1)
redis.call('PEXPIRE', KEYS[1], math.ceil((slot - now + span) / 1000) + 1000)
return {1, slot - now, name}
"""

#: A call woken later than this after its slot reserves again (its late start could crowd the next one).
_LATE = 0.5
#: The most times one call reserves again after waking late; then it goes.
_REDO = 2


class RedisPacer:
    """Like :class:`~timbot.shared.pacing.Pacer` (same ``limit`` and ``span``), for all processes at once.

    Each call runs :data:`RESERVE` (one round trip): Redis reads its own clock, reserves the next slot that
    keeps at most ``limit`` calls in any ``span`` and says how long to wait; the caller sleeps that long and
    goes. No caller polls (so none starves), callers are served in the order they reach Redis, and the
    processes' clocks never matter (only durations measured by the caller are). A caller woken later than
    half the margin after its slot, whose late call could crowd the next one, gives the slot back and
    reserves again; one cancelled while it waits gives its slot back too.

    Export calls (``priority`` above 0) yield: they take only a slot free now, never the last of a window,
    and otherwise come back when told, so interactive calls, which reserve ahead, go first. When Redis is
    lost, calls are paced by ``local`` (this process's share only) until it is back.

    Args:
        shared: the bot's Redis.
        name: the budget's name in its key (the endpoint).
        rate_per_second: the most calls in any second, for all processes together.
        margin: seconds added to the window.
        window: the window the server counts calls in.
        sleep: coroutine used to wait, injectable for tests.
    """

    def __init__(
        self,
        *,
        shared: SharedRedis,
        name: str,
        rate_per_second: float,
        margin: float = 0.0,
        window: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.local = Pacer(rate_per_second=rate_per_second, margin=margin, window=window, sleep=sleep)
        self.limit, self.span = self.local.limit, self.local.span
        self._late = max(margin * _LATE, 0.002)
        self._shared = shared
        self._key = shared.keys("pace", name)
        self._script = shared.client.register_script(RESERVE)
        self._sleep = sleep
        self._random = random.Random()

    def __repr__(self) -> str:
        return f"RedisPacer({self._key!r}, limit={self.limit}, span={self.span:.3f})"

    async def _reserve(self, yields: bool, give_back: str) -> list[Any]:
        args = [self.limit, math.ceil(self.span * 1_000_000), "1" if yields else "0", give_back]
        answer: list[Any] = await self._shared.run(lambda _: self._script(keys=[self._key], args=args))
        return answer

    async def _give_back(self, slot: str) -> None:
        with contextlib.suppress(SharedUnavailable):
            await self._shared.run(lambda client: client.lrem(self._key, 1, slot))

    async def _take(self, yields: bool) -> bool:
        """Wait for a reserved slot; False when Redis was lost on the way (pace in-process then)."""
        give_back, redo = "", 0
        while True:
            try:
                answer = await self._reserve(yields, give_back)
            except SharedUnavailable:
                return False
            answered = time.monotonic()  # the slot is counted from Redis's clock when the script ran
            wait = int(answer[1]) / 1_000_000
            if not int(answer[0]):  # a yielding call: come back then (spread, not all at once)
                give_back = ""
                await self._sleep(wait * self._random.uniform(1.0, 1.2) + 0.001)
                continue
            slot = answer[2].decode() if isinstance(answer[2], bytes) else str(answer[2])
            try:
                if wait > 0:
                    await self._sleep(wait)
            except asyncio.CancelledError:
                await asyncio.shield(self._give_back(slot))
                raise
            late = time.monotonic() - answered - wait
            if late <= self._late or redo >= _REDO:
                return True
            give_back, redo = slot, redo + 1

    @contextlib.asynccontextmanager
    async def hold(self, priority: int = 0) -> AsyncIterator[None]:
        """Wait for a slot in the shared budget, then run the call inside the block.

        Args:
            priority: 0 (interactive) reserves ahead; above 0 (export) yields to it.
        """
        if not await self._take(priority > 0):
            async with self.local.hold(priority):
                yield
            return
        yield
