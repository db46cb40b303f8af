"""SIGTERM (a PaaS restart) on the real process: answers already acknowledged still arrive, new requests are
refused cleanly, and the process ends within the grace period."""

from __future__ import annotations

import inspect
import signal
import time
import uuid

import httpx

from tests.e2e.conftest import backends
from tests.reliability.conftest import AppProcess
from tests.slack.fakes import command_body, signed_headers
from timbot.asgi import create_app
from timbot.emulator import Emulator

SLOW = 2.0  # seconds Tencent takes for each answer in flight
GRACE: float = inspect.signature(create_app).parameters["grace"].default  # `uvicorn timbot.asgi:app`
GROUPS = ("club:chess-677", "@TGS#3GSW2YAIR", "beta@testers-318")


def test_sigterm_finishes_acknowledged_answers() -> None:
    emulator = Emulator(seed=0)
    emulator.faults.delay(SLOW, times=None, endpoint="get_group_info")
    with backends(emulator) as (tencent_url, slack, slack_url):
        app = AppProcess(tencent_url=tencent_url, slack_url=slack_url).start()
        try:
            keys = [uuid.uuid4().hex for _ in range(3)]
            with httpx.Client(timeout=5) as http:
                for i, key in enumerate(keys):
                    body = command_body("/im-group", GROUPS[i], response_url=f"{slack_url}/hooks/{key}",
                                        user="U0SHUTDOWN")
                    answer = http.post(f"{app.url}/slack/events", content=body, headers=signed_headers(body))
                    assert answer.status_code == 200
            assert all(slack.posts_for(key) == [] for key in keys)  # Tencent is still thinking
            signalled = time.monotonic()
            app.terminate()

            time.sleep(0.3)  # a new request during the shutdown is refused, not half-served
            late = command_body("/im-group", "club:chess-677", response_url=f"{slack_url}/hooks/late")
            try:
                refused = httpx.post(f"{app.url}/slack/events", content=late, headers=signed_headers(late),
                                     timeout=3).status_code
            except httpx.TransportError:
                refused = 0  # the listening socket is already closed
            assert refused in (0, 503), refused

            status = app.wait(GRACE + 5)
            took = time.monotonic() - signalled
            # uvicorn re-raises the SIGTERM it handled once its graceful shutdown is done
            assert status in (0, -signal.SIGTERM), app.log()
            assert took < GRACE, f"exited {took:.1f} s after SIGTERM"
            for key in keys:
                (message,) = slack.posts_for(key)
                assert ":warning:" not in message["text"] and ":boom:" not in message["text"], message["text"]
            assert slack.posts_for("late") == []
            log = app.log()
            assert "waiting up to" in log and "3 answer(s) in flight" in log, log
            assert "Application shutdown complete." in log and "cancelled" not in log
            print(f"shutdown: 3 answers in flight, ended {took:.2f} s after SIGTERM (status {status})")
        finally:
            app.stop()
