"""Exports run in this process: one per user, a few at once (the rest queued), delivered to the DM.

Each export is a tracked task of its own registry (drained on shutdown within the grace: an export still
running then is cancelled and its progress message says it was interrupted). The walk writes a temporary
file, which is uploaded from disk and removed afterwards, also on failure or cancel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from timbot.answer import failure
from timbot.commands.queries import Query
from timbot.commands.registry import for_query
from timbot.commands.results import ExportStatus, PagerButton
from timbot.commands.spec import CANCEL_EXPORT, CANCEL_LABEL, TimApi
from timbot.exports.errors import DeliveryError, ExportBusy
from timbot.exports.walk import check_size, file_name, write_export
from timbot.exports.workdir import process_workdir
from timbot.i18n import DEFAULT, _, current, language
from timbot.render import Message
from timbot.render.export import export_started, progress_line, render_export, row_count
from timbot.slack.dm import Delivery, UpdateBudget
from timbot.slack.tasks import TaskRegistry

__all__ = ["EXPORT_LIMIT", "Asked", "Export", "Exports", "Report"]

logger = logging.getLogger(__name__)

#: Exports walked at once in one process by default (``TIMBOT_EXPORT_LIMIT``); the others are queued.
EXPORT_LIMIT: Final = 2
#: Awaited with the export when its message is posted and after every chunk of rows.
Report = Callable[["Export"], Awaitable[None]]
#: Whether the user asked for the cancellation just received (else the process is stopping).
Asked = Callable[[], Awaitable[bool]]
#: Seconds the final update of an interrupted export may take during shutdown.
_LAST_WORD: Final = 2.0


@dataclass
class Export:
    """One export: who asked, what, in which language (the requester's, when it started), and where it is."""

    id: str
    user: str
    query: Query
    header: str
    language: str = DEFAULT
    state: str = "queued"
    rows: int = 0
    total: int | None = None
    errors: int = 0
    started: float | None = None
    failure: str | None = None
    cancel_asked: bool = False
    channel: str | None = None
    ts: str | None = None
    last_update: float | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    def status(self, *, now: float) -> ExportStatus:
        """Its progress message's content (in the current language)."""
        seconds = now - self.started if self.started is not None else 0.0
        left = None
        if self.state in ("running", "restarted") and self.total and self.rows and seconds > 0:
            left = max(0.0, (self.total - self.rows) * seconds / self.rows)
        live = self.state in ("queued", "running", "restarted")
        cancel = PagerButton(label=_(CANCEL_LABEL), action_id=CANCEL_EXPORT, value=self.id) if live else None
        return ExportStatus(header=self.header, state=self.state, rows=self.rows, total=self.total,
                            seconds=seconds, left=left, errors=self.errors, failure=self.failure,
                            cancel=cancel)


class Exports:
    """Starts, runs, cancels and drains the exports of this process.

    Args:
        tim: the Tencent client.
        delivery: the Slack side (DM, messages, upload).
        limit: exports walked at once; the others wait, queued.
        budget: the workspace's ``chat.update`` budget.
        workdir: where temporary files go (this process's own directory,
            :func:`~timbot.exports.workdir.process_workdir`, when None).
    """

    def __init__(self, *, tim: TimApi, delivery: Delivery, limit: int = EXPORT_LIMIT,
                 budget: UpdateBudget | None = None, workdir: Path | None = None) -> None:
        self._tim = tim
        self._delivery = delivery
        self._gate = asyncio.Semaphore(limit)
        self._budget = budget if budget is not None else UpdateBudget()
        self.workdir = workdir
        self.tasks = TaskRegistry(limit=64)
        self._by_user: dict[str, Export] = {}
        self._by_id: dict[str, Export] = {}

    def running(self, user: str) -> Export | None:
        """The user's export in progress, if any."""
        return self._by_user.get(user)

    async def start(self, *, user: str, query: Query) -> Message:
        """Start an export of ``query`` for ``user``; the ephemeral answer saying so.

        Raises:
            ExportBusy: the user already has one running.
            ExportTooLarge: the result is over the bound (no walk).
            TimError: Tencent did not answer the size.
        """
        busy = self._by_user.get(user)
        if busy is not None:
            raise ExportBusy(progress_line(busy.status(now=time.monotonic())))
        header = for_query(query).command_line(query) + " --csv"
        size = await check_size(self._tim, query)
        if user in self._by_user:  # started meanwhile (a double click)
            raise ExportBusy(progress_line(self._by_user[user].status(now=time.monotonic())))
        job = Export(id=secrets.token_urlsafe(12), user=user, query=query, header=header, total=size,
                     language=current())
        self._by_user[user] = job
        self._by_id[job.id] = job
        job.task = self.tasks.spawn(self.run(job), name="timbot-export")
        return export_started(header, total=size)

    async def cancel(self, *, export_id: str, user: str) -> bool:
        """Cancel the export ``export_id`` if ``user`` started it and it still runs."""
        job = self._by_id.get(export_id)
        if job is None or job.user != user or job.task is None or job.task.done():
            return False
        job.cancel_asked = True
        job.task.cancel()
        return True

    async def drain(self, grace: float) -> int:
        """Let running exports finish within ``grace``; the rest are told they were interrupted."""
        return await self.tasks.drain(grace)

    async def _show(self, job: Export, *, final: bool = False) -> None:
        if job.channel is None or job.ts is None:
            return
        now = time.monotonic()
        if final:
            self._budget.spend()
        elif not self._budget.take(job.last_update):
            return
        job.last_update = now
        try:
            await self._delivery.update(job.channel, job.ts, render_export(job.status(now=now)))
        except DeliveryError as exc:  # progress is best effort; the file and the final state matter
            logger.warning("export %s: progress not updated: %s", job.id[:6], exc)

    async def _progress(self, job: Export, rows: int, total: int | None, report: Report | None) -> None:
        job.rows = rows
        if total is not None:
            job.total = total
        await self._show(job)
        if report is not None:
            await report(job)

    async def run(self, job: Export, *, report: Report | None = None, asked: Asked | None = None,
                  resumed: bool = False) -> None:
        """Run one export to its end: the DM, the progress message, the walk, the file, the final state.

        Args:
            job: the export (with ``channel`` and ``ts`` of its message when an earlier attempt posted it).
            report: awaited when the message is posted and after every chunk (the queue keeps them).
            asked: on cancellation, whether the user asked for it (else the process is stopping).
            resumed: another attempt will follow an interruption (a queued job): say nothing then.
        """
        # the requester's language for every word of it (its messages are made long after the request)
        with language(job.language):
            await self._run(job, report=report, asked=asked, resumed=resumed)

    async def _run(self, job: Export, *, report: Report | None, asked: Asked | None, resumed: bool) -> None:
        path: Path | None = None
        try:
            if job.channel is None:
                job.channel = await self._delivery.open_dm(job.user)
            if job.ts is None:
                first = render_export(job.status(now=time.monotonic()))
                job.ts = await self._delivery.post(job.channel, first)
                if report is not None:
                    await report(job)
            async with self._gate:
                job.state = "restarted" if job.state == "restarted" else "running"
                job.started = time.monotonic()
                await self._show(job, final=True)
                if self.workdir is None:
                    self.workdir = await asyncio.to_thread(process_workdir)
                fd, name = tempfile.mkstemp(prefix="timbot-export-", suffix=".csv", dir=self.workdir)
                os.close(fd)
                path = Path(name)
                written = await write_export(self._tim, job.query, path=path,
                                             progress=lambda rows, total: self._progress(job, rows, total,
                                                                                         report))
                job.rows, job.errors = written.rows, written.errors
                comment = f"{job.header}: {row_count(job.rows)}"
                await self._delivery.upload(job.channel, path, filename=file_name(job.query),
                                            title=job.header, comment=comment)
            job.state = "done"
            await self._show(job, final=True)
            logger.info("export %s done: %d rows, %d with an error", job.id[:6], job.rows, job.errors)
        except asyncio.CancelledError:
            if asked is not None and not job.cancel_asked:
                with contextlib.suppress(Exception):
                    job.cancel_asked = await asyncio.wait_for(asked(), _LAST_WORD)
            job.state = "cancelled" if job.cancel_asked else "interrupted"
            if job.cancel_asked or not resumed:
                with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                    await asyncio.wait_for(self._show(job, final=True), _LAST_WORD)
            logger.info("export %s %s after %d rows", job.id[:6], job.state, job.rows)
            if not job.cancel_asked:
                raise
        except Exception as exc:  # the one handler: every error becomes words in the progress message
            job.state, job.failure = "failed", failure(exc, what="export").message.text
            if job.ts is None:
                logger.warning("export %s failed before its DM message was posted: %s", job.id[:6], exc)
            await self._show(job, final=True)
        finally:
            if path is not None:
                path.unlink(missing_ok=True)
            self._by_user.pop(job.user, None)
            self._by_id.pop(job.id, None)
