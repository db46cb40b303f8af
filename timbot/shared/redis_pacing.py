"""``RedisPacer``: one rate budget for all processes, slots reserved by Redis's clock (one Lua script)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from redis.commands.core import AsyncScript

from timbot.errors import SharedUnavailable
from timbot.shared.pacing import Pacer
from timbot.shared.store import SharedRedis

__all__ = ["END", "GO", "RESERVE", "RedisPacer"]

#: What every script starts with. KEYS: the reserved slots (a list, ascending), the ends of the calls made
#: (a list, ascending), the calls in flight (a sorted set: call id -> when it counts as ended anyway).
#: Times are microseconds of the server's clock. ARGV[1], ARGV[2]: the limit, the span (us).
_PRELUDE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, span = tonumber(ARGV[1]), tonumber(ARGV[2])
local function drop_before(key, oldest)
  while true do
    local first = redis.call('LINDEX', key, 0)
    if not first or tonumber(first) > oldest then return end
    redis.call('LPOP', key)
  end
end
-- a call starts when the calls in flight and those ended within the span leave room: 0, or how long to
-- wait (us), or -1 when calls in flight hold the whole budget (look again shortly)
local function go(id, hold)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  drop_before(KEYS[2], now - span)
  local flying, ended = redis.call('ZCARD', KEYS[3]), redis.call('LLEN', KEYS[2])
  local over = flying + ended - limit + 1
  if over <= 0 then
    redis.call('ZADD', KEYS[3], string.format('%.0f', now + hold), id)
    return 0
  end
  if over <= ended then return tonumber(redis.call('LINDEX', KEYS[2], over - 1)) + span - now end
  return -1
end
local function keep(ms)
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], math.ceil(ms / 1000) + 1000) end
end
"""

#: Reserve the next free slot (ARGV[3] "1" for a call that yields, ARGV[4] a slot to give back first or "",
#: ARGV[5] the call's id, ARGV[6] the most it may be in flight, us). Returns {2, 0, slot} when the call may
#: start now, {1, wait_us, slot} when reserved, {0, wait_us} when a yielding call should come back later.
#: A call that yields (an export) takes only a slot free now, and in a window of several calls never the
#: last free one: the calls that do not yield reserve ahead and so go first, in arrival order.
RESERVE = _PRELUDE + """
local yields, hold = ARGV[3] == '1', tonumber(ARGV[6])
if ARGV[4] ~= '' then redis.call('LREM', KEYS[1], 1, ARGV[4]) end
drop_before(KEYS[1], now - span)
local n = redis.call('LLEN', KEYS[1])
local slot = now
if n >= limit then
  local ref = tonumber(redis.call('LINDEX', KEYS[1], n - limit))
  if ref + span > slot then slot = ref + span end
end
if yields then
  if slot > now then return {0, slot - now} end
  if limit > 1 and n + 1 >= limit then
    return {0, math.max(tonumber(redis.call('LINDEX', KEYS[1], n + 1 - limit)) + span - now, 1000)}
  end
end
local name = string.format('%.0f', slot)
redis.call('RPUSH', KEYS[1], name)
redis.call('LTRIM', KEYS[1], -2 * limit, -1)
keep(math.max(slot - now, hold) + span)
if slot == now and go(ARGV[5], hold) == 0 then return {2, 0, name} end
return {1, slot - now, name}
"""

#: At its slot, start the call ARGV[3] (ARGV[4]: the most it may be in flight, us): see ``go`` above.
GO = _PRELUDE + """
local hold = tonumber(ARGV[4])
local wait = go(ARGV[3], hold)
keep(hold + span)
return wait
"""

#: The call ARGV[3] ended: it counts from now for a span.
END = _PRELUDE + """
if redis.call('ZREM', KEYS[3], ARGV[3]) == 1 then
  redis.call('RPUSH', KEYS[2], string.format('%.0f', now))
  redis.call('LTRIM', KEYS[2], -2 * limit, -1)
end
keep(span)
return 1
"""

#: Seconds between looks while calls in flight hold the whole budget (a call slower than the span).
_LOOK = 0.02


class RedisPacer:
    """Like :class:`~timbot.shared.pacing.Pacer` (same ``limit`` and ``span``), for all processes at once.

    A call first reserves a slot (:data:`RESERVE`, one round trip): Redis reads its own clock, reserves the
    next slot that keeps at most ``limit`` calls in any ``span`` and says how long to wait; the caller
    sleeps that long. No caller polls for a slot (so none starves), callers are served in the order they
    reach Redis, and the processes' clocks never matter (only durations measured by the caller are). At its
    slot, the call starts (:data:`GO`, in the same round trip when its slot is now) if the calls in flight
    and those that ended less than ``span`` ago leave room, and counts from its end (:data:`END`) as
    :meth:`Pacer.hold <timbot.shared.pacing.Pacer.hold>` does: a call that reached Tencent late (a busy
    event loop, a slow connection) can never crowd the next one into its window. A call that dies in
    flight counts as ended after ``hold_limit`` seconds. A caller cancelled while it waits gives its slot
    back.

    Export calls (``priority`` above 0) yield: they take only a slot free now, never the last of a window,
    and otherwise come back when told, so interactive calls, which reserve ahead, go first. When Redis is
    lost, calls are paced by ``local`` (this process's share only) until it is back.

    Args:
        shared: the bot's Redis.
        name: the budget's name in its key (the endpoint).
        rate_per_second: the most calls in any second, for all processes together.
        margin: seconds added to the window.
        window: the window the server counts calls in.
        hold_limit: seconds after which a call still in flight (its process died) counts as ended.
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
        hold_limit: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.local = Pacer(rate_per_second=rate_per_second, margin=margin, window=window, sleep=sleep)
        self.limit, self.span = self.local.limit, self.local.span
        self._shared = shared
        self._keys = [shared.keys("pace", name, part) for part in ("slots", "ends", "flying")]
        self._limits: list[str | int] = [self.limit, math.ceil(self.span * 1_000_000)]
        self._hold = math.ceil(hold_limit * 1_000_000)
        self._reserve, self._go, self._end = (shared.client.register_script(s) for s in (RESERVE, GO, END))
        self._sleep = sleep
        self._random = random.Random()
        self._ending: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        return f"RedisPacer({self._keys[0]!r}, limit={self.limit}, span={self.span:.3f})"

    async def _script(self, script: AsyncScript, *args: str | int) -> Any:
        return await self._shared.run(lambda _: script(keys=self._keys, args=[*self._limits, *args]))

    async def _give_back(self, slot: str) -> None:
        with contextlib.suppress(SharedUnavailable):
            await self._shared.run(lambda client: client.lrem(self._keys[0], 1, slot))

    async def _take(self, call: str, yields: bool) -> bool:
        """Wait for the call's turn; False when Redis was lost on the way (pace in-process then)."""
        try:
            while True:
                answer = await self._script(self._reserve, "1" if yields else "0", "", call, self._hold)
                wait = int(answer[1]) / 1_000_000
                if int(answer[0]):
                    break
                await self._sleep(wait * self._random.uniform(1.0, 1.2) + 0.001)  # spread, not all at once
            if int(answer[0]) == 2:
                return True
            slot = answer[2].decode() if isinstance(answer[2], bytes) else str(answer[2])
            try:
                while True:
                    if wait > 0:
                        await self._sleep(wait)
                    left = int(await self._script(self._go, call, self._hold))
                    if left == 0:
                        return True
                    wait = left / 1_000_000 if left > 0 else _LOOK
            except asyncio.CancelledError:  # the slot back, and the call ended if GO let it start
                await asyncio.shield(self._give_back(slot))
                self._end_later(call)
                raise
        except SharedUnavailable:
            return False

    @contextlib.asynccontextmanager
    async def hold(self, priority: int = 0) -> AsyncIterator[None]:
        """Wait for a slot in the shared budget, then run the call inside the block.

        Args:
            priority: 0 (interactive) reserves ahead; above 0 (export) yields to it.
        """
        call = secrets.token_hex(8)
        if not await self._take(call, priority > 0):
            async with self.local.hold(priority):
                yield
            return
        try:
            yield
        finally:
            self._end_later(call)

    def _end_later(self, call: str) -> None:
        """Send the call's end on the side: the caller's answer need not wait for it."""
        ending = asyncio.get_running_loop().create_task(self._finish(call))
        self._ending.add(ending)
        ending.add_done_callback(self._ending.discard)

    async def _finish(self, call: str) -> None:
        with contextlib.suppress(SharedUnavailable):
            await self._script(self._end, call)
