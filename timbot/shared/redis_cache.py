"""``RedisAnswerCache``: Tencent's answers in Redis for every process, one call per miss across them."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Protocol

from redis.asyncio import Redis

from timbot.errors import SharedUnavailable
from timbot.shared.cache import SingleFlightCache
from timbot.shared.store import SharedRedis

__all__ = ["AnswerCache", "RedisAnswerCache"]

#: The answer (KEYS[1]), or the lock of the flight that fetches it (KEYS[2], ARGV: token, its expiry in ms):
#: {1, answer}, {2} (the lock is ours: call), or {0} (another process is calling).
_LOOK_OR_LOCK = """
local answer = redis.call('GET', KEYS[1])
if answer then return {1, answer} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {2} end
return {0}
"""
#: Keep the answer (ARGV[3] "1": ARGV[4] for ARGV[2] ms) and end the flight if its lock is still ours
#: (ARGV[1]; it may have expired and been taken by another process).
_STORE_AND_UNLOCK = """
if ARGV[3] == '1' then redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[2]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
"""


class AnswerCache(Protocol):
    """What the call path needs of an answer cache (in-process :class:`SingleFlightCache`, or Redis)."""

    async def get_or_call(self, key: Hashable, factory: Callable[[], Awaitable[bytes]]) -> bytes:
        """The cached answer for ``key``, or ``await factory()`` once for every concurrent caller."""
        ...

    async def aclose(self) -> None:
        """Cancel the calls in flight."""
        ...


class RedisAnswerCache:
    """Answers (JSON bytes) kept in Redis for ``ttl`` seconds, with single flight across processes.

    A miss takes a lock in Redis (``SET NX`` with a short expiry, renewed while the call runs): the process
    that gets it calls Tencent and stores the answer; the others poll for that answer every ``poll``
    seconds, for as long as the lock lives and at most ``wait`` seconds, then call Tencent themselves (the
    lock's holder failed, died or is too slow). Inside a process, concurrent identical requests share one
    such flight. An answer larger than ``entry_bytes`` is returned but never written; every key expires.
    When Redis is lost, ``local`` (an in-process :class:`SingleFlightCache` of the same bounds) serves.

    Args:
        shared: the bot's Redis.
        ttl: seconds an answer is reused (above 0).
        entry_bytes: the largest answer written to Redis.
        local: the in-process cache used while Redis is lost.
        wait: the most seconds a process waits for another's call.
        lock_ttl: seconds a lock lives unless renewed (its holder renews it every third of that).
        poll: seconds between looks for another process's answer.
    """

    def __init__(
        self,
        *,
        shared: SharedRedis,
        ttl: float,
        entry_bytes: int,
        local: SingleFlightCache[bytes],
        wait: float = 30.0,
        lock_ttl: float = 3.0,
        poll: float = 0.02,
    ) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive (without caching, use SingleFlightCache)")
        self.ttl, self.entry_bytes, self.local = ttl, entry_bytes, local
        self._shared = shared
        self._wait, self._lock_ms, self._poll = wait, max(1, int(lock_ttl * 1000)), poll
        self._flights: SingleFlightCache[bytes] = SingleFlightCache(ttl=0)  # in-process sharing only
        self._look_or_lock = shared.client.register_script(_LOOK_OR_LOCK)
        self._store_and_unlock = shared.client.register_script(_STORE_AND_UNLOCK)
        self.stored = 0

    def _names(self, key: Hashable) -> tuple[str, str]:
        digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
        return self._shared.keys("answer", digest), self._shared.keys("flight", digest)

    async def get_or_call(self, key: Hashable, factory: Callable[[], Awaitable[bytes]]) -> bytes:
        """The answer for ``key`` from Redis, or from one call shared by every process asking now.

        Args:
            key: identifies the request (endpoint and canonical body); hashed into the key name.
            factory: makes the call; awaited at most once in this process per miss.
        """
        if not self._shared.available:
            return await self.local.get_or_call(key, factory)
        return await self._flights.get_or_call(key, lambda: self._across(key, factory))

    async def _across(self, key: Hashable, factory: Callable[[], Awaitable[bytes]]) -> bytes:
        names = list(self._names(key))
        token = secrets.token_hex(8)
        try:
            found: list[Any] = await self._shared.run(
                lambda _: self._look_or_lock(keys=names, args=[token, self._lock_ms])
            )
            if int(found[0]) == 1:
                return bytes(found[1])
            answer = None if int(found[0]) == 2 else await self._follow(*names)
        except SharedUnavailable:
            return await self.local.get_or_call(key, factory)
        if int(found[0]) == 2:  # the lock is ours
            return await self._lead(names, token, factory)
        if answer is not None:
            return answer
        return await self._store(names[0], await factory())

    async def _lead(self, names: list[str], token: str, factory: Callable[[], Awaitable[bytes]]) -> bytes:
        renew = asyncio.get_running_loop().create_task(self._renew(names[1]))
        value: bytes | None = None
        try:
            value = await factory()
            return value
        finally:
            renew.cancel()
            with contextlib.suppress(asyncio.CancelledError, SharedUnavailable):
                await renew
            keep = value is not None and len(value) <= self.entry_bytes
            args: list[str | int | bytes] = [
                token, max(1, int(self.ttl * 1000)), "1" if keep else "0", value if keep and value else b""
            ]
            ending = self._shared.run(lambda _: self._store_and_unlock(keys=names, args=args))
            with contextlib.suppress(asyncio.CancelledError, SharedUnavailable):
                await asyncio.shield(ending)
            if keep:
                self.stored += 1

    async def _renew(self, flight: str) -> None:
        while True:
            await asyncio.sleep(self._lock_ms / 3000)
            await self._shared.run(lambda r: r.pexpire(flight, self._lock_ms))

    async def _follow(self, answer: str, flight: str) -> bytes | None:
        """Another process's answer, or None when its flight ended without one (or took too long)."""
        deadline = time.monotonic() + self._wait
        while time.monotonic() < deadline:
            await asyncio.sleep(self._poll)

            async def look(client: Redis) -> list[object]:
                pipe = client.pipeline(transaction=False)
                pipe.get(answer)
                pipe.exists(flight)
                return list(await pipe.execute())

            found: list[object] = await self._shared.run(look)
            value, flying = found
            if isinstance(value, bytes):
                return value
            if not flying:
                return None
        return None

    async def _store(self, answer: str, value: bytes) -> bytes:
        if len(value) <= self.entry_bytes:
            with contextlib.suppress(SharedUnavailable):
                await self._shared.run(lambda r: r.set(answer, value, px=max(1, int(self.ttl * 1000))))
                self.stored += 1
        return value

    async def aclose(self) -> None:
        """Cancel the calls in flight (in Redis, their locks expire)."""
        await self._flights.aclose()
        await self.local.aclose()
