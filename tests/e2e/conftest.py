"""End-to-end harness: the real ASGI app under uvicorn, the emulator as Tencent, a local fake Slack."""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.slack.fakes import (
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    FakeSlack,
    ServerThread,
    click_body,
    command_body,
    signed_headers,
)
from timbot.asgi import TimbotASGI, TimFactory, create_app
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.settings import load_settings


@dataclass
class Sent:
    """One request sent to the app: its HTTP answer, how long the ack took, and its response_url key."""

    status: int
    seconds: float
    key: str
    body: str


@dataclass
class Stack:
    """The running system: the app (its URL, ASGI object and server), Tencent (emulator), Slack (fake) and an
    HTTP client."""

    app_url: str
    slack: FakeSlack
    slack_url: str
    emulator: Emulator
    http: httpx.Client
    asgi: TimbotASGI
    server: ServerThread
    #: where the app sends Tencent calls (the emulator over HTTP, unless ``tim_base_url`` said otherwise)
    tencent_url: str = ""

    def _send(self, body: str, headers: dict[str, str]) -> tuple[int, float]:
        started = time.monotonic()
        answer = self.http.post(f"{self.app_url}/slack/events", content=body, headers=headers)
        return answer.status_code, time.monotonic() - started

    def command(
        self,
        command: str,
        text: str = "",
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> Sent:
        """Send a signed slash command (or with ``headers`` as given) whose response_url ends in ``key`` (a
        fresh one when None)."""
        key = key or uuid.uuid4().hex
        body = command_body(command, text, response_url=f"{self.slack_url}/hooks/{key}", **fields)
        status, seconds = self._send(body, signed_headers(body) if headers is None else headers)
        return Sent(status, seconds, key, body)

    def click(self, action_id: str, value: str, **fields: Any) -> Sent:
        """Send a signed button click."""
        key = uuid.uuid4().hex
        body = click_body(action_id, value, response_url=f"{self.slack_url}/hooks/{key}", **fields)
        status, seconds = self._send(body, signed_headers(body))
        return Sent(status, seconds, key, body)

    def answer(self, sent: Sent, timeout: float = 10.0) -> dict[str, Any]:
        """The one message posted to the request's response_url."""
        assert sent.status == 200, sent
        assert sent.seconds < 3.0, f"ack took {sent.seconds:.2f} s"
        return self.slack.wait_posts(sent.key, 1, timeout)[0]

    def in_flight(self) -> int:
        """Answer tasks still running in the app."""
        return len(self.asgi.tasks)

    def settle(self, timeout: float = 5.0) -> int:
        """Wait until no answer task is running (or ``timeout``); return how many still run."""
        deadline = time.monotonic() + timeout
        while self.in_flight() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.in_flight()


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """``action_id -> value`` of the buttons in a message."""
    found: dict[str, str] = {}
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("type") == "button":
                found[element["action_id"]] = element.get("value", "")
    return found


def visible_text(message: dict[str, Any]) -> str:
    """The results a reader sees: the text of the blocks, without the header and context lines (which echo
    the query) and the buttons."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("actions", "header", "context"):
                return
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return "\n".join(parts)


def mentions(text: str, item: str) -> bool:
    """Whether ``item`` (an ID or account) appears in ``text`` as a whole word."""
    return re.search(r"(?<![\w@#:.\-])" + re.escape(item) + r"(?![\w\-])", text) is not None


@contextlib.contextmanager
def backends(emulator: Emulator) -> Iterator[tuple[str, FakeSlack, str]]:
    """The emulator and a fake Slack under uvicorn on loopback: yields (Tencent URL, Slack, Slack URL)."""
    tencent = ServerThread(emulator.asgi, lifespan="off").start()
    slack = FakeSlack()
    slack_server = ServerThread(slack.app(), lifespan="off").start()
    try:
        yield tencent.url, slack, slack_server.url
    finally:
        slack_server.stop()
        tencent.stop()


@contextlib.contextmanager
def running_stack(
    emulator: Emulator,
    *,
    tim_base_url: str | None = None,
    grace: float = 10.0,
    tim_factory: TimFactory | None = None,
    **overrides: Any,
) -> Iterator[Stack]:
    """Start the emulator over HTTP, a fake Slack and the app under uvicorn; yield the :class:`Stack`; stop
    them.

    Args:
        emulator: the Tencent to serve.
        tim_base_url: where the app sends Tencent calls (default: the emulator).
        grace: the app's shutdown grace.
        tim_factory: builds the app's Tencent client (default: the production client).
        overrides: more settings (``timbot_cache_ttl=0``, allow-lists...).
    """
    with backends(emulator) as (tencent_url, slack, slack_url):
        settings = load_settings(
            **{
                "slack_signing_secret": SIGNING_SECRET,
                "slack_bot_token": BOT_TOKEN,
                "slack_api_url": f"{slack_url}/api/",
                "tim_sdkappid": DEMO_SDKAPPID,
                "tim_secret_key": DEMO_KEY,
                "tim_base_url": tim_base_url or tencent_url,
                "timbot_allowed_users": "",
                "timbot_allowed_channels": "",
                "timbot_allow_guests": False,
                **overrides,
            }
        )
        asgi = create_app(settings, grace=grace, tim_factory=tim_factory)
        server = ServerThread(asgi).start()
        try:
            with httpx.Client(timeout=10.0) as http:
                yield Stack(app_url=server.url, slack=slack, slack_url=slack_url, emulator=emulator,
                            http=http, asgi=asgi, server=server, tencent_url=tim_base_url or tencent_url)
        finally:
            server.stop()


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with running_stack(Emulator(seed=0)) as running:
        yield running


@pytest.fixture
def fresh(stack: Stack) -> Stack:
    """The shared stack with Tencent faults and Slack users reset."""
    stack.emulator.faults.clear()
    stack.slack.reset()
    return stack


__all__ = ["TEAM", "Sent", "Stack", "backends", "buttons", "mentions", "running_stack", "visible_text"]
