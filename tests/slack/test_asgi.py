"""The ASGI app: import needs no environment, missing settings stop start-up with one line, 503 on drain,
and only the serving entry points tune the process (GC, logging)."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import subprocess
import sys
from collections.abc import MutableMapping
from typing import Any

import httpx
import pytest

from tests.conftest import scan_later
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


async def test_with_nothing_set_start_up_names_every_missing_variable_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    (failed,) = await _lifespan(create_app())
    assert failed["message"].splitlines() == [
        "timbot cannot start:", *(f"  {name}: is required but not set" for name in ENV)]


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


def _process_state() -> dict[str, Any]:
    """What a tuned start-up changes in the process: the collector, timbot's handlers, httpx's filters."""
    return {
        "threshold": gc.get_threshold(),
        "frozen": gc.get_freeze_count(),
        "timbot_handlers": list(logging.getLogger("timbot").handlers),
        "timbot_level": logging.getLogger("timbot").level,
        "httpx_filters": list(logging.getLogger("httpx").filters),
    }


async def test_an_app_built_with_create_app_leaves_the_process_as_it_found_it() -> None:
    settings = load_settings(
        slack_signing_secret=SIGNING_SECRET,
        slack_bot_token=BOT_TOKEN,
        tim_sdkappid=DEMO_SDKAPPID,
        tim_secret_key=DEMO_KEY,
        tim_base_url="http://tim.test",
    )
    before = _process_state()
    app = create_app(settings, tim_transport=Emulator(seed=0).transport())
    sent = await _lifespan(app)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert _process_state() == before


#: In a fresh interpreter with no logging configured (so a handler would be added if anything did): a
#: create_app(settings) cycle, then the Procfile's module-level app; the state after each, as JSON.
_FRESH = """
import asyncio, gc, json, logging
import timbot.asgi as asgi
from timbot.settings import load_settings
from timbot.emulator import Emulator

def state():
    return {"threshold": list(gc.get_threshold()), "frozen": gc.get_freeze_count(),
            "timbot_handlers": len(logging.getLogger("timbot").handlers),
            "httpx_filters": len(logging.getLogger("httpx").filters)}

async def cycle(app):
    await app.startup()
    await app.shutdown()

seen = [state()]
asyncio.run(cycle(asgi.create_app(load_settings(), tim_transport=Emulator(seed=0).transport())))
seen.append(state())
assert asgi.app.tune_process
asyncio.run(cycle(asgi.app))
seen.append(state())
print(json.dumps(seen))
"""


def test_only_the_procfile_app_tunes_a_fresh_process() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TIM_", "TIMBOT_"))}
    env.update(ENV)
    done = subprocess.run(
        [sys.executable, "-c", _FRESH], env=env, capture_output=True, text=True, timeout=120
    )
    scan_later("fresh-process tuning", [done.stdout, done.stderr])
    assert done.returncode == 0, done.stderr
    imported, plain, tuned = json.loads(done.stdout.strip().splitlines()[-1])
    assert imported["httpx_filters"] == 1  # the UserSig redaction: on from import, whoever runs the client
    assert plain == imported  # create_app(settings): nothing outside the app changed
    assert tuned["threshold"] == [10_000, 10, 10] and tuned["frozen"] > plain["frozen"] > -1
    assert tuned["timbot_handlers"] == 1 and tuned["httpx_filters"] == 1


def test_the_serving_entry_points_ask_for_the_tuning(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    import timbot.asgi
    import timbot.slack.socket

    assert timbot.asgi.app.tune_process and not create_app().tune_process
    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    timbot.asgi.serve(load_settings(**{k.lower(): v for k, v in ENV.items()}))
    (app,) = served
    assert app.tune_process
    asked: list[dict[str, Any]] = []

    async def socket_mode(settings: Any, **options: Any) -> None:
        asked.append(options)

    monkeypatch.setattr(timbot.slack.socket, "_socket_mode", socket_mode)
    timbot.slack.socket.run_socket_mode(load_settings(slack_app_token="xapp-test"))
    assert asked == [{"tune_process": True}]
