"""Reliability harness: the real ASGI app under uvicorn with a fast-failing Tencent client, the emulator over
HTTP as Tencent, a local fake Slack; plus the hypothesis profiles (``TIMBOT_FUZZ=long`` for the long run)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from starlette.requests import Request
from starlette.responses import Response

from tests.conftest import scan_later
from tests.e2e.conftest import Sent, Stack
from tests.slack.fakes import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    ServerThread,
    command_body,
    signed_headers,
)
from timbot.asgi import TimbotASGI, create_app
from timbot.settings import Settings, load_settings
from timbot.tim.client import TimClient
from timbot.tim.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator

# CI: a fixed, derandomized budget. TIMBOT_FUZZ=long: a long randomized run (see docs/reliability.md).
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "long",
    max_examples=20_000,
    derandomize=False,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FUZZ_PROFILE = "long" if os.environ.get("TIMBOT_FUZZ", "").lower() == "long" else "ci"

#: The Tencent client the fault tests use: each try gives up after 0.5 s, retries come fast, a rate-limit
#: code is waited out for at most 1 s. Production: 5 s, 0.2 s, 1 s and 10 s (``TimClient`` defaults).
FAST = {"timeout": 0.5, "max_tries": 3, "backoff": 0.05, "rate_limit_wait": 0.3, "rate_limit_budget": 1.0}


def fast_tim(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> TimClient:
    """The fault tests' Tencent client: production code with :data:`FAST` timings."""
    assert settings.tim_sdkappid is not None and settings.tim_secret_key is not None
    return TimClient(
        sdkappid=settings.tim_sdkappid,
        secret_key=settings.tim_secret_key,
        base_url=settings.tim_url,
        admin=settings.tim_admin,
        transport=transport,
        cache_ttl=settings.timbot_cache_ttl,
        timeout=FAST["timeout"],
        max_tries=int(FAST["max_tries"]),
        backoff=FAST["backoff"],
        rate_limit_wait=FAST["rate_limit_wait"],
        rate_limit_budget=FAST["rate_limit_budget"],
    )


@dataclass
class SlowableSlack(FakeSlack):
    """The shared fake Slack, whose ``users.info`` can also be slow."""

    users_info_delay: float = 0.0

    async def _users_info(self, request: Request) -> Response:
        if self.users_info_delay:
            await asyncio.sleep(self.users_info_delay)
        return await super()._users_info(request)


@dataclass
class Rig(Stack):
    """A :class:`Stack` that also knows the ASGI app, to read its task registry."""

    asgi: TimbotASGI | None = None

    def in_flight(self) -> int:
        """Answer tasks still running in the app."""
        assert self.asgi is not None
        return len(self.asgi.tasks)

    def settle(self, timeout: float = 5.0) -> int:
        """Wait until no answer task is running (or ``timeout``); return how many still run."""
        deadline = time.monotonic() + timeout
        while self.in_flight() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.in_flight()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextlib.contextmanager
def running_stack(
    emulator: Emulator,
    *,
    tim_base_url: str | None = None,
    grace: float = 10.0,
    fast: bool = True,
    **overrides: Any,
) -> Iterator[Rig]:
    """Start the emulator over HTTP, a fake Slack and the app; yield the :class:`Stack`; stop them.

    Args:
        emulator: the Tencent to serve.
        tim_base_url: where the app sends Tencent calls (default: the emulator).
        grace: the app's shutdown grace.
        fast: use :func:`fast_tim` (short timeouts) rather than the production client.
        overrides: more settings (``timbot_cache_ttl=0``, allow-lists...).
    """
    with backends(emulator) as (tencent_url, slack, slack_url):
        with _app_for(emulator, tencent_url, slack, slack_url, tim_base_url, grace, fast, overrides) as rig:
            yield rig


@contextlib.contextmanager
def backends(emulator: Emulator) -> Iterator[tuple[str, FakeSlack, str]]:
    """The emulator and a fake Slack under uvicorn on loopback: yields (Tencent URL, Slack, Slack URL)."""
    tencent = ServerThread(emulator.asgi, lifespan="off").start()
    slack = SlowableSlack()
    slack_server = ServerThread(slack.app(), lifespan="off").start()
    try:
        yield tencent.url, slack, slack_server.url
    finally:
        slack_server.stop()
        tencent.stop()


@contextlib.contextmanager
def _app_for(
    emulator: Emulator,
    tencent_url: str,
    slack: FakeSlack,
    slack_url: str,
    tim_base_url: str | None,
    grace: float,
    fast: bool,
    overrides: dict[str, Any],
) -> Iterator[Rig]:
    values: dict[str, Any] = {
        "slack_signing_secret": SIGNING_SECRET,
        "slack_bot_token": BOT_TOKEN,
        "slack_api_url": f"{slack_url}/api/",
        "tim_sdkappid": DEMO_SDKAPPID,
        "tim_secret_key": DEMO_KEY,
        "tim_base_url": tim_base_url or tencent_url,
        "timbot_allowed_users": "",
        "timbot_allowed_channels": "",
        "timbot_allow_guests": False,
        **overrides,
    }
    app_asgi = create_app(load_settings(**values), grace=grace, tim_factory=fast_tim if fast else None)
    app = ServerThread(app_asgi).start()
    try:
        with httpx.Client(timeout=10.0) as http:
            yield Rig(
                app_url=app.url, slack=slack, slack_url=slack_url, emulator=emulator, http=http, asgi=app_asgi
            )
    finally:
        app.stop()


@pytest.fixture(scope="package")
def faulty() -> Iterator[Rig]:
    """One stack for the fault tests: no answer cache (every command reaches Tencent), no rate limits."""
    with running_stack(Emulator(seed=0, enforce_rate_limits=False), timbot_cache_ttl=0) as stack:
        yield stack


@pytest.fixture
def clean(faulty: Rig) -> Iterator[Rig]:
    """The fault stack with faults, users and Slack hooks reset; checks no answer task is left running."""
    faulty.emulator.faults.clear()
    faulty.slack.users.clear()
    faulty.slack.users_info_fails = False
    assert isinstance(faulty.slack, SlowableSlack)
    faulty.slack.users_info_delay = 0.0
    faulty.slack.hook_status.clear()
    faulty.slack.hook_delay = 0.0
    yield faulty
    assert faulty.settle() == 0, "an answer task is still running"
    faulty.emulator.faults.clear()
    faulty.slack.hook_delay = 0.0


def send_command(rig: Stack, command: str, text: str, *, key: str | None = None, **fields: Any) -> Sent:
    """Send a signed slash command whose response_url ends in ``key`` (a fresh one when None)."""
    key = key or uuid.uuid4().hex
    body = command_body(command, text, response_url=f"{rig.slack_url}/hooks/{key}", **fields)
    started = time.monotonic()
    answer = rig.http.post(f"{rig.app_url}/slack/events", content=body, headers=signed_headers(body))
    return Sent(answer.status_code, time.monotonic() - started, key, body)


def text_of(message: dict[str, Any]) -> str:
    """The fallback text and every block of a posted message, as one string."""
    return f"{message.get('text', '')}\n{message.get('blocks', '')}"


class AppProcess:
    """``uvicorn timbot.asgi:app`` in a subprocess, configured only through the environment (as on a PaaS).

    Args:
        tencent_url: TIM_BASE_URL.
        slack_url: the fake Slack's base URL (SLACK_API_URL is ``{slack_url}/api/``).
        env: more variables.
    """

    def __init__(self, *, tencent_url: str, slack_url: str, env: dict[str, str] | None = None) -> None:
        self.port = closed_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TIM_", "TIMBOT_"))},
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": f"{slack_url}/api/",
            "TIM_SDKAPPID": str(DEMO_SDKAPPID),
            "TIM_SECRET_KEY": DEMO_KEY,
            "TIM_BASE_URL": tencent_url,
            **(env or {}),
        }
        self.output = tempfile.TemporaryFile()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> AppProcess:
        """Start uvicorn and wait (up to 15 s) until /healthz answers."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "timbot.asgi:app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "info"],
            env=self.env, stdout=self.output, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError(f"the app did not start:\n{self.log()}")

    def terminate(self) -> None:
        """Send SIGTERM (what a PaaS does on a restart)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        """Wait for the process to end; return its exit status."""
        assert self.process is not None
        return self.process.wait(timeout)

    def log(self) -> str:
        """Everything the process wrote so far (stdout and stderr)."""
        self.output.seek(0)
        return self.output.read().decode("utf-8", "replace")

    def stop(self) -> None:
        """Make sure the process is gone; hand its output to the session's secret scan."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        scan_later("app subprocess output", [self.log()])
        self.output.close()
