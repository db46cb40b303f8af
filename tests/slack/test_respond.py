"""The response_url poster: delivery, retries on 5xx and Retry-After, bounded time, host-only logs."""

from __future__ import annotations

import dataclasses
import logging
import time

import httpx
import pytest

from tests.slack.fakes import FakeSlack
from timbot.slack.respond import ResponsePoster
from timbot.tim.retry import SLACK_RESPONSE_POLICY


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


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_waited_instead_of_the_backoff(
    slack: tuple[FakeSlack, str], status: int
) -> None:
    fake, url = slack
    key = f"ra-{status}"
    fake.hook_status[key] = [status]
    fake.hook_retry_after[key] = "1"
    async with httpx.AsyncClient() as http:
        poster = ResponsePoster(http=http)  # its own backoff (0.3 s) is shorter than what Slack asks
        started = time.monotonic()
        ok = await poster.post(f"{url}/hooks/{key}", {"text": "x"})
        took = time.monotonic() - started
    assert ok and fake.posts_for(key) == [{"text": "x"}]
    assert 0.9 <= took < 4.0, took


async def test_retry_after_over_the_cap_is_cut_to_the_cap(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    fake.hook_status["ra2"] = [429]
    fake.hook_retry_after["ra2"] = "3600"
    policy = dataclasses.replace(SLACK_RESPONSE_POLICY, retry_after_cap=1.0)
    async with httpx.AsyncClient() as http:
        started = time.monotonic()
        ok = await ResponsePoster(http=http, policy=policy).post(f"{url}/hooks/ra2", {"text": "x"})
        took = time.monotonic() - started
    assert ok and fake.posts_for("ra2") == [{"text": "x"}]
    assert 0.9 <= took < 4.0, took  # an hour asked, the cap waited


async def test_the_policy_bounds_the_attempts(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    fake.hook_status["ra3"] = [503, 503, 503, 503]
    policy = dataclasses.replace(SLACK_RESPONSE_POLICY, max_tries=2, backoff=0.01)
    async with httpx.AsyncClient() as http:
        ok = await ResponsePoster(http=http, policy=policy).post(f"{url}/hooks/ra3", {"text": "x"})
    assert not ok and fake.hook_status["ra3"] == [503, 503]  # two attempts, then the warning
