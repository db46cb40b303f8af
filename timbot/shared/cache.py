"""``SingleFlightCache``: a bounded TTL cache where concurrent identical requests share one call."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

__all__ = ["SingleFlightCache"]

T = TypeVar("T")


class SingleFlightCache(Generic[T]):
    """Cache successful results for ``ttl`` seconds and share in-flight calls between callers.

    - A hit returns the cached value without calling anything.
    - Concurrent callers with the same key while the call is running all await that one call.
    - Failures are not cached: every waiter of the failed call gets the exception, the next caller
      calls again.
    - A cancelled waiter does not cancel the shared call for the others (it runs in its own task).
    - ``ttl == 0`` disables caching but keeps the sharing of in-flight calls.

    - With ``getsizeof``, ``maxsize`` bounds the sum of the entries' sizes instead of their number; a
      value larger than ``maxsize`` on its own is returned but not kept.

    Args:
        maxsize: the most entries kept, or the most total size with ``getsizeof`` (least recently used
            go first when full).
        ttl: seconds a result stays valid; 0 disables caching.
        timer: monotonic time source for expiry, injectable for tests.
        getsizeof: the size of a value (e.g. its length in bytes); every entry counts 1 when None.
    """

    def __init__(
        self,
        *,
        maxsize: int = 2048,
        ttl: float = 30.0,
        timer: Callable[[], float] = time.monotonic,
        getsizeof: Callable[[T], float] | None = None,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        if ttl < 0:
            raise ValueError("ttl must not be negative")
        self.ttl = ttl
        self.maxsize = maxsize
        self._cache: TTLCache[Hashable, T] | None = (
            TTLCache(maxsize=maxsize, ttl=ttl, timer=timer, getsizeof=getsizeof) if ttl > 0 else None
        )
        self._inflight: dict[Hashable, asyncio.Task[T]] = {}

    def __len__(self) -> int:
        return 0 if self._cache is None else len(self._cache)

    @property
    def currsize(self) -> float:
        """The total size of the entries kept (their number without ``getsizeof``)."""
        return 0 if self._cache is None else self._cache.currsize

    async def get_or_call(self, key: Hashable, factory: Callable[[], Awaitable[T]]) -> T:
        """Return the cached value for ``key``, or await ``factory()`` once for every concurrent caller.

        Args:
            key: a hashable key identifying the request (e.g. endpoint and canonical body).
            factory: makes the awaitable that computes the value; called at most once per miss.

        Raises:
            Whatever the shared call raised.
        """
        if self._cache is not None:
            try:
                value = self._cache[key]
            except KeyError:
                pass
            else:
                return value
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._run(key, factory))
            self._inflight[key] = task
        return await asyncio.shield(task)

    async def _run(self, key: Hashable, factory: Callable[[], Awaitable[T]]) -> T:
        try:
            value = await factory()
            if self._cache is not None:
                with contextlib.suppress(ValueError):  # too large to keep: returned, not cached
                    self._cache[key] = value
            return value
        finally:
            self._inflight.pop(key, None)

    def clear(self) -> None:
        """Forget every cached value (in-flight calls go on)."""
        if self._cache is not None:
            self._cache.clear()

    async def aclose(self) -> None:
        """Cancel the calls still in flight and wait for them to end."""
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._inflight.clear()
