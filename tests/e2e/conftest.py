"""End-to-end harness: the real ASGI app under uvicorn, the emulator as Tencent, a local fake Slack."""

from __future__ import annotations

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
from timbot.asgi import create_app
from timbot.settings import load_settings
from timbot.tim.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator


@dataclass
class Sent:
    """One request sent to the app: its HTTP answer, how long the ack took, and its response_url key."""

    status: int
    seconds: float
    key: str
    body: str


@dataclass
class Stack:
    """The running system: app URL, Tencent (emulator), Slack (fake) and an HTTP client."""

    app_url: str
    slack: FakeSlack
    slack_url: str
    emulator: Emulator
    http: httpx.Client

    def _send(self, body: str, headers: dict[str, str]) -> tuple[int, float]:
        started = time.monotonic()
        answer = self.http.post(f"{self.app_url}/slack/events", content=body, headers=headers)
        return answer.status_code, time.monotonic() - started

    def command(
        self, command: str, text: str = "", *, headers: dict[str, str] | None = None, **fields: Any
    ) -> Sent:
        """Send a signed slash command (or with ``headers`` as given)."""
        key = uuid.uuid4().hex
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


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    emulator = Emulator(seed=0)
    tencent = ServerThread(emulator.asgi, lifespan="off").start()
    slack = FakeSlack()
    slack_server = ServerThread(slack.app(), lifespan="off").start()
    settings = load_settings(
        slack_signing_secret=SIGNING_SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=f"{slack_server.url}/api/",
        tim_sdkappid=DEMO_SDKAPPID,
        tim_secret_key=DEMO_KEY,
        tim_base_url=tencent.url,
        timbot_allowed_users="",
        timbot_allowed_channels="",
        timbot_allow_guests=False,
    )
    app = ServerThread(create_app(settings, grace=10.0)).start()
    with httpx.Client(timeout=10.0) as http:
        yield Stack(app_url=app.url, slack=slack, slack_url=slack_server.url, emulator=emulator, http=http)
    app.stop()
    slack_server.stop()
    tencent.stop()


@pytest.fixture
def fresh(stack: Stack) -> Stack:
    """The shared stack with Tencent faults and Slack users reset."""
    stack.emulator.faults.clear()
    stack.slack.users.clear()
    stack.slack.users_info_fails = False
    return stack


__all__ = ["TEAM", "Sent", "Stack", "buttons", "mentions", "visible_text"]
