"""Reliability harness: the real ASGI app under uvicorn with a fast-failing Tencent client, the emulator over
HTTP as Tencent, a local fake Slack; plus the hypothesis profiles (``TIMBOT_FUZZ=long`` for the long run)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings

from tests.conftest import scan_later
from tests.e2e.conftest import Stack
from tests.e2e.conftest import running_stack as e2e_running_stack
from tests.slack.fakes import (
    BOT_TOKEN,
    SIGNING_SECRET,
)
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.settings import Settings
from timbot.tim.client import TimClient

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
    return TimClient.from_settings(
        settings,
        transport=transport,
        timeout=FAST["timeout"],
        max_tries=int(FAST["max_tries"]),
        backoff=FAST["backoff"],
        rate_limit_wait=FAST["rate_limit_wait"],
        rate_limit_budget=FAST["rate_limit_budget"],
    )


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextlib.contextmanager
def running_stack(emulator: Emulator, *, fast: bool = True, **kwargs: Any) -> Iterator[Stack]:
    """The e2e :func:`~tests.e2e.conftest.running_stack`, by default with :func:`fast_tim` as its Tencent
    client.

    Args:
        emulator: the Tencent to serve.
        fast: use :func:`fast_tim` (short timeouts) rather than the production client.
        kwargs: ``tim_base_url``, ``grace`` and more settings, as the e2e ``running_stack`` takes them.
    """
    with e2e_running_stack(emulator, tim_factory=fast_tim if fast else None, **kwargs) as stack:
        yield stack


@pytest.fixture(scope="package")
def faulty() -> Iterator[Stack]:
    """One stack for the fault tests: no answer cache (every command reaches Tencent), no rate limits."""
    with running_stack(Emulator(seed=0, enforce_rate_limits=False), timbot_cache_ttl=0) as stack:
        yield stack


@pytest.fixture
def clean(faulty: Stack) -> Iterator[Stack]:
    """The fault stack with faults, users and Slack hooks reset; checks no answer task is left running."""
    faulty.emulator.faults.clear()
    faulty.slack.reset()
    yield faulty
    assert faulty.settle() == 0, "an answer task is still running"
    faulty.emulator.faults.clear()
    faulty.slack.hook_delay = 0.0


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
