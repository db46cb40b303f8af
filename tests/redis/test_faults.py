"""Redis faults seen by the Tencent client: unreachable at start-up, lost mid-run, too slow. Every call is
still answered (in-process), one warning per outage, shared again when Redis is back."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from tests.redisserver import RedisServer
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.shared.store import Keys, SharedRedis, redis_client
from timbot.tim.client import TimClient

USERS = Emulator(enforce_rate_limits=False).data.users[:8]


@pytest.fixture(scope="module")
def server() -> Iterator[RedisServer]:
    """A server of this module's own: its tests stop, freeze and restart it."""
    with RedisServer() as running:
        yield running


@pytest.fixture
async def client(server: RedisServer, redis_prefix: str) -> AsyncIterator[TimClient]:
    """The production client on the emulator, sharing through ``server`` (pinged every 0.2 s when lost)."""
    server.start()
    shared = SharedRedis(client=redis_client(server.url, timeout=0.3),
                         keys=Keys(prefix=redis_prefix, sdkappid=DEMO_SDKAPPID), probe_every=0.2)
    async with TimClient(sdkappid=DEMO_SDKAPPID, secret_key=DEMO_KEY, base_url="http://emulator.test",
                         transport=Emulator(enforce_rate_limits=False).transport(), shared=shared) as tim:
        yield tim
    await shared.aclose()
    server.start()


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "timbot.shared" and r.levelno >= logging.WARNING]


async def until(shared: SharedRedis) -> None:
    """Wait (at most 5 s) until ``shared`` uses Redis again."""
    deadline = time.monotonic() + 5.0
    while not shared.available:
        assert time.monotonic() < deadline, "Redis never came back"
        await asyncio.sleep(0.05)


async def test_lost_mid_run_every_call_answered_one_warning_then_shared_again(
    server: RedisServer, client: TimClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "timbot.shared")
    assert client.shared is not None
    await client.get_joined_group_list(member_account=USERS[0])
    assert client.calls_made == 1
    server.stop()
    pages = [await client.get_joined_group_list(member_account=USERS[1 + i]) for i in range(5)]
    assert len(pages) == 5 and not client.shared.available
    await client.get_joined_group_list(member_account=USERS[1])
    assert client.calls_made == 6  # a hit of the in-process cache while Redis is away
    assert len(warnings_of(caplog)) == 1 and "lost" in warnings_of(caplog)[0]
    server.start()
    await until(client.shared)
    assert any("back" in r.getMessage() for r in caplog.records)
    await client.get_joined_group_list(member_account=USERS[0])  # the restarted Redis is empty
    assert client.calls_made == 7
    keys = [k async for k in client.shared.client.scan_iter(match=f"{client.shared.keys.base}*")]
    assert any(b":answer:" in k for k in keys) and any(b":pace:" in k for k in keys)  # shared again


async def test_a_frozen_redis_costs_one_timeout_then_nothing(
    server: RedisServer, client: TimClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert client.shared is not None
    await client.get_joined_group_list(member_account=USERS[0])
    server.pause()
    try:
        started = time.monotonic()
        await client.get_joined_group_list(member_account=USERS[6])
        first = time.monotonic() - started
        started = time.monotonic()
        await client.get_joined_group_list(member_account=USERS[7])
        second = time.monotonic() - started
    finally:
        server.resume()
    assert first < 1.0 and second < 0.1, (first, second)  # 0.3 s: the client's timeout, once
    assert len(warnings_of(caplog)) == 1
    await until(client.shared)


async def test_unreachable_at_start_up_warns_once_works_and_joins_when_it_starts(
    caplog: pytest.LogCaptureFixture, redis_prefix: str
) -> None:
    later = RedisServer()  # its port, closed for now
    shared = SharedRedis(client=redis_client(later.url, timeout=0.3),
                         keys=Keys(prefix=redis_prefix, sdkappid=DEMO_SDKAPPID), probe_every=0.2)
    try:
        assert not await shared.start()
        async with TimClient(sdkappid=DEMO_SDKAPPID, secret_key=DEMO_KEY, base_url="http://emulator.test",
                             transport=Emulator(enforce_rate_limits=False).transport(), shared=shared) as tim:
            for _ in range(3):
                await tim.get_appid_group_list(limit=5)
            assert tim.calls_made == 1  # the in-process cache
            assert len(warnings_of(caplog)) == 1 and "start-up" in warnings_of(caplog)[0]
            later.start()
            await until(shared)
            await tim.get_appid_group_list(limit=6)
            keys = [k async for k in shared.client.scan_iter(match=f"{redis_prefix}*")]
            assert any(b":answer:" in k for k in keys)
    finally:
        await shared.aclose()
        later.close()
