"""Exports as jobs on a Redis queue (saq), when ``REDIS_URL`` is set: the web processes enqueue, cancel and
answer "busy" from any process; ``timbot worker`` runs them (:func:`export_job`).

Names: the queue is ``{TIMBOT_REDIS_PREFIX}{SDKAppID}:exports`` (saq puts its own ``saq:`` first), the lock
that keeps one export per user ``{prefix}{SDKAppID}:export:user:{U...}``. Nothing secret is stored: a job
holds the user ID, the query, the requester's language (``en`` when a job has none) and the DM channel and
message ``ts`` once posted (no token, no response_url).

Long jobs: no saq timeout beyond :data:`JOB_TIMEOUT`, a heartbeat every few seconds (a killed worker's job
is swept and run again by the next worker after ``heartbeat`` seconds), :data:`JOB_RETRIES` tries for
crashes; a job cancelled because its worker is stopping (SIGTERM, a deploy) is put back by saq without
using a try.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import Any, Final

from pydantic import TypeAdapter
from redis.asyncio import Redis
from redis.exceptions import RedisError
from saq import Job, Queue
from saq.job import Status
from saq.queue.redis import RedisQueue

from timbot.commands.queries import Query
from timbot.commands.registry import for_query
from timbot.commands.results import ExportStatus
from timbot.exports.errors import ExportBusy
from timbot.exports.walk import check_size
from timbot.i18n import DEFAULT, _, current
from timbot.render import Message
from timbot.render.export import export_started, progress_line
from timbot.settings import Settings
from timbot.shared.store import Keys
from timbot.slack.exports import Export, Exports
from timbot.tim.client import TimClient

__all__ = [
    "JOB_RETRIES",
    "JOB_TIMEOUT",
    "SWEEP",
    "ExportQueue",
    "QueuedExports",
    "connect_queue",
    "export_job",
    "make_queue",
    "queue_base",
]

#: The longest an export may run (seconds); 1,000,000 groups take about 100 + 5,000 s at Tencent's limits.
JOB_TIMEOUT: Final = 6 * 3600
#: How often (seconds) a worker sweeps for abandoned jobs and how long one sweep locks out the others.
SWEEP: Final = 5
#: saq's sweep script: once per lock, the active jobs and their bodies.
_ACTIVE_JOBS: Final = """
local id_jobs = {}
if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('SETEX', KEYS[1], ARGV[1], 1)
    for i, v in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
        id_jobs[i] = {v, redis.call('GET', v)}
    end
end
return id_jobs
"""
#: Tries of a job in all (a crash, a killed worker); stops for a deploy are not counted.
JOB_RETRIES: Final = 3
_QUERY: Final[TypeAdapter[Query]] = TypeAdapter(Query)

logger = logging.getLogger(__name__)


def queue_base(settings: Settings) -> str:
    """``{prefix}{SDKAppID}:``, the start of every name the exports keep in Redis (as the shared state's)."""
    return Keys(prefix=settings.timbot_redis_prefix, sdkappid=settings.tim_sdkappid or 0).base


def make_queue(settings: Settings) -> Queue:
    """The export queue on ``REDIS_URL``, named with the prefix and the SDKAppID.

    Args:
        settings: needs ``REDIS_URL``.
    """
    settings.require("redis_url")
    assert settings.redis_url is not None
    # a connection of its own, not timbot.shared.store's: saq's dequeue blocks on Redis far longer than the
    # shared state's 0.5 s command timeout
    redis: Redis = Redis.from_url(settings.redis_url.get_secret_value())
    return ExportQueue(redis, name=f"{queue_base(settings)}exports")


class ExportQueue(RedisQueue):
    """saq's Redis queue, its sweep (which puts a killed worker's job back) locked for :data:`SWEEP`
    seconds rather than saq's 60, so the next worker finds an abandoned export within about
    ``heartbeat`` + :data:`SWEEP` seconds."""

    async def sweep(self, lock: int = 60, abort: float = 5.0) -> list[str]:
        """Find and put back abandoned jobs (at most one sweep every :data:`SWEEP` seconds), after giving a
        worker that is stuck rather than gone 2 s to see the abort (workers look every second).

        saq's own sweep also takes a job in the active list whose status is not yet ``active`` for
        abandoned, which every job is for the round trip between its dequeue and its worker marking it
        active (seen in the tests: a worker starting while an export waited swept it so, and aborted it).
        Such a job is looked at again a second later, and put back only if it is still not active.
        """
        lock = min(lock, SWEEP)
        found = await self.redis.eval(_ACTIVE_JOBS, 2, self._sweep, self._active, lock)  # type: ignore
        jobs = [job for _, body in found if body and (job := self.deserialize(body)) is not None]
        for job_id in (job_id for job_id, body in found if not body):  # gone: forget it, as saq does
            await self.redis.lrem(self._active, 0, job_id)  # type: ignore[misc]
        if any(job.status == Status.QUEUED for job in jobs):
            await asyncio.sleep(1.0)  # a job just dequeued is marked active within a round trip
            for job in jobs:
                if job.status == Status.QUEUED:
                    with contextlib.suppress(RuntimeError):  # finished and expired meanwhile
                        await job.refresh()
        swept: list[str] = []
        for job in jobs:
            if job.status == Status.ACTIVE and not job.stuck:
                continue
            logger.info("export job %s abandoned by its worker: putting it back", job.key[:6])
            swept.append(job.id)
            await self.abort(job, error="swept")
            with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                await job.refresh(min(abort, 2.0))
            # the abort was for a worker stuck with the job: the next attempt must not see it (saq's own
            # sweep leaves it for its 5 s, and the worker that takes the job again aborts it once more)
            await self.redis.delete(job.abort_id)
            if job.retryable:
                await self.retry(job, error="swept")
            else:
                await self.finish(job, Status.ABORTED, error="swept")
        return swept


async def connect_queue(settings: Settings) -> Queue | None:
    """The export queue, connected; None without ``REDIS_URL`` or when Redis does not answer at start-up
    (warned once: exports then run in this process).

    Args:
        settings: ``REDIS_URL`` and the names' prefix.
    """
    if settings.redis_url is None:
        return None
    queue = make_queue(settings)
    try:
        await asyncio.wait_for(queue.connect(), 3.0)
        await asyncio.wait_for(queue.redis.ping(), 3.0)  # type: ignore[attr-defined]
    except (OSError, TimeoutError, RedisError) as exc:
        logger.warning("Redis is unreachable (%s): exports run in this process", type(exc).__name__)
        with contextlib.suppress(Exception):
            await queue.disconnect()
        return None
    return queue


class QueuedExports:
    """The web side of queued exports: start (one per user, size checked, enqueued), cancel, busy.

    Args:
        settings: the prefix, the SDKAppID and the worker's heartbeat.
        tim: the Tencent client (for the size).
        queue: the export queue (:func:`make_queue`), connected.
    """

    def __init__(self, *, settings: Settings, tim: TimClient, queue: Queue) -> None:
        self._tim = tim
        self._queue = queue
        self._base = queue_base(settings)
        self._heartbeat = settings.timbot_export_heartbeat
        self.redis: Redis = queue.redis  # type: ignore[attr-defined]

    def _lock(self, user: str) -> str:
        return f"{self._base}export:user:{user}"

    async def _busy(self, user: str) -> ExportBusy | None:
        key = await self.redis.get(self._lock(user))
        if key is None:
            return None
        job = await self._queue.job(key.decode())
        if job is None or job.status in (Status.COMPLETE, Status.FAILED, Status.ABORTED, Status.ABORTING):
            # ended, or cancelled by the user (its worker is stopping it): another may start
            await self.redis.delete(self._lock(user))
            return None
        state = "running" if job.status == Status.ACTIVE else "queued"
        status = ExportStatus(header="", state=state, rows=int(job.meta.get("rows", 0)),
                              total=job.meta.get("total", (job.kwargs or {}).get("total")))
        return ExportBusy(progress_line(status))

    async def start(self, *, user: str, query: Query) -> Message:
        """Enqueue an export of ``query`` for ``user``; the ephemeral answer saying so (raises as
        ``Exports.start`` does)."""
        busy = await self._busy(user)
        if busy is not None:
            raise busy
        size = await check_size(self._tim, query)
        export_id = secrets.token_urlsafe(12)
        if not await self.redis.set(self._lock(user), export_id, nx=True, ex=JOB_TIMEOUT):
            busy = await self._busy(user)
            raise busy if busy is not None else ExportBusy(_("starting"))
        job = Job("export", kwargs={"export_id": export_id, "user": user,
                                    "query": _QUERY.dump_json(query, by_alias=True).decode(), "total": size,
                                    "language": current()},
                  key=export_id, timeout=JOB_TIMEOUT, heartbeat=self._heartbeat, retries=JOB_RETRIES,
                  ttl=3600)
        await self._queue.enqueue(job)
        return export_started(for_query(query).command_line(query) + " --csv", total=size)

    async def cancel(self, *, export_id: str, user: str) -> bool:
        """Cancel the job ``export_id`` from any process, if ``user`` started it and it has not ended."""
        job = await self._queue.job(export_id)
        if job is None or not job.kwargs or job.kwargs.get("user") != user:
            return False
        if job.status in (Status.COMPLETE, Status.FAILED, Status.ABORTED, Status.ABORTING):
            return False
        await self._queue.abort(job, "cancelled")
        return True

    async def drain(self, grace: float) -> int:
        """Nothing runs here: the worker processes run the jobs."""
        return 0


async def export_job(ctx: dict[str, Any], *, export_id: str, user: str, query: str,
                     total: int | None = None, language: str = DEFAULT) -> None:
    """The job ``timbot worker`` runs: the export, with its message kept in the job (a retry edits it).

    Args:
        ctx: saq's context: ``job``, and ``exports`` and ``redis_lock`` set at the worker's start-up.
        export_id: the export's ID (the job key, the Cancel button's value).
        user: who asked.
        query: the query, as JSON.
        total: the size the web process found.
        language: the requester's language, for every word of the export (a job enqueued before jobs
            carried it: English).
    """
    job: Job = ctx["job"]
    exports: Exports = ctx["exports"]
    parsed = _QUERY.validate_json(query)
    export = Export(id=export_id, user=user, query=parsed, total=total, language=language,
                    header=for_query(parsed).command_line(parsed) + " --csv",
                    channel=job.meta.get("channel"), ts=job.meta.get("ts"))
    if job.attempts > 1 and export.ts is not None:
        export.state = "restarted"

    async def report(done: Export) -> None:
        await job.update(meta={**job.meta, "channel": done.channel, "ts": done.ts, "rows": done.rows,
                               "total": done.total})

    async def asked() -> bool:
        await job.refresh()
        return job.status in (Status.ABORTING, Status.ABORTED)

    async def beat() -> None:
        while True:
            await asyncio.sleep(max(1.0, job.heartbeat / 3))
            await job.update()

    beating = asyncio.create_task(beat())
    try:
        await exports.run(export, report=report, asked=asked, resumed=True)
    except asyncio.CancelledError:
        if not export.cancel_asked:  # the worker is stopping (a deploy): the job goes back on the queue
            # (saq's retry, or the sweep once the heartbeat stops) and the try this attempt used is given back
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(job.update(retries=job.retries + 1), 1.0)
        raise
    finally:
        beating.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beating
        if export.state not in ("interrupted", "running", "restarted", "queued"):
            await ctx["redis"].delete(f"{ctx['base']}export:user:{user}")
