"""BodyLimit, the ASGI guard in front of the app and the emulator: what it refuses, what it hands on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping
from typing import Any

import httpx
import pytest

from timbot.asgi import create_app
from timbot.bodylimit import BodyLimit
from timbot.settings import load_settings

Message = MutableMapping[str, Any]


class Echo:
    """An app that answers 200 with the body it read (and counts its calls)."""

    def __init__(self) -> None:
        self.calls = 0
        self.scopes: list[str] = []

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        self.scopes.append(scope["type"])
        if scope["type"] != "http":
            return
        self.calls += 1
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


async def call(app: Any, messages: list[Message], *, headers: list[tuple[bytes, bytes]],
               gap: float = 0.0) -> tuple[int, bytes, int]:
    """Drive ``app`` with ``messages`` (``gap`` seconds apart); return (status, body, messages consumed)."""
    scope = {"type": "http", "method": "POST", "path": "/slack/events", "headers": headers,
             "client": ("127.0.0.1", 5000)}
    sent: list[Message] = []
    consumed = 0

    async def receive() -> Message:
        nonlocal consumed
        if consumed < len(messages):
            if gap:
                await asyncio.sleep(gap)
            consumed += 1
            return messages[consumed - 1]
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = sent[0]["status"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return status, body, consumed


def pieces(n: int, size: int) -> list[Message]:
    return [{"type": "http.request", "body": b"y" * size, "more_body": i < n - 1} for i in range(n)]


async def test_content_length_over_the_bound_is_refused_before_any_body_is_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inner = Echo()
    with caplog.at_level(logging.WARNING, "timbot.bodylimit"):
        status, body, consumed = await call(BodyLimit(inner, max_body=1000), pieces(5, 1000),
                                            headers=[(b"content-length", b"5000")])
    assert (status, consumed, inner.calls) == (413, 0, 0)
    assert body == b"request body too large\n"
    (record,) = caplog.records
    assert "Content-Length 5000 bytes" in record.getMessage() and "127.0.0.1" in record.getMessage()
    assert "yyy" not in record.getMessage()


async def test_a_malformed_content_length_is_refused() -> None:
    inner = Echo()
    status, _, consumed = await call(BodyLimit(inner, max_body=1000), pieces(1, 10),
                                     headers=[(b"content-length", b"-1")])
    assert (status, consumed, inner.calls) == (413, 0, 0)


async def test_a_chunked_body_is_cut_as_soon_as_it_passes_the_bound() -> None:
    inner = Echo()
    status, _, consumed = await call(BodyLimit(inner, max_body=2500), pieces(100, 1000), headers=[])
    assert (status, consumed, inner.calls) == (413, 3, 0)  # the third piece passed 2,500 bytes


async def test_a_body_at_the_bound_reaches_the_app_whole_and_in_one_message() -> None:
    inner = Echo()
    status, body, _ = await call(BodyLimit(inner, max_body=3000), pieces(3, 1000),
                                 headers=[(b"content-length", b"3000")])
    assert (status, body, inner.calls) == (200, b"y" * 3000, 1)


async def test_a_body_that_trickles_in_is_dropped_with_408() -> None:
    inner = Echo()
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, _, _ = await call(BodyLimit(inner, max_body=10_000, timeout=0.3), pieces(50, 10), headers=[],
                              gap=0.05)
    assert status == 408 and inner.calls == 0
    assert 0.3 <= loop.time() - started < 1.0


async def test_a_client_that_leaves_mid_body_gets_nothing_and_the_app_is_not_called() -> None:
    inner = Echo()
    sent: list[Message] = []
    messages = [{"type": "http.request", "body": b"a", "more_body": True}, {"type": "http.disconnect"}]

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await BodyLimit(inner, max_body=100)({"type": "http", "headers": []}, receive, send)
    assert sent == [] and inner.calls == 0


async def test_lifespan_passes_through() -> None:
    inner = Echo()

    async def nothing() -> Message:
        return {}

    async def ignore(message: Message) -> None:
        return None

    await BodyLimit(inner)({"type": "lifespan"}, nothing, ignore)
    assert inner.scopes == ["lifespan"]


async def test_the_app_takes_its_bound_from_timbot_max_body() -> None:
    settings = load_settings(timbot_max_body=65_536)
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        over = await client.post("/slack/events", content=b"z" * 65_537)
        at = await client.post("/slack/events", content=b"z" * 65_536)
    assert over.status_code == 413
    assert at.status_code == 503  # through the guard; the app itself is not started in this test


def test_timbot_max_body_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().timbot_max_body == 1_048_576
    monkeypatch.setenv("TIMBOT_MAX_BODY", "2000000")
    assert load_settings().timbot_max_body == 2_000_000
