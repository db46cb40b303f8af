"""`timbot socket` while Slack cannot be reached: one line, retries with backoff, connects when Slack is back.

The start-up cases run the real command (``python -m timbot socket``) against loopback only: a port that
refuses connections, a ``.invalid`` host name (RFC 6761: never resolves; a ``sitecustomize`` makes such
names fail at once in the child, so no DNS server is asked), and the local fake of Socket Mode started on
the very port the process was already retrying. The drops after a connection run in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.conftest import register_secret, scan_later
from tests.e2e.conftest import buttons
from tests.slack.socketfake import (
    ACK_LIMIT,
    PROXY_VARIABLES,
    Harness,
    slash_payload,
    socket_env,
    socket_settings,
    socket_slack,
)
from timbot.emulator import Emulator
from timbot.errors import ConfigError
from timbot.slack.socket import _socket_mode

#: Seconds the child's first retry waits (production: 1 s); each one after waits twice as long.
BACKOFF = "0.1"
#: A failed attempt after the outage's first: one DEBUG line each.
ATTEMPT = re.compile(r"DEBUG timbot\.slack\.socket: attempt (\d+) failed")
SITECUSTOMIZE = '''
"""Test-only: names under .invalid (RFC 6761) fail to resolve at once, without asking any DNS server."""
import socket

_getaddrinfo = socket.getaddrinfo


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and name.rstrip(".").lower().endswith(".invalid"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (.invalid, resolved locally)")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = getaddrinfo
'''


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class Child:
    """``python -m timbot socket`` with its output (stderr and stdout, one stream) read line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def attempts(self) -> int:
        """Attempts made so far: the outage's first (its WARNING) and one DEBUG line for each after it."""
        found = [int(m.group(1)) for line in self.lines if (m := ATTEMPT.search(line))]
        return max(found, default=1 if self.warnings() else 0)

    def warnings(self) -> list[str]:
        return [line for line in self.lines if " WARNING " in line]

    async def until(self, done: Callable[[], bool], what: str, within: float = 20.0) -> None:
        deadline = time.monotonic() + within
        while not done():
            assert self.proc.returncode is None, f"exited {self.proc.returncode}:\n{self.output}"
            assert time.monotonic() < deadline, f"no {what} within {within} s:\n{self.output}"
            await asyncio.sleep(0.05)

    async def finished(self) -> int:
        """The exit status, once the process has ended and all its output is read."""
        status = await asyncio.wait_for(self.proc.wait(), 20)
        await asyncio.wait_for(self._reader, 5)
        return status

    async def interrupt(self) -> int:
        """Ctrl-C: SIGINT, then the exit status."""
        self.proc.send_signal(signal.SIGINT)
        return await self.finished()


@contextlib.asynccontextmanager
async def timbot_socket(env: dict[str, str]) -> AsyncIterator[Child]:
    """The command with ``env`` over an environment with no Slack, Tencent or timbot variable of its own."""
    ours = ("SLACK_", "TIM_", "TIMBOT_", *PROXY_VARIABLES)
    base = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "timbot", "socket",
        env={**base, "TIMBOT_SOCKET_BACKOFF": BACKOFF, "TIMBOT_LOG_LEVEL": "DEBUG", **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    child = Child(proc)
    try:
        yield child
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        scan_later("timbot socket", child.lines)


def assert_one_warning_and_no_traceback(child: Child, *, says: str) -> None:
    """No traceback, and the one line the child printed above INFO is the outage's warning."""
    assert "Traceback" not in child.output, child.output
    (warning,) = child.warnings()
    assert says in warning and "retrying in 0.1 s" in warning, warning
    shown = [line for line in child.lines if " DEBUG " not in line and " INFO " not in line]
    assert shown == [warning], child.output


@pytest.mark.parametrize("unreachable", ["refused", "unresolvable"])
async def test_no_network_at_start_up_is_one_line_then_retries_until_ctrl_c(
    unreachable: str, tencent: tuple[Emulator, str], tmp_path: Path
) -> None:
    async with socket_slack(tencent[0], serve_api=False) as harness:  # its port refuses connections
        env = socket_env(harness, tencent[1])
        if unreachable == "unresolvable":
            (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
            env["SLACK_API_URL"] = "https://slack.timbot-test.invalid/api/"
        async with timbot_socket(env) as child:
            await child.until(lambda: child.attempts() >= 3, "third attempt")
            assert child.proc.returncode is None  # still running, still trying
            assert await child.interrupt() == 130
    if unreachable == "refused":
        says = "cannot connect to Slack (apps.connections.open: ClientConnectorError: Cannot connect to host"
    else:
        says = "ClientConnectorDNSError: Cannot connect to host slack.timbot-test.invalid:443"
        assert "resolved locally" in child.warnings()[0]  # the child's resolver, not a DNS server
    assert_one_warning_and_no_traceback(child, says=says)
    assert not harness.opened_with


async def test_the_process_connects_when_slack_comes_up_on_the_port_it_retries(
    tencent: tuple[Emulator, str],
) -> None:
    async with socket_slack(tencent[0], serve_api=False) as harness:
        async with timbot_socket(socket_env(harness, tencent[1])) as child:
            await child.until(lambda: child.attempts() >= 2, "second attempt")
            await asyncio.to_thread(harness.api.start)  # the fake Slack, on the port being retried
            await harness.socket.connected(within=20)
            await child.until(lambda: any("connected to Slack" in line for line in child.lines), "connection")

            key, url = harness.hook()
            seconds, ack = await harness.socket.send(
                "slash_commands", slash_payload("/im-groups", "", response_url=url)
            )
            assert seconds < ACK_LIMIT and set(ack) == {"envelope_id"}
            answer = await harness.answer(key)
            assert "timbot_next" in buttons(answer)
            assert await child.interrupt() == 130
    (connected,) = [line for line in child.lines if "connected to Slack" in line]
    assert re.search(r"INFO timbot\.slack\.socket: connected to Slack over Socket Mode after \d", connected)
    assert_one_warning_and_no_traceback(child, says="cannot connect to Slack (apps.connections.open: ")
    assert harness.socket.connections == 1


async def test_a_refused_token_is_one_line_and_exit_status_2(tencent: tuple[Emulator, str]) -> None:
    wrong = register_secret("xapp-1-A0WRONG-1111-revoked")
    async with socket_slack(tencent[0]) as harness:
        env = {**socket_env(harness, tencent[1]), "SLACK_APP_TOKEN": wrong, "TIMBOT_LOG_LEVEL": "INFO"}
        async with timbot_socket(env) as child:
            assert await child.finished() == 2
    assert harness.opened_with == [wrong]
    refused = "Slack refused it (invalid_auth); use an app-level token with connections:write"
    assert child.lines == [f"timbot: SLACK_APP_TOKEN: {refused}"]


def socket_records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= level]


async def test_a_dropped_socket_is_one_warning_per_outage_then_reconnected(
    tencent: tuple[Emulator, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="timbot")
    async with socket_slack(tencent[0]) as harness:
        settings = socket_settings(harness, tencent[1], timbot_socket_backoff=0.05)
        task = asyncio.create_task(_socket_mode(settings, ping_interval=0.5))
        try:
            await harness.socket.connected()
            await answered(harness)
            # Two outages: Slack closes the socket (a close frame), then the connection is cut (none); each
            # time the WebSocket refuses connections for a few attempts.
            for outage, abrupt in enumerate((False, True), start=1):
                await harness.ws_down()
                await harness.socket.drop(abrupt=abrupt)
                await until(lambda n=3 * outage: failed_attempts(caplog) >= n, f"attempts in outage {outage}")
                await harness.ws_up()
                await harness.socket.connected(within=20, count=1 + outage)
                await answered(harness)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
    warnings = socket_records(caplog, logging.WARNING)
    assert [r.getMessage().split(" (")[0] for r in warnings] == ["lost Slack and cannot reconnect"] * 2
    assert all("the WebSocket: ClientConnectorError" in r.getMessage() for r in warnings)
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    messages = [r.getMessage() for r in caplog.records]
    reconnected = [m for m in messages if m.startswith("reconnected to Slack")]
    assert len(reconnected) == 2 and all("failed attempt" in m for m in reconnected)
    assert harness.socket.connections == 3


async def test_a_token_refused_on_reconnection_stops_with_the_config_error(
    tencent: tuple[Emulator, str], caplog: pytest.LogCaptureFixture
) -> None:
    async with socket_slack(tencent[0]) as harness:
        settings = socket_settings(harness, tencent[1], timbot_socket_backoff=0.05)
        task = asyncio.create_task(_socket_mode(settings, ping_interval=0.5))
        try:
            await harness.socket.connected()
            harness.socket.accepted_token = "xapp-revoked-meanwhile"
            await harness.socket.drop(abrupt=False)
            with pytest.raises(ConfigError, match="invalid_auth") as refused:
                await asyncio.wait_for(task, 20)
        finally:
            task.cancel()
    assert refused.value.variable == "SLACK_APP_TOKEN"
    assert len(harness.opened_with) == 2, "refused once, not retried"
    assert not socket_records(caplog, logging.WARNING)


async def answered(harness: Harness) -> None:
    key, url = harness.hook()
    payload = slash_payload("/im-groups", "", response_url=url)
    seconds, _ = await harness.socket.send("slash_commands", payload)
    assert seconds < ACK_LIMIT
    assert "timbot_next" in buttons(await harness.answer(key))


def failed_attempts(caplog: pytest.LogCaptureFixture) -> int:
    """Failed connection attempts logged so far (an outage's first is its WARNING, each after a DEBUG)."""
    ours = [r for r in caplog.records if r.name == "timbot.slack.socket"]
    return sum(1 for r in ours if r.levelno in (logging.DEBUG, logging.WARNING))


async def until(done: Callable[[], bool], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not done():
        assert time.monotonic() < deadline, f"no {what} within {within} s"
        await asyncio.sleep(0.02)
