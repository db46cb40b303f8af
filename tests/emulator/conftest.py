"""Fixtures for the emulator tests: an emulator, an httpx client over its in-process transport, a caller."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from timbot.emulator import DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID, DemoData, Emulator
from timbot.tim.usersig import sign

APPID_LIST = "group_open_http_svc/get_appid_group_list"
JOINED = "group_open_http_svc/get_joined_group_list"
GROUP_INFO = "group_open_http_svc/get_group_info"
MEMBERS = "group_open_avchatroom_http_svc/get_members"
FRIEND_LISTS = "sns/group_get"

Call = Callable[..., Awaitable[dict[str, Any]]]

_USERSIG = re.compile(r"(usersig=)[^&\s\"]+")


class _HideTestSigs(logging.Filter):
    """These tests call the emulator with a bare httpx client, whose INFO line shows the request URL;
    the sig in it is the test's own, so it is masked here as timbot's client masks its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("httpx") and "usersig=" in record.getMessage():
            record.msg, record.args = _USERSIG.sub(r"\1***", record.getMessage()), None
        return True


@pytest.fixture(autouse=True)
def _hide_test_sigs() -> Iterator[None]:
    hider = _HideTestSigs()
    logger = logging.getLogger("httpx")
    logger.addFilter(hider)
    yield
    logger.removeFilter(hider)


def admin_query(**overrides: Any) -> dict[str, Any]:
    """The query string of a correctly signed admin request, with overrides (``None`` drops a key)."""
    query: dict[str, Any] = {
        "sdkappid": DEMO_SDKAPPID,
        "identifier": DEMO_ADMIN,
        "usersig": sign(sdkappid=DEMO_SDKAPPID, key=DEMO_KEY, identifier=DEMO_ADMIN),
        "random": random.randrange(2**32),
        "contenttype": "json",
    }
    query.update(overrides)
    return {k: v for k, v in query.items() if v is not None}


@functools.cache
def demo_data() -> DemoData:
    """The seed-0 demo data, generated once for the whole run (emulators only read it)."""
    return DemoData(seed=0)


def fresh_emulator(**options: Any) -> Emulator:
    """A new emulator (own faults, calls and rate limits) serving the shared seed-0 data."""
    return Emulator(data=demo_data(), **options)


@pytest.fixture(scope="module")
def shared_emulator() -> Emulator:
    """One emulator per module for read-only tests."""
    return fresh_emulator(enforce_rate_limits=False)


@pytest.fixture
def emulator() -> Emulator:
    """A fresh emulator without rate limits."""
    return fresh_emulator(enforce_rate_limits=False)


async def _client(emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=emulator.transport(), base_url="https://console.tim.qq.com"
    ) as client:
        yield client


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client answered in-process by ``emulator``."""
    async for client in _client(emulator):
        yield client


@pytest.fixture
async def shared_client(shared_emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client answered in-process by ``shared_emulator``."""
    async for client in _client(shared_emulator):
        yield client


def make_call(client: httpx.AsyncClient) -> Call:
    async def call(
        endpoint: str, body: Any = None, *, raw: bytes | None = None, **query: Any
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = (
            {"content": raw} if raw is not None else {"json": {} if body is None else body}
        )
        response = await client.post(f"/v4/{endpoint}", params=admin_query(**query), **kwargs)
        assert response.status_code == 200
        answer: dict[str, Any] = response.json()
        return answer

    return call


@pytest.fixture
def call(client: httpx.AsyncClient) -> Call:
    """POST a correctly signed request to the per-test emulator and return the JSON answer."""
    return make_call(client)


@pytest.fixture
def shared_call(shared_client: httpx.AsyncClient) -> Call:
    """POST a correctly signed request to the module's shared emulator and return the JSON answer."""
    return make_call(shared_client)


def free_socket() -> socket.socket:
    """A socket bound to a free loopback port (for uvicorn, or closed to get a port nothing serves)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.asynccontextmanager
async def served_over_http(emulator: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    """Serve ``emulator`` with uvicorn on a free loopback port (as ``timbot emulator`` does) and yield an
    httpx client for it; the server is stopped on exit."""
    sock = free_socket()
    server = uvicorn.Server(
        uvicorn.Config(emulator.asgi, log_level="warning", access_log=False, lifespan="on")
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.01)
        assert server.started
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{sock.getsockname()[1]}", timeout=10
        ) as client:
            yield client
    finally:
        server.should_exit = True
        await task
        sock.close()
