"""The response_url poster: delivery, retries on 5xx, bounded time on 404 or unreachable, host-only logs."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from tests.slack.fakes import FakeSlack
from timbot.slack.respond import ResponsePoster


async def test_delivers_json(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    async with httpx.AsyncClient() as http:
        ok = await ResponsePoster(http=http).post(
            f"{url}/hooks/a1", {"text": "hi", "replace_original": False}
        )
    assert ok
    assert fake.posts_for("a1") == [{"text": "hi", "replace_original": False}]


async def test_retries_5xx_then_delivers(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    fake.hook_status["r1"] = [500, 503]
    async with httpx.AsyncClient() as http:
        ok = await ResponsePoster(http=http, backoff=0.01).post(f"{url}/hooks/r1", {"text": "x"})
    assert ok
    assert fake.posts_for("r1") == [{"text": "x"}]


async def test_404_logged_once_without_the_url(
    slack: tuple[FakeSlack, str], caplog: pytest.LogCaptureFixture
) -> None:
    fake, url = slack
    fake.hook_status["secret-path-123"] = [404, 404, 404]
    caplog.set_level(logging.WARNING, "timbot.slack.respond")
    async with httpx.AsyncClient() as http:
        ok = await ResponsePoster(http=http, backoff=0.01).post(f"{url}/hooks/secret-path-123", {"text": "x"})
    assert not ok
    assert fake.hook_status["secret-path-123"] == [404, 404]  # not retried
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1
    assert "127.0.0.1" in lines[0] and "secret-path-123" not in lines[0]


async def test_unreachable_and_slow_are_bounded(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    fake.hook_delay = 1.0
    async with httpx.AsyncClient() as http:
        poster = ResponsePoster(http=http, timeout=0.3, retries=1, backoff=0.01)
        started = time.monotonic()
        assert not await poster.post(f"{url}/hooks/slow", {"text": "x"})
        assert not await poster.post("http://127.0.0.1:9/hooks/none", {"text": "x"})
        assert not await poster.post("file:///etc/passwd", {"text": "x"})
    assert time.monotonic() - started < 3.0
