"""`timbot socket` end to end against a local fake of Slack Socket Mode (connections.open + WebSocket)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import WSMsgType, web
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.conftest import register_secret
from tests.e2e.conftest import buttons, visible_text
from tests.slack.fakes import BOT_TOKEN, TEAM, FakeSlack, ServerThread, click_payload, command_fields
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.errors import ConfigError
from timbot.settings import Settings, load_settings
from timbot.slack.socket import _socket_mode

APP_TOKEN = register_secret("xapp-1-A0TIMBOT-test-app-token")
#: Slack's WebSocket URL carries a one-time ticket: a credential like the tokens.
TICKET = register_secret("socket-ticket-5d1e0c7a9b")
#: Slack wants every envelope acknowledged within 3 s.
ACK_LIMIT = 3.0


@dataclass
class SocketSlack:
    """The WebSocket half of Socket Mode, served by aiohttp in the test's event loop.

    Sends ``hello`` on connect, then whatever envelopes the test sends; records every frame the app sends
    back (the acknowledgements) with its arrival time.
    """

    url: str = ""
    connections: int = 0
    frames: list[dict[str, Any]] = field(default_factory=list)
    _ws: web.WebSocketResponse | None = None
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _acks: dict[str, asyncio.Future[tuple[float, dict[str, Any]]]] = field(default_factory=dict)
    _closed: asyncio.Event = field(default_factory=asyncio.Event)

    async def link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        self._ws = ws
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "applink-test", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A0TIMBOT"},
            }
        )
        self._connected.set()
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            frame = json.loads(message.data)
            self.frames.append(frame)
            waiter = self._acks.get(str(frame.get("envelope_id")))
            if waiter is not None and not waiter.done():
                waiter.set_result((time.monotonic(), frame))
        self._closed.set()
        return ws

    async def connected(self, within: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), within)

    async def closed(self, within: float = 5.0) -> None:
        await asyncio.wait_for(self._closed.wait(), within)

    async def send(self, kind: str, payload: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        """Send one envelope; return (seconds until acknowledged, the acknowledgement frame)."""
        assert self._ws is not None
        envelope_id = str(uuid.uuid4())
        waiter: asyncio.Future[tuple[float, dict[str, Any]]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = waiter
        started = time.monotonic()
        await self._ws.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind == "slash_commands",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        arrived, frame = await asyncio.wait_for(waiter, ACK_LIMIT * 2)
        assert frame.get("envelope_id") == envelope_id
        return arrived - started, frame


@dataclass
class Harness:
    slack: FakeSlack
    slack_url: str
    socket: SocketSlack
    emulator: Emulator
    opened_with: list[str]

    def hook(self) -> tuple[str, str]:
        key = uuid.uuid4().hex
        return key, f"{self.slack_url}/hooks/{key}"

    async def answer(self, key: str, within: float = 8.0) -> dict[str, Any]:
        deadline = time.monotonic() + within
        while not (posts := self.slack.posts_for(key)):
            assert time.monotonic() < deadline, f"no answer posted to hook {key}"
            await asyncio.sleep(0.02)
        assert len(posts) == 1, posts
        return posts[0]


def slash_payload(command: str, text: str, *, response_url: str, user: str = "U0ALICE") -> dict[str, Any]:
    """The ``payload`` of a ``slash_commands`` envelope: the slash command's form fields as JSON."""
    return dict(command_fields(command, text, response_url=response_url, user=user))


@pytest.fixture
def tencent() -> Iterator[tuple[Emulator, str]]:
    emulator = Emulator(seed=0)
    server = ServerThread(emulator.asgi, lifespan="off").start()
    yield emulator, server.url
    server.stop()


@pytest.fixture
async def harness(tencent: tuple[Emulator, str], monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    socket = SocketSlack()
    ws_app = web.Application()
    ws_app.router.add_get("/link", socket.link)
    runner = web.AppRunner(ws_app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    socket.url = f"ws://127.0.0.1:{port}/link?ticket={TICKET}"

    opened_with: list[str] = []

    async def connections_open(request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        opened_with.append(token)
        if token != APP_TOKEN:
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        return JSONResponse({"ok": True, "url": socket.url})

    fake = FakeSlack()
    api = Starlette(
        routes=[*fake.app().routes, Route("/api/apps.connections.open", connections_open, methods=["POST"])]
    )
    server = ServerThread(api, lifespan="off").start()
    emulator, _ = tencent
    try:
        yield Harness(
            slack=fake, slack_url=server.url, socket=socket, emulator=emulator, opened_with=opened_with
        )
    finally:
        server.stop()
        await runner.cleanup()


def socket_settings(harness: Harness, tim_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_app_token": APP_TOKEN,
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": None,  # Socket Mode requests are not signed: none is needed
        "slack_api_url": f"{harness.slack_url}/api/",
        "tim_sdkappid": DEMO_SDKAPPID,
        "tim_secret_key": DEMO_KEY,
        "tim_base_url": tim_url,
        "timbot_allowed_users": "",
        "timbot_allowed_channels": "",
        "timbot_allow_guests": False,
    }
    values.update(overrides)
    return load_settings(**values)


@contextlib.asynccontextmanager
async def running(settings: Settings, harness: Harness) -> AsyncIterator[asyncio.Task[None]]:
    """``_socket_mode`` as a task, connected; cancelled on exit, which must end it within a few seconds."""
    task = asyncio.create_task(_socket_mode(settings))
    try:
        connected = asyncio.create_task(harness.socket.connected())
        await asyncio.wait({task, connected}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            connected.cancel()
            task.result()  # start-up failed: raise its error here
        await connected
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5.0)
    # The app left the socket on its way out.
    await harness.socket.closed()


@pytest.mark.parametrize("signing_secret", [None, ""])
async def test_command_click_and_guest_over_socket_mode(
    harness: Harness, tencent: tuple[Emulator, str], signing_secret: str | None
) -> None:
    settings = socket_settings(harness, tencent[1], slack_signing_secret=signing_secret)
    async with running(settings, harness):
        # apps.connections.open with the app-level token: once to check it at start-up, once to connect
        assert harness.opened_with == [APP_TOKEN, APP_TOKEN]

        # /im-groups: acknowledged over the socket at once, answered on response_url with page 1.
        key, url = harness.hook()
        seconds, ack = await harness.socket.send(
            "slash_commands", slash_payload("/im-groups", "", response_url=url)
        )
        assert seconds < ACK_LIMIT and set(ack) == {"envelope_id"}  # empty ack: the answer comes later
        first = await harness.answer(key)
        assert first["response_type"] == "ephemeral" and first["replace_original"] is False
        assert "timbot_next" in buttons(first) and "timbot_prev" not in buttons(first)
        all_groups = set(harness.emulator.data.by_id)
        shown_first = {g for g in all_groups if g in visible_text(first)}
        assert shown_first, "page 1 shows no group"

        # Next: acknowledged, and the message is replaced with page 2 (other groups, a Previous button).
        key, url = harness.hook()
        seconds, ack = await harness.socket.send(
            "interactive", click_payload("timbot_next", buttons(first)["timbot_next"], response_url=url)
        )
        assert seconds < ACK_LIMIT and set(ack) == {"envelope_id"}
        second = await harness.answer(key)
        assert second["replace_original"] is True
        assert "timbot_prev" in buttons(second)
        shown_second = {g for g in all_groups if g in visible_text(second)}
        assert shown_second and not shown_second & shown_first

        # A guest: acknowledged, refused politely on response_url, and Tencent is never asked.
        harness.slack.users["U0GUEST"] = {"id": "U0GUEST", "team_id": TEAM, "is_restricted": True}
        before = len(harness.emulator.calls)
        key, url = harness.hook()
        seconds, ack = await harness.socket.send(
            "slash_commands", slash_payload("/im-groups", "", response_url=url, user="U0GUEST")
        )
        assert seconds < ACK_LIMIT
        refusal = await harness.answer(key)
        assert "guest" in refusal["text"].lower()
        assert refusal["response_type"] == "ephemeral" and refusal["replace_original"] is False
        await asyncio.sleep(0.2)
        assert len(harness.emulator.calls) == before

    assert harness.socket.connections == 1
    # Only acknowledgements came back over the socket, one per envelope.
    assert len(harness.socket.frames) == 3


async def test_shutdown_leaves_the_socket_then_delivers_acknowledged_answers(
    harness: Harness, tencent: tuple[Emulator, str]
) -> None:
    settings = socket_settings(harness, tencent[1])
    harness.emulator.faults.delay(1.5, times=1)  # the answer is still being worked on at shutdown
    key, url = harness.hook()
    task = asyncio.create_task(_socket_mode(settings))
    try:
        await harness.socket.connected()
        seconds, _ = await harness.socket.send(
            "slash_commands", slash_payload("/im-groups", "", response_url=url)
        )
        assert seconds < ACK_LIMIT
    finally:
        task.cancel()
    # The socket is left first, so Slack stops sending this process new envelopes while it drains...
    await harness.socket.closed()
    assert harness.slack.posts_for(key) == [], "the socket stayed open while answers were drained"
    # ...and the answer already acknowledged is still delivered before the process ends.
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 8.0)
    answer = await harness.answer(key, within=0.5)
    assert "timbot_next" in buttons(answer)


async def test_missing_app_token_is_a_config_error(harness: Harness, tencent: tuple[Emulator, str]) -> None:
    settings = socket_settings(harness, tencent[1], slack_app_token=None)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        await _socket_mode(settings)


async def test_a_refused_app_token_stops_start_up_with_one_line(
    harness: Harness, tencent: tuple[Emulator, str]
) -> None:
    wrong = register_secret("xapp-1-A0WRONG-0000-revoked")
    settings = socket_settings(harness, tencent[1], slack_app_token=wrong)
    with pytest.raises(ConfigError) as refused:
        await asyncio.wait_for(_socket_mode(settings), 5.0)
    assert refused.value.variable == "SLACK_APP_TOKEN"
    assert "invalid_auth" in str(refused.value) and wrong not in str(refused.value)
    assert harness.opened_with == [wrong], "one check, no retry loop"
    assert not harness.emulator.calls
