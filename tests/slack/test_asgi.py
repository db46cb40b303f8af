"""The ASGI app: import needs no environment, missing settings stop start-up with one line, 503 on drain."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import MutableMapping
from typing import Any

import httpx
import pytest

from tests.slack.fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlack, command_body, signed_headers
from timbot.asgi import create_app
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.settings import load_settings

ENV = {
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "TIM_SDKAPPID": str(DEMO_SDKAPPID),
    "TIM_SECRET_KEY": DEMO_KEY,
}


def test_import_needs_no_environment() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TIM_", "TIMBOT_"))}
    done = subprocess.run(
        [sys.executable, "-c", "import timbot.asgi as m; print(type(m.app).__name__)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "TimbotASGI"


async def _lifespan(app: Any) -> list[MutableMapping[str, Any]]:
    sent: list[MutableMapping[str, Any]] = []
    queue: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    await queue.put({"type": "lifespan.startup"})

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "lifespan.startup.complete":
            await queue.put({"type": "lifespan.shutdown"})

    await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, queue.get, send)
    return sent


@pytest.mark.parametrize("missing", list(ENV))
async def test_missing_setting_stops_startup_naming_it(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    (failed,) = await _lifespan(create_app())
    assert failed["type"] == "lifespan.startup.failed"
    assert failed["message"] == f"timbot cannot start: {missing}: is required but not set"
    assert "\n" not in failed["message"]


async def test_starts_and_stops_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    sent = await _lifespan(create_app())
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


async def test_drain_refuses_new_requests_and_finishes_old(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    emulator = Emulator(seed=0)
    emulator.faults.delay(0.5, times=None)
    settings = load_settings(
        slack_signing_secret=SIGNING_SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=f"{url}/api",
        tim_sdkappid=DEMO_SDKAPPID,
        tim_secret_key=DEMO_KEY,
        tim_base_url="http://tim.test",
    )
    app = create_app(settings, tim_transport=emulator.transport(), grace=5.0)
    await app.startup()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://timbot.test")
    async with client:
        assert (await client.get("/healthz")).text == "ok"
        body = command_body("/im-group", "@TGS#3GSW2YAIR", response_url=f"{url}/hooks/drain1")
        assert (
            await client.post("/slack/events", content=body, headers=signed_headers(body))
        ).status_code == 200
        assert len(app.tasks) == 1
        stopping = asyncio.create_task(app.shutdown())
        await asyncio.sleep(0.05)
        late = await client.post("/slack/events", content=body, headers=signed_headers(body))
        assert late.status_code == 503
        await stopping
    assert len(fake.posts_for("drain1")) == 1
