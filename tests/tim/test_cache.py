"""SingleFlightCache: TTL hits, bounded size, shared in-flight calls, failures not cached."""

from __future__ import annotations

import asyncio

import pytest

from timbot.tim.cache import SingleFlightCache


class Timer:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Factory:
    def __init__(self, delay: float = 0.0, fail: int = 0) -> None:
        self.calls = 0
        self.delay = delay
        self.fail = fail
        self.finished = 0

    async def __call__(self) -> str:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.calls <= self.fail:
            raise RuntimeError(f"boom {self.calls}")
        self.finished += 1
        return f"value {self.calls}"


async def test_hit_within_ttl_and_miss_after() -> None:
    timer = Timer()
    cache: SingleFlightCache[str] = SingleFlightCache(maxsize=10, ttl=30, timer=timer)
    factory = Factory()
    assert await cache.get_or_call("k", factory) == "value 1"
    timer.now = 29
    assert await cache.get_or_call("k", factory) == "value 1"
    assert factory.calls == 1 and len(cache) == 1  # the second answer came from the cache
    timer.now = 31
    assert await cache.get_or_call("k", factory) == "value 2"
    assert factory.calls == 2


async def test_different_keys_are_different_entries_and_size_is_bounded() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(maxsize=3, ttl=30)
    factory = Factory()
    for key in "abcde":
        await cache.get_or_call(key, factory)
    assert factory.calls == 5
    assert len(cache) == 3
    await cache.get_or_call("e", factory)
    assert factory.calls == 5


async def test_ten_concurrent_identical_requests_share_one_call() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(ttl=30)
    factory = Factory(delay=0.02)
    results = await asyncio.gather(*(cache.get_or_call("k", factory) for _ in range(10)))
    assert results == ["value 1"] * 10
    assert factory.calls == 1


async def test_sharing_works_with_ttl_zero_but_nothing_is_kept() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(ttl=0)
    factory = Factory(delay=0.02)
    results = await asyncio.gather(*(cache.get_or_call("k", factory) for _ in range(5)))
    assert results == ["value 1"] * 5
    assert await cache.get_or_call("k", factory) == "value 2"
    assert factory.calls == 2 and len(cache) == 0


async def test_failures_reach_every_waiter_and_are_not_cached() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(ttl=30)
    factory = Factory(delay=0.01, fail=1)
    results = await asyncio.gather(
        *(cache.get_or_call("k", factory) for _ in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) and str(r) == "boom 1" for r in results)
    assert factory.calls == 1
    assert await cache.get_or_call("k", factory) == "value 2"


async def test_a_cancelled_waiter_does_not_cancel_the_shared_call() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(ttl=30)
    factory = Factory(delay=0.05)
    first = asyncio.create_task(cache.get_or_call("k", factory))
    second = asyncio.create_task(cache.get_or_call("k", factory))
    await asyncio.sleep(0.01)
    first.cancel()
    assert await second == "value 1"
    with pytest.raises(asyncio.CancelledError):
        await first
    assert factory.calls == 1 and factory.finished == 1


async def test_aclose_cancels_calls_in_flight() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(ttl=30)
    factory = Factory(delay=10)
    waiter = asyncio.create_task(cache.get_or_call("k", factory))
    await asyncio.sleep(0.01)
    await cache.aclose()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert factory.finished == 0
