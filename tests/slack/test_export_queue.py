"""Where exports run: the Redis queue named with the prefix and the SDKAppID, or this process when Redis is
not set or does not answer at start-up (one warning)."""

from __future__ import annotations

import contextlib
import logging

import httpx
import pytest

from tests.slack.fakes import BOT_TOKEN
from timbot.emulator import DEMO_KEY
from timbot.settings import Settings, load_settings
from timbot.slack.app import open_exports
from timbot.slack.exports import Exports
from timbot.slack.queue import make_queue
from timbot.tim.client import TimClient


def _settings(**more: object) -> Settings:
    return load_settings(slack_bot_token=BOT_TOKEN, tim_sdkappid=1400000001, tim_secret_key=DEMO_KEY,
                         tim_base_url="http://127.0.0.1:9", **more)


def test_the_queue_is_named_with_the_prefix_and_the_sdkappid() -> None:
    queue = make_queue(_settings(redis_url="redis://127.0.0.1:9/0", timbot_redis_prefix="acme:"))
    assert queue.name == "acme:1400000001:exports"


async def test_an_unreachable_redis_leaves_exports_in_this_process(caplog: pytest.LogCaptureFixture) -> None:
    settings = _settings(redis_url="redis://127.0.0.1:9/0")
    async with TimClient.from_settings(settings) as tim, httpx.AsyncClient() as http:
        async with contextlib.AsyncExitStack() as stack:
            with caplog.at_level(logging.WARNING, "timbot"):
                exports = await open_exports(settings, tim=tim, http=http, stack=stack)
    assert isinstance(exports, Exports)
    assert [r.getMessage() for r in caplog.records if "Redis is unreachable" in r.getMessage()]
