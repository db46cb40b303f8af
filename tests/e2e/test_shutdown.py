"""SIGTERM-style shutdown: answers already acknowledged are finished before the process ends."""

from __future__ import annotations

import time

import httpx

from tests.e2e.conftest import running_stack
from timbot.emulator import Emulator


def test_in_flight_answers_finish_on_shutdown() -> None:
    emulator = Emulator(seed=0)
    emulator.faults.delay(1.5, times=None)
    with running_stack(emulator) as stack:
        keys = [f"inflight{i}" for i in range(3)]
        for i, key in enumerate(keys):
            sent = stack.command("/im-group", f"@TGS#3GSW2YAIR{'' if i == 0 else ' @TGS#36TVP5AUS'}", key=key)
            assert sent.status == 200
        assert all(stack.slack.posts_for(key) == [] for key in keys)  # Tencent is still thinking
        started = time.monotonic()
        stack.server.stop()  # what uvicorn does on SIGTERM: stop accepting, then run the lifespan shutdown
        assert not stack.server.thread.is_alive()
        assert time.monotonic() - started < 10
        for key in keys:
            (message,) = stack.slack.posts_for(key)
            assert "TGS#3GSW2YAIR" in str(message)
        with httpx.Client(timeout=2) as http:
            try:
                refused = http.get(f"{stack.app_url}/healthz").status_code
            except httpx.ConnectError:
                refused = 0
        assert refused in (0, 503)
