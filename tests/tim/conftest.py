"""Shared helpers for the Tencent client tests: a recording MockTransport and a fast client."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from timbot.tim.client import TimClient

APP = 1400000000
KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
ADMIN = "administrator"
BASE = "https://console.tim.qq.com"

Answer = dict[str, Any] | httpx.Response | Exception


def ok(**fields: Any) -> dict[str, Any]:
    """A successful Tencent envelope with extra fields."""
    return {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", **fields}


def fail(code: int, info: str = "") -> dict[str, Any]:
    """A failed Tencent envelope."""
    return {"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info or f"error {code}"}


@dataclass
class Recorder:
    """Answers requests with ``handler`` (or queued answers) and records each request and its time."""

    handler: Callable[[httpx.Request, dict[str, Any]], Answer] | None = None
    queue: list[Answer] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.times.append(time.monotonic())
        self.requests.append(request)
        body = json.loads(request.content)
        self.bodies.append(body)
        answer: Answer
        if self.queue:
            answer = self.queue.pop(0)
        elif self.handler is not None:
            answer = self.handler(request, body)
        else:
            answer = ok()
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def sigs(self) -> list[str]:
        return [r.url.params["usersig"] for r in self.requests]


async def _no_sleep(delay: float) -> None:
    return None


def make_client(recorder: Recorder, **overrides: Any) -> TimClient:
    """A TimClient on ``recorder`` with tiny backoff, no real waits and fast pacing."""
    options: dict[str, Any] = {
        "sdkappid": APP,
        "secret_key": KEY,
        "base_url": BASE,
        "transport": recorder.transport(),
        "backoff": 0.001,
        "sleep": _no_sleep,
        "list_rate": 1000.0,
        "other_rate": 1000.0,
    }
    options.update(overrides)
    return TimClient(**options)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    yield Recorder()
