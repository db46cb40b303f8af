"""The answer cache is bounded by size, not only by count: big answers cannot pile up in memory."""

from __future__ import annotations

import asyncio

from timbot.tim.cache import SingleFlightCache

from .conftest import Recorder, make_client, ok


async def test_size_bound_evicts_by_total_size_and_skips_values_too_large_to_keep() -> None:
    cache: SingleFlightCache[bytes] = SingleFlightCache(maxsize=100, ttl=30, getsizeof=len)
    made: list[str] = []

    def factory(key: str, size: int):  # type: ignore[no-untyped-def]
        async def make() -> bytes:
            made.append(key)
            return b"x" * size

        return make

    for key in "abc":
        await cache.get_or_call(key, factory(key, 40))
    assert len(cache) == 2 and cache.currsize == 80  # "a" went to make room for "c"
    assert await cache.get_or_call("c", factory("c", 40)) == b"x" * 40 and made == ["a", "b", "c"]
    assert await cache.get_or_call("big", factory("big", 150)) == b"x" * 150  # returned ...
    await cache.get_or_call("big", factory("big", 150))
    assert made.count("big") == 2 and cache.currsize <= 100  # ... but never kept


async def test_client_cache_stays_within_its_byte_budget_and_hands_out_separate_copies() -> None:
    members = [{"Member_Account": f"user{i:05d}", "Role": "Member", "JoinTime": 1700000000 + i}
               for i in range(100)]  # ~6 KB of JSON per answer

    def answer(request, body):  # type: ignore[no-untyped-def]
        return ok(MemberList=members, NextTimestamp=0)

    recorder = Recorder(handler=answer)
    async with make_client(recorder, cache_bytes=20_000, cache_size=1000) as client:
        for i in range(20):
            await client.call("group_open_avchatroom_http_svc/get_members", {"GroupId": f"@TGS#{i}"})
        cache = client._path.cache
        assert 0 < cache.currsize <= 20_000 and len(cache) <= 3  # 20 answers asked for, ~3 fit
        again = await client.call("group_open_avchatroom_http_svc/get_members", {"GroupId": "@TGS#19"})
        assert len(recorder.requests) == 20  # the latest answer was served from the cache
        again["MemberList"].clear()  # a caller mangling its copy does not touch the cached answer
        third = await client.call("group_open_avchatroom_http_svc/get_members", {"GroupId": "@TGS#19"})
        assert len(third["MemberList"]) == 100


async def test_client_cache_also_bounds_the_number_of_answers() -> None:
    recorder = Recorder(handler=lambda request, body: ok(GroupIdList=[], TotalCount=0, Next=0))
    async with make_client(recorder, cache_size=4) as client:
        await asyncio.gather(*(client.get_appid_group_list(next=i + 1) for i in range(10)))
        assert len(client._path.cache) == 4
