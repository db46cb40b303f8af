"""Local stand-ins for Slack in tests: a Web API (auth.test, users.info), a response_url receiver, signing."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

TEAM = "T0HOME"
OTHER_TEAM = "T0OTHER"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-bot-token-0000"


@dataclass
class FakeSlack:
    """Slack's Web API and response_url hooks on one Starlette app; all state readable by tests."""

    team: str = TEAM
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    users_info_fails: bool = False
    users_info_delay: float = 0.0
    calls: list[str] = field(default_factory=list)
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    hook_status: dict[str, list[int]] = field(default_factory=dict)
    #: ``Retry-After`` header sent with a hook's scripted non-200 answers.
    hook_retry_after: dict[str, str] = field(default_factory=dict)
    hook_delay: float = 0.0
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/auth.test", self._auth_test, methods=["GET", "POST"]),
                Route("/api/users.info", self._users_info, methods=["GET", "POST"]),
                Route("/hooks/{key}", self._hook, methods=["POST"]),
            ]
        )

    async def _auth_test(self, request: Request) -> Response:
        self.calls.append("auth.test")
        return JSONResponse(
            {
                "ok": True,
                "team_id": self.team,
                "team": "Home",
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "url": "https://home.slack.com/",
                "user": "timbot",
            },
            headers={"x-oauth-scopes": "commands,users:read,chat:write,im:write,files:write"},  # as Slack does: the token's scopes
        )

    def reset(self) -> None:
        """Forget the scripted users and faults (the calls and posts stay)."""
        self.users.clear()
        self.users_info_fails = False
        self.users_info_delay = 0.0
        self.hook_status.clear()
        self.hook_retry_after.clear()
        self.hook_delay = 0.0

    async def _users_info(self, request: Request) -> Response:
        if self.users_info_delay:
            await asyncio.sleep(self.users_info_delay)
        self.calls.append("users.info")
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.form()).items()})
        if self.users_info_fails:
            return PlainTextResponse("upstream broke", status_code=500)
        user_id = params.get("user", "")
        user = self.users.get(user_id)
        if user is None:
            user = {"id": user_id, "team_id": self.team, "is_restricted": False, "is_ultra_restricted": False}
        return JSONResponse({"ok": True, "user": user})

    async def _hook(self, request: Request) -> Response:
        key = request.path_params["key"]
        statuses = self.hook_status.get(key)
        if statuses:
            status = statuses.pop(0)
            if status != 200:
                retry_after = self.hook_retry_after.get(key)
                headers = {"Retry-After": retry_after} if retry_after is not None else None
                return PlainTextResponse("no_service", status_code=status, headers=headers)
        if self.hook_delay:
            await asyncio.sleep(self.hook_delay)
        payload = await request.json()
        with self._cond:
            self.posts.append((key, payload))
            self._cond.notify_all()
        return PlainTextResponse("ok")

    def wait_posts(self, key: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until ``count`` posts arrived on hook ``key``; return them in order."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [payload for k, payload in self.posts if k == key]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} post(s) on {key}, got {len(got)}")
                self._cond.wait(left)

    def posts_for(self, key: str) -> list[dict[str, Any]]:
        with self._cond:
            return [payload for k, payload in self.posts if k == key]


class ServerThread:
    """Runs an ASGI app under uvicorn on a free loopback port in a thread of its own."""

    def __init__(self, app: Any, *, lifespan: str = "on") -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, lifespan=lifespan, log_level="warning", timeout_graceful_shutdown=30)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()


def signed_headers(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack would send with ``body`` (form-encoded), signed with ``secret``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }


def command_fields(
    command: str,
    text: str,
    *,
    response_url: str,
    user: str = "U0ALICE",
    team: str = TEAM,
    channel: str = "C0GENERAL",
) -> dict[str, str]:
    """The fields of a slash command, as Slack sends them (a form over HTTP, JSON in Socket Mode)."""
    return {
        "token": "deprecated",
        "team_id": team,
        "team_domain": "home",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": "alice",
        "command": command,
        "text": text,
        "api_app_id": "A0TIMBOT",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def command_body(
    command: str,
    text: str,
    *,
    response_url: str,
    user: str = "U0ALICE",
    team: str = TEAM,
    channel: str = "C0GENERAL",
) -> str:
    """The form body of a slash command."""
    fields = command_fields(command, text, response_url=response_url, user=user, team=team, channel=channel)
    return urllib.parse.urlencode(fields)


def click_payload(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user: str = "U0ALICE",
    user_team: str = TEAM,
    team: str = TEAM,
    channel: str = "C0GENERAL",
) -> dict[str, Any]:
    """A block_actions click on an ephemeral message (the ``payload`` form field over HTTP, JSON in
    Socket Mode)."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "alice", "name": "alice", "team_id": user_team},
        "api_app_id": "A0TIMBOT",
        "token": "deprecated",
        "container": {"type": "message", "message_ts": "1.1", "channel_id": channel, "is_ephemeral": True},
        "trigger_id": "1.2.3",
        "team": {"id": team, "domain": "home"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "general"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "pager:1",
                "text": {"type": "plain_text", "text": "Next"},
                "value": value,
                "type": "button",
                "action_ts": "1.2",
            }
        ],
    }


def click_body(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user: str = "U0ALICE",
    user_team: str = TEAM,
    team: str = TEAM,
    channel: str = "C0GENERAL",
) -> str:
    """The form body of a block_actions click on an ephemeral message."""
    payload = click_payload(
        action_id, value, response_url=response_url, user=user, user_team=user_team, team=team,
        channel=channel,
    )
    return urllib.parse.urlencode({"payload": json.dumps(payload)})
