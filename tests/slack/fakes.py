"""Local stand-ins for Slack in tests: a Web API (auth.test, users.info, the DM, messages and file upload of
an export), a response_url receiver, signing."""

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
    #: the DM channel of each user (``conversations.open``), made on first open
    dms: dict[str, str] = field(default_factory=dict)
    #: every version of every message the bot posted or updated: ``(channel, ts) -> [message, ...]``
    messages: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    #: every file: ``file_id -> {"filename", "length", "data", "channel", "comment", "title",
    #: "shared"}``
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: scripted answers of Web API methods, first call first: ``method -> [(status, error, retry_after)]``
    #: (status 429 answers with ``Retry-After``; 200 with an error answers ``{"ok": false, "error": ...}``)
    faults: dict[str, list[tuple[int, str, str | None]]] = field(default_factory=dict)
    #: scripted HTTP statuses of the upload URL, first upload first
    upload_status: list[int] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/auth.test", self._auth_test, methods=["GET", "POST"]),
                Route("/api/users.info", self._users_info, methods=["GET", "POST"]),
                Route("/hooks/{key}", self._hook, methods=["POST"]),
                Route("/api/conversations.open", self._conversations_open, methods=["POST"]),
                Route("/api/chat.postMessage", self._post_message, methods=["POST"]),
                Route("/api/chat.update", self._update, methods=["POST"]),
                Route("/api/files.getUploadURLExternal", self._upload_url, methods=["POST"]),
                Route("/api/files.completeUploadExternal", self._complete_upload, methods=["POST"]),
                Route("/upload/{file_id}", self._upload, methods=["POST"]),
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
            # as Slack does: the token's scopes
            headers={"x-oauth-scopes": "commands,users:read,chat:write,im:write,files:write"},
        )

    def reset(self) -> None:
        """Forget the scripted users and faults, the DMs, messages and files (the calls and posts stay)."""
        self.users.clear()
        self.users_info_fails = False
        self.users_info_delay = 0.0
        self.hook_status.clear()
        self.hook_retry_after.clear()
        self.hook_delay = 0.0
        self.faults.clear()
        self.upload_status.clear()
        with self._cond:
            self.dms.clear()
            self.messages.clear()
            self.files.clear()

    # -- the export's Web API: as Slack answers them ------------------------------------------------
    async def _params(self, request: Request) -> dict[str, Any] | Response:
        """The call's arguments (form or JSON), or Slack's answer to a missing or wrong token."""
        if request.headers.get("authorization") != f"Bearer {BOT_TOKEN}":
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        params: dict[str, Any] = dict(request.query_params)  # slack_sdk sends some methods' args so
        if request.headers.get("content-type", "").startswith("application/json"):
            params.update(await request.json())
        else:
            params.update(urllib.parse.parse_qsl((await request.body()).decode()))
        return params

    def _fault(self, method: str) -> Response | None:
        script = self.faults.get(method)
        if not script:
            return None
        status, error, retry_after = script.pop(0)
        if status == 429:
            return JSONResponse({"ok": False, "error": "ratelimited"}, status_code=429,
                                headers={"Retry-After": retry_after or "1"})
        return JSONResponse({"ok": False, "error": error}, status_code=status)

    async def _call(self, request: Request, method: str) -> dict[str, Any] | Response:
        params = await self._params(request)
        if isinstance(params, Response):
            return params
        with self._cond:
            self.calls.append(method)
        fault = self._fault(method)
        return fault if fault is not None else params

    async def _conversations_open(self, request: Request) -> Response:
        params = await self._call(request, "conversations.open")
        if isinstance(params, Response):
            return params
        users = str(params.get("users", ""))
        if not users.startswith(("U", "W")) or "," in users:
            return JSONResponse({"ok": False, "error": "user_not_found"})
        with self._cond:
            channel = self.dms.setdefault(users, f"D{len(self.dms) + 1:08d}")
        return JSONResponse({"ok": True, "channel": {"id": channel}})

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        blocks = params.get("blocks", [])
        parsed = json.loads(blocks) if isinstance(blocks, str) else blocks
        return {"text": params.get("text", ""), "blocks": parsed}

    async def _post_message(self, request: Request) -> Response:
        params = await self._call(request, "chat.postMessage")
        if isinstance(params, Response):
            return params
        channel = str(params.get("channel", ""))
        if channel not in self.dms.values():
            return JSONResponse({"ok": False, "error": "channel_not_found"})
        with self._cond:
            ts = f"{time.time():.6f}{len(self.messages):04d}"
            self.messages[(channel, ts)] = [self._message(params)]
            self._cond.notify_all()
        return JSONResponse({"ok": True, "channel": channel, "ts": ts})

    async def _update(self, request: Request) -> Response:
        params = await self._call(request, "chat.update")
        if isinstance(params, Response):
            return params
        key = (str(params.get("channel", "")), str(params.get("ts", "")))
        with self._cond:
            if key not in self.messages:
                return JSONResponse({"ok": False, "error": "message_not_found"})
            self.messages[key].append(self._message(params))
            self._cond.notify_all()
        return JSONResponse({"ok": True, "channel": key[0], "ts": key[1]})

    async def _upload_url(self, request: Request) -> Response:
        params = await self._call(request, "files.getUploadURLExternal")
        if isinstance(params, Response):
            return params
        length = str(params.get("length", ""))
        if not params.get("filename") or not length.isdigit():
            return JSONResponse({"ok": False, "error": "invalid_arguments"})
        with self._cond:
            file_id = f"F{len(self.files) + 1:08d}"
            self.files[file_id] = {"filename": params["filename"], "length": int(length), "data": None,
                                   "channel": None, "comment": None, "title": None, "shared": False}
        url = f"{request.base_url}upload/{file_id}"
        return JSONResponse({"ok": True, "upload_url": url, "file_id": file_id})

    async def _upload(self, request: Request) -> Response:
        file_id = request.path_params["file_id"]
        if self.upload_status:
            status = self.upload_status.pop(0)
            if status != 200:
                return PlainTextResponse("upload failed", status_code=status)
        entry = self.files.get(file_id)
        if entry is None:
            return PlainTextResponse("no such upload", status_code=404)
        data = await request.body()
        if len(data) != entry["length"]:  # Slack refuses a body of another size than was announced
            return PlainTextResponse(f"size mismatch: {len(data)} != {entry['length']}", status_code=400)
        with self._cond:
            entry["data"] = data
        return PlainTextResponse(f"OK - {len(data)}")

    async def _complete_upload(self, request: Request) -> Response:
        params = await self._call(request, "files.completeUploadExternal")
        if isinstance(params, Response):
            return params
        files = params.get("files", "[]")
        files = json.loads(files) if isinstance(files, str) else files
        channel = str(params.get("channel_id", ""))
        if channel.startswith(("U", "W")):  # a user ID is not a conversation (bolt-js#2115)
            return JSONResponse({"ok": False, "error": "invalid_arguments"})
        done = []
        with self._cond:
            for item in files:
                entry = self.files.get(str(item.get("id")))
                if entry is None or entry["data"] is None:
                    return JSONResponse({"ok": False, "error": "file_not_found"})
                entry.update(channel=channel or None, comment=params.get("initial_comment"),
                             title=item.get("title"), shared=bool(channel))
                done.append({"id": item["id"], "title": item.get("title")})
            self._cond.notify_all()
        return JSONResponse({"ok": True, "files": done})

    def wait_for(self, predicate: Any, timeout: float = 10.0) -> None:
        """Block until ``predicate()`` (called under the lock, after every message or file) is true."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("Slack never saw what the test waited for")
                self._cond.wait(min(left, 0.1))

    def shared_files(self, channel: str) -> list[dict[str, Any]]:
        """The files completed into ``channel``, oldest first."""
        with self._cond:
            return [entry for entry in self.files.values() if entry["channel"] == channel and entry["shared"]]

    def versions(self, channel: str) -> list[list[dict[str, Any]]]:
        """Every message in ``channel`` with its versions (posted, then each update)."""
        with self._cond:
            return [list(v) for (c, _), v in self.messages.items() if c == channel]

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
        if params.get("include_locale") not in ("1", "true"):  # as Slack: the locale only when asked for
            user = {key: value for key, value in user.items() if key != "locale"}
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
