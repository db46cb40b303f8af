"""The Redis limiter against a real server: three processes share one budget (1/s and 200/s), in arrival
order, whatever their clocks say; interactive calls go before export calls; a cancelled caller's slot is
given back."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.redisserver import RedisServer
from tests.tim.test_pacing import most_in_any_window
from timbot.shared.redis_pacing import RedisPacer
from timbot.shared.store import Keys, SharedRedis, redis_client

ROOT = Path(__file__).resolve().parents[2]


def run_processes(server: RedisServer, prefix: str, runs: list[dict[str, object]]) -> list[list[float]]:
    """Start one process per entry of ``runs`` (arguments of ``tests.redis.pacer_process``), all released at
    the same wall-clock instant; the true times each let its calls through."""
    start = time.time() + 2.0  # time for the interpreters to start and connect
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.redis.pacer_process",
             json.dumps({"url": server.url, "prefix": prefix, "start": start, **run})],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for run in runs
    ]
    times = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
        times.append([t - start for t in json.loads(out)["times"]])
    return times


def test_three_processes_with_skewed_clocks_make_one_call_a_second(
    redis_server: RedisServer, redis_prefix: str
) -> None:
    """get_appid_group_list's budget (1 call, 1.05 s apart): 3 processes, one clock 30 s fast, one 0.6 s
    slow, 2 callers each in turn: the 6 calls are >= 1 s apart, each process has both, no time wasted."""
    runs: list[dict[str, object]] = [{"rate": 1, "calls": 2, "skew": skew} for skew in (0.0, 30.0, -0.6)]
    per_process = run_processes(redis_server, redis_prefix, runs)
    times = sorted(itertools.chain.from_iterable(per_process))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 6
    assert min(gaps) >= 1.0, gaps
    assert times[-1] - times[0] <= 5 * 1.05 + 0.3, times  # slots reserved back to back: none wasted
    assert [len(p) for p in per_process] == [2, 2, 2]


def test_three_processes_stay_within_200_in_any_second(redis_server: RedisServer, redis_prefix: str) -> None:
    """The other APIs' budget (200 in any 1.05 s): 900 concurrent callers in 3 processes; no 1 s window
    holds more than 200 calls, and they take the ideal time (4 full windows, then the last 100)."""
    runs: list[dict[str, object]] = [{"rate": 200, "calls": 300, "concurrent": 300} for _ in range(3)]
    per_process = run_processes(redis_server, redis_prefix, runs)
    times = sorted(itertools.chain.from_iterable(per_process))
    assert len(times) == 900
    assert most_in_any_window(times, 1.0) <= 200
    assert 4 * 1.05 - 0.05 <= times[-1] - times[0] <= 4 * 1.05 + 0.4, times[-1] - times[0]
    assert all(max(p) - times[0] <= 4 * 1.05 + 0.4 for p in per_process)  # none starved


@pytest.fixture
async def shared_pair(redis_server: RedisServer, redis_prefix: str) -> AsyncIterator[list[SharedRedis]]:
    """Two clients of one bot (two processes' worth of connections)."""
    keys = Keys(prefix=redis_prefix, sdkappid=1)
    pair = [SharedRedis(client=redis_client(redis_server.url), keys=keys) for _ in range(2)]
    yield pair
    for shared in pair:
        await shared.aclose()


def fast_list_pacer(shared: SharedRedis) -> RedisPacer:
    """The 1/s pacer, ten times faster: one call at a time, 0.11 s apart."""
    return RedisPacer(shared=shared, name="list", rate_per_second=10, window=0.1, margin=0.01)


async def test_a_cancelled_caller_gives_its_slot_back(shared_pair: list[SharedRedis]) -> None:
    one, other = fast_list_pacer(shared_pair[0]), fast_list_pacer(shared_pair[1])
    started = time.monotonic()
    async with one.hold():
        pass
    waiting = asyncio.create_task(other.hold().__aenter__())  # reserves the next slot (+0.11 s), waits
    await asyncio.sleep(0.03)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.sleep(0.02)
    async with one.hold():
        went = time.monotonic() - started
    assert 0.1 <= went < 0.18, went  # the cancelled caller's slot, not the one after it (0.22 s)


async def test_interactive_calls_go_before_export_calls(shared_pair: list[SharedRedis]) -> None:
    """Four export calls queued in one process, then three interactive calls in another: the interactive
    ones wait behind at most the one export call already let through."""
    exports, interactive = fast_list_pacer(shared_pair[0]), fast_list_pacer(shared_pair[1])
    order: list[tuple[str, float]] = []
    started = time.monotonic()

    async def call(pacer: RedisPacer, kind: str, priority: int) -> None:
        async with pacer.hold(priority):
            order.append((kind, time.monotonic() - started))

    export_calls = [asyncio.create_task(call(exports, "export", 1)) for _ in range(4)]
    await asyncio.sleep(0.05)
    arrived = time.monotonic() - started
    await asyncio.gather(*(call(interactive, "interactive", 0) for _ in range(3)), *export_calls)
    kinds = [kind for kind, _ in order]
    last_interactive = max(t for kind, t in order if kind == "interactive")
    exports_before = [t for kind, t in order if kind == "export" and arrived < t < last_interactive]
    assert kinds[0] == "export" and len(exports_before) <= 1, order
    assert kinds.count("export") == 4
    times = [t for _, t in order]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.1, order  # one budget for both kinds
