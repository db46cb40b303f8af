"""An ASGI middleware that refuses a request body over a size bound, or a slow one, before reading it.

Slack's payloads are small (a slash command is a few KB; a ``block_actions`` payload carries a message that
stays inside Block Kit's limits, well under 1 MB), but ``POST /slack/events`` is a public URL: without a
bound, one unsigned request with a 200 MB body is read whole before the signature check can refuse it. This
sits in front of everything else in the ASGI app, so ``timbot serve``, the Procfile's ``uvicorn`` line and any
other ASGI server get it, and the emulator's HTTP server wraps itself in it too.

- ``Content-Length`` over the bound (or not a number): 413 at once, before a byte of the body is read.
- A body without a length (chunked) or one longer than it said: read up to the bound, then 413.
- A body that has not fully arrived ``timeout`` seconds after the request began: 408.

The accepted body (at most ``max_body`` bytes) is handed to the wrapped app as one message. Each refusal logs
one warning with the sizes and the client's address, never any of the body. It imports nothing of timbot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["DEFAULT_MAX_BODY", "DEFAULT_TIMEOUT", "BodyLimit"]

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: 1 MiB: far above any payload Slack sends (``TIMBOT_MAX_BODY`` changes it).
DEFAULT_MAX_BODY = 1_048_576
#: Seconds a request body may take to arrive; Slack sends it at once and wants an answer within 3 s.
DEFAULT_TIMEOUT = 10.0


class BodyLimit:
    """Wrap an ASGI app so no request body over ``max_body`` bytes is read, nor one slower than ``timeout``.

    Args:
        app: the ASGI app to protect; non-HTTP scopes (lifespan, websocket) pass straight through.
        max_body: the largest body accepted, in bytes, or a callable returning it (read per request, so an app
            whose settings are loaded at start-up can supply its own).
        timeout: seconds from the request's start within which the whole body must have arrived.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int | Callable[[], int] = DEFAULT_MAX_BODY,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.app = app
        self._max_body = max_body
        self.timeout = timeout

    @property
    def max_body(self) -> int:
        """The bound in force now, in bytes."""
        return self._max_body() if callable(self._max_body) else self._max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body
        declared = _content_length(scope)
        if declared is None or declared > limit:
            shown = "not a number" if declared is None else f"{declared} bytes"
            await _refuse(scope, send, 413, f"Content-Length {shown}, over the {limit}-byte bound")
            return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return  # the client left: nothing to answer
                    body: bytes = message.get("body", b"")
                    size += len(body)
                    if size > limit:
                        await _refuse(scope, send, 413, f"body passed the {limit}-byte bound while reading")
                        return
                    chunks.append(body)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            why = f"body not received within {self.timeout:g} s ({size} bytes came)"
            await _refuse(scope, send, 408, why)
            return
        await self.app(scope, _replay(b"".join(chunks), receive), send)


def _content_length(scope: Scope) -> int | None:
    """The declared length: 0 when absent (chunked or bodiless), None when malformed."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else None
    return 0


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the buffered body once, then waits on the real one (for disconnects)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


_REASONS = {408: b"request body too slow\n", 413: b"request body too large\n"}


async def _refuse(scope: Scope, send: Send, status: int, why: str) -> None:
    client = scope.get("client") or ("?", 0)
    logger.warning("refused %s %s from %s with %d: %s", scope.get("method"), scope.get("path"), client[0],
                   status, why)
    text = _REASONS[status]
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(text)).encode()),
            (b"connection", b"close"),
        ],
    })
    await send({"type": "http.response.body", "body": text})
