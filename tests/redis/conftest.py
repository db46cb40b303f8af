"""Fixtures for the tests that share state through Redis: one real server for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.redisserver import RedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real Redis-protocol server on a free loopback port, shared by every test of the session.

    Tests keep apart by their key prefix (each gets its own, see ``redis_prefix``), never by flushing.
    """
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_prefix(request: pytest.FixtureRequest) -> str:
    """A key prefix of this test's own, so tests sharing the server never read each other's keys."""
    return f"t-{request.node.nodeid.rsplit('::', 1)[-1][:40]}-{id(request)}:"
