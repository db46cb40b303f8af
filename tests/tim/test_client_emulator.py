"""TimClient against the built-in emulator (in process): walks, pacing against its limits, faults."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pytest

from tests.tim.walks import iter_appid_groups, iter_av_members, iter_joined_groups
from timbot.emulator import DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.emulator.limits import RateLimits
from timbot.errors import TimApiError
from timbot.tim.client import TimClient

LIST = "group_open_http_svc/get_appid_group_list"


def client_for(emulator: Emulator, **overrides: Any) -> TimClient:
    options: dict[str, Any] = {
        "sdkappid": DEMO_SDKAPPID,
        "secret_key": DEMO_KEY,
        "admin": DEMO_ADMIN,
        "base_url": "https://console.tim.qq.com",
        "transport": emulator.transport(),
        "backoff": 0.001,
    }
    options.update(overrides)
    return TimClient(**options)


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


async def test_walk_all_groups_with_a_small_limit() -> None:
    emulator = Emulator(enforce_rate_limits=False)
    async with client_for(emulator, list_rate=1000.0) as client:
        seen = [g async for g in iter_appid_groups(client, limit=100)]
        first = await client.get_appid_group_list(limit=3)
        rooms = [g async for g in iter_appid_groups(client, group_type="BChatRoom", limit=7)]
    truth = [g.group_id for g in emulator.data.groups]
    assert len(seen) == len(set(seen)) == len(truth)
    assert set(seen) == set(truth)
    assert first.total_count == len(truth)
    assert sorted(rooms) == sorted(g.group_id for g in emulator.data.groups if g.type == "BChatRoom")
    assert all(c.code == 0 for c in emulator.calls)


async def test_walk_joined_groups_and_live_room_members() -> None:
    emulator = Emulator(enforce_rate_limits=False)
    user = emulator.data.users[0]
    room = next(g.group_id for g in emulator.data.groups if g.type == "AVChatRoom")
    async with client_for(emulator) as client:
        total = (
            await client.get_joined_group_list(member_account=user, limit=1, with_huge_groups=True)
        ).total_count
        joined = [g.group_id async for g in iter_joined_groups(client, member_account=user, limit=7,
                                                                      with_huge_groups=True)]  # fmt: skip
        members = [m.member_account async for m in iter_av_members(client, group_id=room)]
    assert total > 0 and len(joined) == len(set(joined)) == total
    assert len(members) == len(set(members))


async def test_ten_concurrent_group_lists_are_paced_to_the_emulator_limit() -> None:
    # The emulator's clock runs 10x fast, so its 1/s limit is 10/s of real time; the client paces at 10/s.
    emulator = Emulator()
    emulator.limits = RateLimits(clock=lambda: time.monotonic() * 10)
    async with client_for(emulator, list_rate=10.0, cache_ttl=0) as client:
        await asyncio.gather(*(client.get_appid_group_list(limit=5, next=i) for i in range(10)))
    calls = [c for c in emulator.calls if c.endpoint == LIST]
    assert len(calls) == 10
    assert [c.code for c in calls] == [0] * 10  # no 60007
    assert min(gaps([c.at for c in calls])) >= 0.1


async def test_group_lists_are_one_per_second_against_the_real_limit() -> None:
    emulator = Emulator()
    async with client_for(emulator, cache_ttl=0) as client:
        await asyncio.gather(
            *(client.get_appid_group_list(group_type=t) for t in ("Public", "Private", "ChatRoom"))
        )
    calls = [c for c in emulator.calls if c.endpoint == LIST]
    assert [c.code for c in calls] == [0, 0, 0]
    assert min(gaps([c.at for c in calls])) >= 1.0


@pytest.mark.parametrize("code", [10002, 70001])
async def test_scripted_fault_then_ok_succeeds(code: int) -> None:
    emulator = Emulator()
    emulator.faults.error(code, times=1)
    async with client_for(emulator) as client:
        infos = await client.get_group_info([emulator.data.groups[0].group_id])
    assert infos[0].error_code == 0 and infos[0].name
    assert [c.code for c in emulator.calls] == [code, 0]
    if code == 70001:
        assert emulator.calls[0].usersig != emulator.calls[1].usersig != ""


async def test_invalid_parameter_fails_at_once_with_its_explanation() -> None:
    emulator = Emulator()
    emulator.faults.error(10004, times=1)
    async with client_for(emulator) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_members(group_id=emulator.data.groups[0].group_id)
    assert caught.value.code == 10004 and "parameter" in caught.value.explanation
    assert len(emulator.calls) == 1


async def test_a_wrong_group_type_is_refused_by_the_emulator_at_once() -> None:
    emulator = Emulator()
    async with client_for(emulator) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_appid_group_list(group_type="NoSuchType")
    assert caught.value.code == 10004 and len(emulator.calls) == 1
