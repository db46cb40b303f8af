"""A registry of the background work started after an acknowledgement, so shutdown can wait for it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

__all__ = ["TaskRegistry"]

logger = logging.getLogger(__name__)


class TaskRegistry:
    """Tracks the asyncio tasks that answer Slack after the ack.

    A task removes itself when it ends. ``drain`` stops new work and waits, up to a grace period,
    for the tasks already running (a PaaS sends SIGTERM, then kills the process after its own grace).
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def closing(self) -> bool:
        """True once ``drain`` has been called: no new work is accepted."""
        return self._closing

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        """Start ``work`` as a tracked task.

        Args:
            work: the coroutine; it must turn its own errors into a message for the user.
            name: a short task name for debugging (no secret, no URL).

        Returns:
            The task, already scheduled.
        """
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The task bodies catch their own errors; reaching here is a bug worth a traceback.
            logger.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self, grace: float) -> int:
        """Refuse new work, wait up to ``grace`` seconds for running tasks, then cancel the rest.

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
