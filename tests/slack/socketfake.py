"""A local fake of Slack Socket Mode: ``apps.connections.open`` and the Web API under uvicorn in a thread, the
WebSocket under aiohttp in the test's event loop. Either can be down: the API before it is first started (its
port is bound, not listening, so connections are refused), the WebSocket between ``ws_down`` and ``ws_up``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.conftest import register_secret
from tests.slack.fakes import BOT_TOKEN, FakeSlack, ServerThread, command_fields
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.settings import Settings, load_settings

APP_TOKEN = register_secret("xapp-1-A0TIMBOT-test-app-token")
#: Slack's WebSocket URL carries a one-time ticket: a credential like the tokens.
TICKET = register_secret("socket-ticket-5d1e0c7a9b")
#: Slack wants every envelope acknowledged within 3 s.
ACK_LIMIT = 3.0
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@dataclass
class SocketSlack:
    """The WebSocket half of Socket Mode, served by aiohttp in the test's event loop.

    Sends ``hello`` on connect, then whatever envelopes the test sends; records every frame the app sends
    back (the acknowledgements) with its arrival time.
    """

    url: str = ""
    #: the app token ``apps.connections.open`` accepts (any other gets ``invalid_auth``)
    accepted_token: str = APP_TOKEN
    #: answers ``apps.connections.open`` gives first, one per call, before it answers as Slack does
    open_faults: list[Response] = field(default_factory=list)
    connections: int = 0
    frames: list[dict[str, Any]] = field(default_factory=list)
    _hellos: int = 0
    _ws: web.WebSocketResponse | None = None
    _request: web.Request | None = None
    _connected: asyncio.Event = field(default_factory=asyncio.Event)
    _acks: dict[str, asyncio.Future[tuple[float, dict[str, Any]]]] = field(default_factory=dict)
    _closed: asyncio.Event = field(default_factory=asyncio.Event)

    async def link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        self._ws, self._request = ws, request
        self._closed.clear()
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "applink-test", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A0TIMBOT"},
            }
        )
        self._hellos += 1
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

    async def connected(self, within: float = 5.0, *, count: int = 1) -> None:
        """Wait until the app has been greeted on ``count`` sockets in all."""
        deadline = time.monotonic() + within
        while self._hellos < count:
            self._connected.clear()
            await asyncio.wait_for(self._connected.wait(), max(deadline - time.monotonic(), 0.01))

    async def closed(self, within: float = 5.0) -> None:
        await asyncio.wait_for(self._closed.wait(), within)

    async def drop(self, *, abrupt: bool) -> None:
        """End the current socket: with a close frame (Slack going away), or ``abrupt``ly (the TCP connection
        cut, no close frame: the network gone)."""
        assert self._ws is not None and self._request is not None
        if abrupt:
            transport = self._request.transport
            assert transport is not None
            transport.abort()
        else:
            await self._ws.close()

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
    api: ServerThread
    ws_runner: web.AppRunner
    ws_port: int
    ws_site: web.TCPSite | None = None

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

    async def ws_down(self) -> None:
        """Stop taking WebSocket connections (the one open stays: :meth:`SocketSlack.drop` ends it)."""
        assert self.ws_site is not None
        await self.ws_site.stop()
        self.ws_site = None

    async def ws_up(self) -> None:
        """Take WebSocket connections again, on the same port."""
        self.ws_site = web.TCPSite(self.ws_runner, "127.0.0.1", self.ws_port)
        await self.ws_site.start()


def slash_payload(command: str, text: str, *, response_url: str, user: str = "U0ALICE") -> dict[str, Any]:
    """The ``payload`` of a ``slash_commands`` envelope: the slash command's form fields as JSON."""
    return dict(command_fields(command, text, response_url=response_url, user=user))


@contextlib.asynccontextmanager
async def socket_slack(emulator: Emulator, *, serve_api: bool = True) -> AsyncIterator[Harness]:
    """The fake, its API started unless not ``serve_api`` (then ``harness.api.start()`` starts it)."""
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
        if socket.open_faults:
            return socket.open_faults.pop(0)
        if token != socket.accepted_token:
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        return JSONResponse({"ok": True, "url": socket.url})

    fake = FakeSlack()
    api = Starlette(
        routes=[*fake.app().routes, Route("/api/apps.connections.open", connections_open, methods=["POST"])]
    )
    server = ServerThread(api, lifespan="off")
    if serve_api:
        server.start()
    try:
        yield Harness(
            slack=fake, slack_url=server.url, socket=socket, emulator=emulator, opened_with=opened_with,
            api=server, ws_runner=runner, ws_port=port, ws_site=site,
        )
    finally:
        if server.thread.is_alive():
            server.stop()
        server.sock.close()
        await runner.cleanup()


def socket_env(harness: Harness, tim_url: str) -> dict[str, str]:
    """The variables ``timbot socket`` needs to use the fake and the emulator (every ``SLACK_*``, ``TIM_*``
    and ``TIMBOT_*`` variable of the test's own environment left out)."""
    return {
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{harness.slack_url}/api/",
        "TIM_SDKAPPID": str(DEMO_SDKAPPID),
        "TIM_SECRET_KEY": DEMO_KEY,
        "TIM_BASE_URL": tim_url,
    }


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
