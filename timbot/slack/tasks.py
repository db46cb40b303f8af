"""A registry of the background work started after an acknowledgement: capped, and drained on shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

__all__ = ["ANSWER_LIMIT", "TaskRegistry"]

logger = logging.getLogger(__name__)

#: How many answers are worked on at once by default. Answers mostly wait on Tencent, so a few dozen keep
#: the throughput up, while a cap keeps hundreds of answers from crowding the event loop the acks share.
ANSWER_LIMIT = 16


class TaskRegistry:
    """Tracks the asyncio tasks that answer Slack after the ack.

    At most ``limit`` of them run at once; the others wait their turn (first come, first served) on a
    semaphore, which costs nothing but the waiting task. A task removes itself when it ends. ``drain``
    marks the registry closing (the front ends stop taking requests) and waits, up to a grace period,
    for the tasks running or queued (a PaaS sends SIGTERM, then kills the process after its own grace).

    Args:
        limit: the most tasks running at once.
    """

    def __init__(self, *, limit: int = ANSWER_LIMIT) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._gate = asyncio.Semaphore(limit)
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False
        self._running = 0

    @property
    def closing(self) -> bool:
        """True once ``drain`` has been called; front ends then stop taking requests (the ASGI route answers
        503, Socket Mode has left its socket), so no new work reaches ``spawn``."""
        return self._closing

    def __len__(self) -> int:
        return len(self._tasks)

    @property
    def running(self) -> int:
        """How many tasks hold a turn now (the others are queued)."""
        return self._running

    def spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        """Start ``work`` as a tracked task, as soon as fewer than ``limit`` tasks run.

        Args:
            work: the coroutine; it must turn its own errors into a message for the user.
            name: a short task name for debugging (no secret, no URL).

        Returns:
            The task, already scheduled.
        """
        task = asyncio.create_task(self._gated(work), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    async def _gated(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            await self._gate.acquire()
        except BaseException:
            work.close()  # cancelled while queued: the work never started
            raise
        self._running += 1
        try:
            await work
        finally:
            self._running -= 1
            self._gate.release()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The task bodies catch their own errors; reaching here is a bug worth a traceback.
            logger.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self, grace: float) -> int:
        """Mark the registry closing, wait up to ``grace`` seconds for running tasks, then cancel the rest.

        Args:
            grace: seconds to wait for in-flight work.

        Returns:
            How many tasks had to be cancelled (0 when everything finished in time).
        """
        self._closing = True
        pending = set(self._tasks)
        if not pending:
            return 0
        logger.info("shutdown: waiting up to %.0f s for %d answer(s) in flight", grace, len(pending))
        _, still = await asyncio.wait(pending, timeout=grace)
        for task in still:
            task.cancel()
        if still:
            await asyncio.wait(still, timeout=1.0)
            logger.warning("shutdown: cancelled %d answer(s) still running after %.0f s", len(still), grace)
        return len(still)
