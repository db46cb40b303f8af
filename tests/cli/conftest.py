"""Fixtures of the terminal tests: a clean environment, the emulator on a loopback port, a fake Slack."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import uvicorn

from timbot.emulator import Emulator

#: Every variable timbot reads: cleared so a developer's own settings never leak into a test.
VARIABLES = (
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "TIM_SDKAPPID",
    "TIM_SECRET_KEY", "TIM_ADMIN", "TIM_REGION", "TIM_BASE_URL", "TIMBOT_ALLOWED_USERS",
    "TIMBOT_ALLOWED_CHANNELS", "TIMBOT_ALLOW_GUESTS", "TIMBOT_CACHE_TTL", "PORT", "NO_COLOR", "REDIS_URL",
    "TIMBOT_REDIS_PREFIX",
    # the terminal commands answer in the terminal's language: the tests read English unless they ask
    "TIMBOT_LANGUAGE", "LANG", "LC_ALL", "LC_MESSAGES",
)
GOOD_TOKEN = "xoxb-1111-2222-good-token-for-tests"
#: A valid token installed without ``users:read`` (Slack says so in auth.test's ``x-oauth-scopes`` header).
NARROW_TOKEN = "xoxb-1111-3333-token-without-users-read"
_SCOPES = {GOOD_TOKEN: "commands,users:read,chat:write,im:write,files:write", NARROW_TOKEN: "commands"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    """The built-in emulator (seed 0) over HTTP on a loopback port (no 1/s limit: the tests call it often)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = Emulator(seed=0, enforce_rate_limits=False).asgi
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the emulator did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)
    sock.close()


class _FakeSlack(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if self.path.rstrip("/") != "/api/auth.test":
            answer = {"ok": False, "error": "unknown_method"}
        elif token in _SCOPES:
            answer = {"ok": True, "url": "https://acme.slack.com/", "team": "Acme Ops", "user": "timbot",
                      "team_id": "T0001", "user_id": "U0001", "bot_id": "B0001"}
        else:
            answer = {"ok": False, "error": "invalid_auth"}
        data = json.dumps(answer).encode()
        self.send_response(200)
        if token in _SCOPES:  # as Slack does: the scopes the token was granted
            self.send_header("x-oauth-scopes", _SCOPES[token])
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="session")
def slack_api_url() -> Iterator[str]:
    """A local fake Slack Web API answering auth.test (good only for GOOD_TOKEN)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSlack)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port
