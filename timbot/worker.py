"""``timbot worker``: runs the export jobs of the Redis queue (saq) until SIGTERM; needs ``REDIS_URL``."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any, cast

import httpx
from saq import Worker
from saq.types import PartialTimersDict

from timbot.exports.workdir import process_workdir
from timbot.settings import Settings
from timbot.slack.app import build_exports
from timbot.slack.queue import SWEEP, export_job, make_queue, queue_base
from timbot.slack.serving import ensure_logging
from timbot.tim.client import TimClient

__all__ = ["run_worker"]

logger = logging.getLogger(__name__)



async def _work(settings: Settings) -> None:
    settings.require("redis_url", "slack_bot_token", "tim_sdkappid", "tim_secret_key")
    queue = make_queue(settings)
    async with TimClient.from_settings(settings) as tim, httpx.AsyncClient() as uploads:
        exports = build_exports(settings, tim=tim, http=uploads)
        exports.workdir = process_workdir()  # and the files of workers that were killed are removed

        async def startup(ctx: dict[str, Any]) -> None:
            redis = queue.redis  # type: ignore[attr-defined]
            ctx.update(exports=exports, redis=redis, base=queue_base(settings))
            logger.info("timbot worker: waiting for exports on %s", queue.name)

        timers = cast(PartialTimersDict, {"sweep": SWEEP, "abort": 1})  # the others: saq's defaults
        # saq types its context as a TypedDict of its own keys; ours adds the exports (see startup)
        worker = Worker(queue, functions=[("export", export_job)],  # type: ignore[type-var]
                        concurrency=settings.timbot_export_limit, startup=[startup], timers=timers,
                        shutdown_grace_period_s=settings.timbot_worker_grace, dequeue_timeout=1.0)
        try:
            await worker.start()
        finally:
            await queue.disconnect()


def run_worker(settings: Settings) -> int:
    """Run the export worker; without ``REDIS_URL`` say so in one line and stop (exit status 2).

    Args:
        settings: the loaded settings.

    Raises:
        ConfigError: a setting the worker needs is missing.
    """
    if settings.redis_url is None:
        print("timbot worker: REDIS_URL is not set; exports run in the web process, no worker is needed",
              file=sys.stderr)
        return 2
    ensure_logging(level=settings.timbot_log_level, fmt=settings.timbot_log_format)
    asyncio.run(_work(settings))
    return 0
