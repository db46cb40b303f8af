"""Outside acceptance harness: real `uvicorn timbot.asgi:app` in a subprocess, configured by env vars only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from tests.acceptance.standins import ADMIN, BOT_TOKEN, KEY, SDKAPPID, SIGNING_SECRET, TEAM, StandIns


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sign(body: str, *, secret: str = SIGNING_SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    sig = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sig,
        "Content-Type": "application/x-www-form-urlencoded",
    }


@dataclass
class App:
    url: str
    stand: StandIns
    proc: subprocess.Popen[bytes]
    log: Path
    http: httpx.Client

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = "UALICE",
        team: str = TEAM,
        channel: str = "C1",
        headers: dict[str, str] | None = None,
    ) -> tuple[httpx.Response, float, str]:
        key = uuid.uuid4().hex
        body = urllib.parse.urlencode(
            {
                "token": "legacy",
                "team_id": team,
                "team_domain": "outsider",
                "channel_id": channel,
                "channel_name": "ops",
                "user_id": user,
                "user_name": "alice",
                "command": command,
                "text": text,
                "api_app_id": "A1",
                "is_enterprise_install": "false",
                "response_url": f"{self.stand.url}/hooks/{key}",
                "trigger_id": "1.2.3",
            }
        )
        t0 = time.monotonic()
        r = self.http.post(f"{self.url}/slack/events", content=body, headers=headers or sign(body))
        return r, time.monotonic() - t0, key

    def click(
        self, action: dict[str, Any], *, user: str = "UALICE", team: str = TEAM, headers_fn: Any = None
    ) -> tuple[httpx.Response, float, str]:
        import json

        key = uuid.uuid4().hex
        payload = {
            "type": "block_actions",
            "team": {"id": team, "domain": "outsider"},
            "user": {"id": user, "username": "alice", "team_id": team},
            "api_app_id": "A1",
            "token": "legacy",
            "container": {"type": "message", "is_ephemeral": True},
            "trigger_id": "1.2.3",
            "channel": {"id": "C1", "name": "ops"},
            "response_url": f"{self.stand.url}/hooks/{key}",
            "actions": [{**action, "type": "button", "action_ts": "1.2"}],
            "is_enterprise_install": False,
        }
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        headers = headers_fn(body) if headers_fn else sign(body)
        t0 = time.monotonic()
        r = self.http.post(f"{self.url}/slack/events", content=body, headers=headers)
        return r, time.monotonic() - t0, key

    def wait_posts(self, key: str, n: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.stand.slack.posts.get(key, [])
            if len(got) >= n:
                return got
            time.sleep(0.02)
        raise AssertionError(f"no response_url post for {key} within {timeout}s")

    def answer(self, command: str, text: str = "", **kw: Any) -> dict[str, Any]:
        r, took, key = self.command(command, text, **kw)
        assert r.status_code == 200, (r.status_code, r.text)
        assert took < 3.0
        return self.wait_posts(key)[0]

    def press(self, message: dict[str, Any], action_id: str, **kw: Any) -> dict[str, Any]:
        button = find_button(message, action_id)
        assert button is not None, f"no {action_id} button"
        r, took, key = self.click(
            {
                "action_id": button["action_id"],
                "block_id": "b",
                "value": button["value"],
                "text": button["text"],
            },
            **kw,
        )
        assert r.status_code == 200 and took < 3.0
        return self.wait_posts(key)[0]

    def logs(self) -> str:
        return self.log.read_text(errors="replace")


def find_button(message: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    for block in message.get("blocks", []):
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            if el.get("action_id") == action_id:
                return dict(el)
    return None


def start_app(stand: StandIns, tmp: Path, **extra_env: str) -> App:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIM_", "SLACK_", "TIMBOT_"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": f"{stand.url}/api/",
            "TIM_SDKAPPID": str(SDKAPPID),
            "TIM_SECRET_KEY": KEY,
            "TIM_ADMIN": ADMIN,
            "TIM_BASE_URL": stand.url,
            "PORT": str(port),
        }
    )
    env.update(extra_env)
    log = tmp / f"app-{port}.log"
    fh = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "timbot.asgi:app", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=fh,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    http = httpx.Client(timeout=10)
    deadline = time.monotonic() + 20
    while True:
        try:
            if http.get(f"{url}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log.read_text())
        time.sleep(0.05)
    return App(url, stand, proc, log, http)


def stop_app(app: App) -> None:
    app.http.close()
    app.proc.terminate()
    try:
        app.proc.wait(25)
    except subprocess.TimeoutExpired:
        app.proc.kill()


@pytest.fixture(scope="session")
def stand() -> Iterator[StandIns]:
    s = StandIns()
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def app_session(stand: StandIns, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = start_app(stand, tmp_path_factory.mktemp("acc"))
    yield app
    stop_app(app)


@pytest.fixture
def app(app_session: App) -> App:
    app_session.stand.tim.reset()
    return app_session
