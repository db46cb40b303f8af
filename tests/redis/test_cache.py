"""The shared answer cache and users.info records against a real server: one call for concurrent identical
requests in several processes, hits across them, bounds, expiry, and bots that never read each other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from tests.redisserver import RedisServer
from timbot.shared.cache import SingleFlightCache
from timbot.shared.records import Records
from timbot.shared.redis_cache import RedisAnswerCache
from timbot.shared.store import Keys, SharedRedis, redis_client


class Tencent:
    """A factory that counts its calls, answers after ``delay`` (or fails ``fail`` times first)."""

    def __init__(self, *, delay: float = 0.2, fail: int = 0, size: int = 10) -> None:
        self.calls, self.delay, self.fail, self.size = 0, delay, fail, size

    async def answer(self) -> bytes:
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.fail:
            self.fail -= 1
            raise RuntimeError("Tencent failed")
        return b"x" * self.size


@pytest.fixture
async def connect(redis_server: RedisServer, redis_prefix: str) -> AsyncIterator[Callable[..., SharedRedis]]:
    """Makes the shared Redis of one process of a bot (``prefix``, ``sdkappid``), closed after the test."""
    made: list[SharedRedis] = []

    def make(*, prefix: str = redis_prefix, sdkappid: int = 1) -> SharedRedis:
        keys = Keys(prefix=prefix, sdkappid=sdkappid)
        shared = SharedRedis(client=redis_client(redis_server.url), keys=keys)
        made.append(shared)
        return shared

    yield make
    for shared in made:
        await shared.aclose()


def cache_of(shared: SharedRedis, **options: Any) -> RedisAnswerCache:
    return RedisAnswerCache(shared=shared, ttl=30, entry_bytes=1000,
                            local=SingleFlightCache(maxsize=10_000, ttl=30, getsizeof=len), **options)


async def test_concurrent_identical_requests_in_three_processes_make_one_call(
    connect: Callable[..., SharedRedis],
) -> None:
    caches = [cache_of(connect()) for _ in range(3)]
    tencent = Tencent()
    key = ("group_open_http_svc/get_appid_group_list", '{"Limit":20}')
    answers = await asyncio.gather(*(c.get_or_call(key, tencent.answer) for c in caches for _ in range(4)))
    assert tencent.calls == 1 and set(answers) == {b"x" * 10}
    assert await cache_of(connect()).get_or_call(key, tencent.answer) == b"x" * 10  # a fourth: a hit
    assert tencent.calls == 1


async def test_a_failed_call_is_not_cached_and_the_others_call_themselves(
    connect: Callable[..., SharedRedis],
) -> None:
    one, other = cache_of(connect()), cache_of(connect())
    tencent = Tencent(fail=1)
    key = ("e", "{}")
    leader = asyncio.create_task(one.get_or_call(key, tencent.answer))
    await asyncio.sleep(0.05)
    assert await other.get_or_call(key, tencent.answer) == b"x" * 10  # after the leader failed
    with pytest.raises(RuntimeError):
        await leader
    assert tencent.calls == 2


async def test_a_process_that_dies_mid_call_delays_the_others_by_its_lock_only(
    connect: Callable[..., SharedRedis],
) -> None:
    dying, waiting = connect(), cache_of(connect())
    key = ("e", '{"dead":1}')
    flight = waiting._names(key)[1]
    await dying.run(lambda r: r.set(flight, "dead-process", px=400))  # a lock nobody renews
    tencent = Tencent(delay=0.0)
    started = asyncio.get_running_loop().time()
    assert await waiting.get_or_call(key, tencent.answer) == b"x" * 10
    assert tencent.calls == 1 and 0.35 < asyncio.get_running_loop().time() - started < 1.5


async def test_entries_expire_and_none_is_written_over_its_bound(
    connect: Callable[..., SharedRedis], redis_prefix: str
) -> None:
    shared = connect()
    cache = cache_of(shared)
    small, large = Tencent(delay=0, size=1000), Tencent(delay=0, size=1001)
    assert await cache.get_or_call(("e", "small"), small.answer) == b"x" * 1000
    assert await cache.get_or_call(("e", "large"), large.answer) == b"x" * 1001  # returned, not kept
    await cache.get_or_call(("e", "large"), large.answer)
    assert small.calls == 1 and large.calls == 2
    keys = [k async for k in shared.client.scan_iter(match=f"{redis_prefix}*")]
    assert len(keys) == 1 and keys[0].startswith(f"{redis_prefix}1:answer:".encode())
    assert 0 < await shared.client.pttl(keys[0]) <= 30_000


async def test_another_bot_or_prefix_never_reads_the_first_ones_entries(
    connect: Callable[..., SharedRedis], redis_prefix: str
) -> None:
    key = ("e", "{}")
    first, tencent = cache_of(connect()), Tencent(delay=0)
    await first.get_or_call(key, tencent.answer)
    await cache_of(connect(sdkappid=2)).get_or_call(key, tencent.answer)
    await cache_of(connect(prefix=f"other-{redis_prefix}")).get_or_call(key, tencent.answer)
    assert tencent.calls == 3
    records = Records(kind="slack-user", ttl=300, size=10, shared=connect())
    await records.put("T0TEAM:U0ALICE", {"id": "U0ALICE", "locale": "ja-JP"})
    assert await Records(kind="slack-user", ttl=300, size=10, shared=connect()).get("T0TEAM:U0ALICE") == {
        "id": "U0ALICE", "locale": "ja-JP"}
    assert await Records(kind="slack-user", ttl=300, size=10, shared=connect(sdkappid=2)).get(
        "T0TEAM:U0ALICE") is None
    assert await Records(kind="slack-user", ttl=300, size=10, shared=connect()).get("T0OTHER:U0ALICE") is None


async def test_every_key_expires_and_is_named_under_the_prefix_and_sdkappid(
    redis_server: RedisServer, connect: Callable[..., SharedRedis], redis_prefix: str
) -> None:
    shared = connect(sdkappid=1400000001)
    await cache_of(shared).get_or_call(("e", "{}"), Tencent(delay=0).answer)
    await Records(kind="slack-user", ttl=300, size=10, shared=shared).put("T:U", {"id": "U"})
    plain = aioredis.Redis.from_url(redis_server.url)
    try:
        keys = [k async for k in plain.scan_iter(match=f"{redis_prefix}*")]
        assert len(keys) == 2
        for name in keys:
            assert name.startswith(f"{redis_prefix}1400000001:".encode())
            assert await plain.pttl(name) > 0
    finally:
        await plain.aclose()
