"""Pacing: never more calls in any one-second window than Tencent allows, bursts under the limit at once."""

from __future__ import annotations

import asyncio
import itertools
import random
import time

import pytest

from timbot.tim.pacing import Pacer

from .conftest import Recorder, make_client, ok


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def most_in_any_window(times: list[float], window: float) -> int:
    """The most calls a server counting a sliding ``window`` (half-open, ``(t - window, t]``) ever sees."""
    times = sorted(times)
    most, first = 0, 0
    for last, t in enumerate(times):
        while times[first] <= t - window:
            first += 1
        most = max(most, last - first + 1)
    return most


class VirtualTime:
    """A clock that moves only when the pacer sleeps (plus ``late``: a loop that wakes up late)."""

    def __init__(self, *, late: float = 0.0, seed: int = 0) -> None:
        self.now = 1000.0
        self.late = late
        self.sleeps: list[float] = []
        self._random = random.Random(seed)

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay + self._random.uniform(0, self.late)
        await asyncio.sleep(0)

    def pacer(self, rate: float, margin: float = 0.0) -> Pacer:
        return Pacer(rate_per_second=rate, margin=margin, clock=self.clock, sleep=self.sleep)


async def run_callers(vt: VirtualTime, pacer: Pacer, n: int) -> tuple[list[int], list[float]]:
    """``n`` concurrent callers; returns the order they got through and the (virtual) times."""
    order: list[int] = []
    passed: list[float] = []

    async def caller(i: int) -> None:
        async with pacer.hold():
            order.append(i)
            passed.append(vt.now)

    await asyncio.gather(*(caller(i) for i in range(n)))
    return order, passed


def test_most_in_any_window_counts_a_sliding_window() -> None:
    assert most_in_any_window([0.0, 0.5, 0.99, 1.0, 1.98], 1.0) == 3
    assert most_in_any_window([0.0, 1.0, 2.0], 1.0) == 1


async def test_a_burst_under_the_limit_is_not_delayed_at_all() -> None:
    vt = VirtualTime()
    order, passed = await run_callers(vt, vt.pacer(200, margin=0.05), 200)
    assert order == list(range(200))  # first come, first served
    assert vt.sleeps == [] and set(passed) == {1000.0}  # all 200 at once: no even spacing


async def test_never_more_than_the_limit_in_any_window_even_with_late_wake_ups() -> None:
    vt = VirtualTime(late=0.03)
    pacer = vt.pacer(200, margin=0.05)
    order, passed = await run_callers(vt, pacer, 1000)
    assert order == list(range(1000))
    assert most_in_any_window(passed, 1.0) == 200  # full windows, never 201
    assert min(b - a for a, b in zip(passed, passed[200:], strict=False)) >= 1.05
    assert passed[-1] - passed[0] < 5 * 1.05 + 5 * 0.03 + 1e-9  # five windows of waiting, no more


async def test_callers_arriving_over_time_share_the_window() -> None:
    vt = VirtualTime(late=0.01, seed=3)
    pacer = vt.pacer(10, margin=0.05)
    passed: list[float] = []

    async def caller() -> None:
        async with pacer.hold():
            pass
        passed.append(vt.now)

    for _ in range(6):  # 6 waves of 4 callers, 0.3 s apart: 40 calls/s asked for, 10 allowed
        await asyncio.gather(*(caller() for _ in range(4)))
        vt.now += 0.3
    assert len(passed) == 24
    assert most_in_any_window(passed, 1.0) <= 10
    assert passed[:10] == sorted(passed[:10]) and passed[9] - passed[0] < 1.0  # the first 10 did not wait


async def test_one_per_window_for_the_group_list_rate() -> None:
    vt = VirtualTime(late=0.02, seed=1)
    _, passed = await run_callers(vt, vt.pacer(1, margin=0.05), 6)
    assert min(gaps(passed)) >= 1.05
    assert most_in_any_window(passed, 1.0) == 1


async def test_hold_counts_a_call_from_its_end_so_a_late_request_cannot_shorten_the_window() -> None:
    vt = VirtualTime()
    pacer = vt.pacer(1, margin=0.05)
    calls: list[tuple[float, float]] = []

    async def call(duration: float) -> None:
        async with pacer.hold():
            start = vt.now
            vt.now += duration  # the request left late and/or Tencent took its time
            await asyncio.sleep(0)
            calls.append((start, vt.now))

    await asyncio.gather(call(0.4), call(0.1), call(0.2))
    assert len(calls) == 3
    for (_, end), (start, _) in itertools.pairwise(calls):
        assert start >= end + 1.05  # wherever in (start, end) Tencent saw a call, the next is 1 s later


async def test_hold_does_not_delay_a_burst_under_the_limit() -> None:
    vt = VirtualTime()
    pacer = vt.pacer(200, margin=0.05)
    starts: list[float] = []

    async def call() -> None:
        async with pacer.hold():
            starts.append(vt.now)
            await asyncio.sleep(0)

    await asyncio.gather(*(call() for _ in range(200)))
    assert vt.sleeps == [] and set(starts) == {1000.0}
    await call()  # the 201st: one span after the first 200 ended
    assert vt.sleeps and starts[-1] >= 1000.0 + 1.05


async def test_cancelled_waiter_does_not_break_the_limit_for_the_others() -> None:
    vt = VirtualTime()
    pacer = vt.pacer(2)
    passed: list[float] = []

    async def caller() -> None:
        async with pacer.hold():
            pass
        passed.append(vt.now)

    tasks = [asyncio.create_task(caller()) for _ in range(7)]
    await asyncio.sleep(0)
    tasks[3].cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert len(passed) == 6
    assert most_in_any_window(passed, 1.0) == 2


async def test_pacer_on_the_real_clock() -> None:
    pacer = Pacer(rate_per_second=4, margin=0.05)
    passed: list[float] = []

    async def caller() -> None:
        async with pacer.hold():
            pass
        passed.append(time.monotonic())

    await asyncio.gather(*(caller() for _ in range(9)))
    assert min(b - a for a, b in zip(passed, passed[4:], strict=False)) >= 1.05
    assert most_in_any_window(passed, 1.0) == 4


def test_pacer_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        Pacer(rate_per_second=0)
    with pytest.raises(ValueError):
        Pacer(rate_per_second=1, margin=-1)
    with pytest.raises(ValueError):
        Pacer(rate_per_second=1, window=0)
    assert (Pacer(rate_per_second=200).limit, Pacer(rate_per_second=200).span) == (200, 1.0)
    assert (Pacer(rate_per_second=0.5).limit, Pacer(rate_per_second=0.5).span) == (1, 2.0)
    fast = Pacer(rate_per_second=10, window=0.1)
    assert (fast.limit, fast.span) == (1, 0.1)


async def test_group_list_is_one_per_second_for_real() -> None:
    recorder = Recorder(handler=lambda request, body: ok(GroupIdList=[], TotalCount=0, Next=0))
    async with make_client(recorder, list_rate=1.0, cache_ttl=0) as client:
        await asyncio.gather(
            *(client.get_appid_group_list(group_type=t) for t in ("Public", "Private", "ChatRoom"))
        )
    assert len(recorder.times) == 3
    assert min(gaps(recorder.times)) >= 1.0
    assert [b["GroupType"] for b in recorder.bodies] == ["Public", "Private", "ChatRoom"]  # in order


async def test_other_apis_are_paced_separately_and_in_windows() -> None:
    recorder = Recorder(handler=lambda request, body: ok(MemberList=[], NextTimestamp=0, GroupIdList=[]))
    async with make_client(recorder, list_rate=1.0, other_rate=5.0, cache_ttl=0) as client:
        await client.get_appid_group_list()  # takes the 1/s slot: the others must not wait for it
        await asyncio.gather(*(client.get_members(group_id=f"@TGS#{i}") for i in range(8)))
    members = recorder.times[1:]
    assert len(members) == 8
    assert most_in_any_window(members, 1.0) == 5  # five at once, the other three a window later
    assert members[5] - members[0] >= 1.0
    assert members[4] - recorder.times[0] < 3.0  # not behind the list call's 1 s slot


async def test_interactive_calls_go_before_queued_export_calls() -> None:
    """Four export calls queued, then three interactive ones: these wait behind at most the one export call
    already waiting for its slot, and the budget stays one call per 0.11 s for both kinds."""
    pacer = Pacer(rate_per_second=10, window=0.1, margin=0.01)
    order: list[tuple[str, float]] = []
    started = time.monotonic()

    async def call(kind: str, priority: int) -> None:
        async with pacer.hold(priority):
            order.append((kind, time.monotonic() - started))

    exports = [asyncio.create_task(call("export", 1)) for _ in range(4)]
    await asyncio.sleep(0.05)
    arrived = time.monotonic() - started
    await asyncio.gather(*(call("interactive", 0) for _ in range(3)), *exports)
    last_interactive = max(t for kind, t in order if kind == "interactive")
    between = [t for kind, t in order if kind == "export" and arrived < t < last_interactive]
    assert len(between) <= 1, order
    assert [kind for kind, _ in order].count("export") == 4
    assert min(b - a for a, b in itertools.pairwise([t for _, t in order])) >= 0.105, order


async def test_a_cancelled_waiter_passes_its_turn_on() -> None:
    pacer = Pacer(rate_per_second=10, window=0.1, margin=0.01)
    async with pacer.hold():
        pass
    waiting = [asyncio.create_task(pacer.hold(1).__aenter__()) for _ in range(2)]
    await asyncio.sleep(0.02)
    waiting[0].cancel()
    await asyncio.wait_for(waiting[1], 1.0)  # the second still gets its turn
    assert waiting[0].cancelled()
