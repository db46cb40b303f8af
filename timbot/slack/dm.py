"""An export's delivery on Slack: the requester's DM, its progress message and the file, streamed up.

Web API calls go through slack_sdk's ``AsyncWebClient`` with its rate-limit retry handler (a 429 is waited
out for its ``Retry-After``); the file's bytes are POSTed with httpx, streamed from the file on disk, never
read into memory whole (slack_sdk's ``files_upload_v2`` reads the whole file, so its three steps are done
here: ``files.getUploadURLExternal``, the upload, ``files.completeUploadExternal`` into the ``D`` channel).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

import httpx
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from timbot.exports.errors import DeliveryError
from timbot.render import Message

__all__ = ["DM_TIMEOUT", "Delivery", "UpdateBudget", "web_client"]

#: Seconds a Web API call of the delivery may take (the upload has its own, longer, per chunk).
DM_TIMEOUT: Final = 10
_CHUNK: Final = 256 * 1024
#: Uploads of the file tried in all (each with a new upload URL).
_UPLOAD_TRIES: Final = 2

logger = logging.getLogger(__name__)


def web_client(*, token: str, base_url: str) -> AsyncWebClient:
    """The Web API client of the exports: 429s waited out (``Retry-After``), up to 5 times a call.

    Args:
        token: the bot token.
        base_url: ``SLACK_API_URL``.
    """
    client = AsyncWebClient(token=token, base_url=base_url, timeout=DM_TIMEOUT)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=5))
    return client


class UpdateBudget:
    """The ``chat.update`` budget of the whole workspace, shared by every export of the process: at most
    ``per_minute`` updates in any minute (Slack allows about 50 for the app), and one export's progress
    at most every ``every`` seconds. A progress update that does not fit is skipped (the next one says more);
    the final state of an export is always sent.

    Args:
        per_minute: updates allowed in any 60 s.
        every: seconds between two progress updates of one export.
        clock: the monotonic clock (tests).
    """

    def __init__(self, *, per_minute: int = 40, every: float = 5.0, clock: Any = time.monotonic) -> None:
        self.per_minute = per_minute
        self.every = every
        self._clock = clock
        self._sent: list[float] = []

    def take(self, last: float | None) -> bool:
        """Whether a progress update may go now (and count it), given the export's previous one."""
        now = self._clock()
        if last is not None and now - last < self.every:
            return False
        self._sent = [at for at in self._sent if now - at < 60.0]
        if len(self._sent) >= self.per_minute:
            return False
        self._sent.append(now)
        return True

    def spend(self) -> None:
        """Count an update sent regardless (an export's final state)."""
        self._sent.append(self._clock())


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    """The file's bytes, a chunk at a time (each read off the event loop)."""
    with path.open("rb") as file:
        while chunk := await asyncio.to_thread(file.read, _CHUNK):
            yield chunk


class Delivery:
    """The Slack side of one export: open the DM, post and update its message, upload the file.

    Args:
        web: the Web API client (:func:`web_client`).
        http: the client the file's bytes are POSTed with.
    """

    def __init__(self, *, web: AsyncWebClient, http: httpx.AsyncClient) -> None:
        self._web = web
        self._http = http

    async def _api(self, method: str, **args: Any) -> dict[str, Any]:
        try:
            answer = await getattr(self._web, method.replace(".", "_"))(**args)
        except SlackApiError as exc:
            said = exc.response.data
            error = said.get("error") if isinstance(said, dict) else None
            error = str(error or f"HTTP {exc.response.status_code}")
            raise DeliveryError(method=method, error=error) from None
        except (httpx.HTTPError, OSError, TimeoutError) as exc:
            raise DeliveryError(method=method, error=type(exc).__name__) from None
        data = answer.data
        return dict(data) if isinstance(data, dict) else {}

    async def open_dm(self, user: str) -> str:
        """The ``D`` channel of the bot's DM with ``user`` (``conversations.open``)."""
        data = await self._api("conversations.open", users=user)
        channel = str(data.get("channel", {}).get("id", ""))
        if not channel:
            raise DeliveryError(method="conversations.open", error="no channel")
        return channel

    async def post(self, channel: str, message: Message) -> str:
        """Post ``message`` in ``channel``; its ``ts``."""
        data = await self._api("chat.postMessage", channel=channel, **message.to_dict())
        return str(data.get("ts", ""))

    async def update(self, channel: str, ts: str, message: Message) -> None:
        """Replace the message ``ts`` with ``message``."""
        await self._api("chat.update", channel=channel, ts=ts, **message.to_dict())

    async def upload(self, channel: str, path: Path, *, filename: str, title: str, comment: str) -> str:
        """Upload the file at ``path`` into ``channel`` (streamed from disk); its file ID.

        Args:
            channel: the DM's ``D`` ID (a ``U`` ID is refused by Slack).
            path: the file.
            filename: its name in Slack.
            title: its title.
            comment: the message it is shared with.
        """
        length = (await asyncio.to_thread(path.stat)).st_size
        for attempt in range(1, _UPLOAD_TRIES + 1):
            data = await self._api("files.getUploadURLExternal", filename=filename, length=length)
            url, file_id = str(data.get("upload_url", "")), str(data.get("file_id", ""))
            if not url or not file_id:
                raise DeliveryError(method="files.getUploadURLExternal", error="no upload URL")
            try:
                answer = await self._http.post(url, content=_chunks(path), timeout=httpx.Timeout(60.0),
                                               headers={"Content-Length": str(length),
                                                        "Content-Type": "application/octet-stream"})
                error = None if answer.status_code == 200 else f"HTTP {answer.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            if error is None:
                break
            if attempt == _UPLOAD_TRIES:
                raise DeliveryError(method="the file upload", error=error)
            logger.warning("export upload failed (%s); asking for a new upload URL", error)
        await self._api("files.completeUploadExternal", files=[{"id": file_id, "title": title}],
                        channel_id=channel, initial_comment=comment)
        return file_id
