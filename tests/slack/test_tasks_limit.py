"""The task registry works on at most ``limit`` answers at once; the rest wait their turn and still finish."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from timbot.slack.tasks import ANSWER_LIMIT, TaskRegistry


async def test_at_most_limit_run_at_once_and_every_queued_one_finishes_in_order() -> None:
    registry = TaskRegistry(limit=3)
    running, most, started, finished = 0, 0, [], []

    async def work(n: int) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        started.append(n)
        await asyncio.sleep(0.01)
        running -= 1
        finished.append(n)

    for n in range(10):
        registry.spawn(work(n), name=f"w{n}")
    await asyncio.sleep(0.005)
    assert registry.running == 3 and len(registry) == 10  # 3 at work, 7 queued but tracked
    assert await registry.drain(5.0) == 0  # the drain waits for the queued ones too
    assert most == 3
    assert started == list(range(10))  # first come, first served
    assert sorted(finished) == list(range(10)) and registry.running == 0


async def test_a_failing_task_frees_its_turn() -> None:
    registry = TaskRegistry(limit=1)
    done: list[str] = []

    async def boom() -> None:
        raise RuntimeError("bug")

    async def fine() -> None:
        done.append("fine")

    registry.spawn(boom(), name="boom")
    registry.spawn(fine(), name="fine")
    assert await registry.drain(5.0) == 0
    assert done == ["fine"]


async def test_queued_work_cancelled_at_the_end_of_the_grace_never_starts_and_leaves_no_warning() -> None:
    registry = TaskRegistry(limit=1)
    started: list[int] = []

    async def work(n: int) -> None:
        started.append(n)
        await asyncio.sleep(30)

    for n in range(3):
        registry.spawn(work(n), name=f"w{n}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine ... was never awaited" would be a RuntimeWarning
        assert await registry.drain(0.05) == 3
    assert started == [0] and len(registry) == 0


def test_limit_must_be_positive() -> None:
    assert ANSWER_LIMIT >= 1
    with pytest.raises(ValueError):
        TaskRegistry(limit=0)
