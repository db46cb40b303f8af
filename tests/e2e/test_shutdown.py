"""SIGTERM-style shutdown: answers already acknowledged are finished before the process ends."""

from __future__ import annotations

import time

import httpx

from tests.slack.fakes import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    ServerThread,
    command_body,
    signed_headers,
)
from timbot.asgi import create_app
from timbot.settings import load_settings
from timbot.tim.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator


def test_in_flight_answers_finish_on_shutdown() -> None:
    emulator = Emulator(seed=0)
    emulator.faults.delay(1.5, times=None)
    tencent = ServerThread(emulator.asgi, lifespan="off").start()
    slack = FakeSlack()
    slack_server = ServerThread(slack.app(), lifespan="off").start()
    settings = load_settings(
        slack_signing_secret=SIGNING_SECRET,
        slack_bot_token=BOT_TOKEN,
        slack_api_url=f"{slack_server.url}/api",
        tim_sdkappid=DEMO_SDKAPPID,
        tim_secret_key=DEMO_KEY,
        tim_base_url=tencent.url,
    )
    app = ServerThread(create_app(settings, grace=10.0)).start()
    try:
        keys = [f"inflight{i}" for i in range(3)]
        with httpx.Client(timeout=5) as http:
            for i, key in enumerate(keys):
                body = command_body(
                    "/im-group",
                    f"@TGS#3GSW2YAIR{'' if i == 0 else ' @TGS#36TVP5AUS'}",
                    response_url=f"{slack_server.url}/hooks/{key}",
                )
                answer = http.post(f"{app.url}/slack/events", content=body, headers=signed_headers(body))
                assert answer.status_code == 200
        assert all(slack.posts_for(key) == [] for key in keys)  # Tencent is still thinking
        started = time.monotonic()
        app.stop()  # what uvicorn does on SIGTERM: stop accepting, then run the lifespan shutdown
        assert not app.thread.is_alive()
        assert time.monotonic() - started < 10
        for key in keys:
            (message,) = slack.posts_for(key)
            assert "TGS#3GSW2YAIR" in str(message)
        with httpx.Client(timeout=2) as http:
            try:
                refused = http.get(f"{app.url}/healthz").status_code
            except httpx.ConnectError:
                refused = 0
        assert refused in (0, 503)
    finally:
        slack_server.stop()
        tencent.stop()
