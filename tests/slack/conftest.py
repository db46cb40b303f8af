"""Fixtures for the Slack wiring tests: one local fake Slack per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.slack.fakes import FakeSlack, ServerThread
from timbot.emulator import Emulator


@pytest.fixture(scope="module")
def fake_slack_server() -> Iterator[tuple[FakeSlack, str]]:
    fake = FakeSlack()
    server = ServerThread(fake.app(), lifespan="off").start()
    yield fake, server.url
    server.stop()


@pytest.fixture
def slack(fake_slack_server: tuple[FakeSlack, str]) -> Iterator[tuple[FakeSlack, str]]:
    fake, url = fake_slack_server
    fake.users.clear()
    fake.users_info_fails = False
    fake.calls.clear()
    fake.hook_status.clear()
    fake.hook_retry_after.clear()
    fake.hook_delay = 0.0
    yield fake, url


@pytest.fixture
def tencent() -> Iterator[tuple[Emulator, str]]:
    """The emulator (seed 0) over HTTP on a loopback port: ``(emulator, base URL)``."""
    emulator = Emulator(seed=0)
    server = ServerThread(emulator.asgi, lifespan="off").start()
    yield emulator, server.url
    server.stop()
