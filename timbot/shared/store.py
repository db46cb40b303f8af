"""The Redis of the shared state: the client made from settings, the key names, and what a lost Redis does."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from timbot.errors import SharedUnavailable

if TYPE_CHECKING:
    from timbot.settings import Settings

__all__ = ["REDIS_TIMEOUT", "Keys", "SharedRedis", "ping", "redis_client", "redis_location"]

log = logging.getLogger("timbot.shared")

T = TypeVar("T")

#: Seconds any one Redis command may take (connecting included) before Redis counts as lost. The access
#: check reads its cache before the acknowledgement, which Slack wants within 3 s: a stuck Redis costs
#: that command this much, once per outage, and every later one nothing.
REDIS_TIMEOUT = 0.5
#: Connections per process: a command holds one for a round trip (waits are slept, never blocked on).
REDIS_CONNECTIONS = 8


def redis_client(
    url: str, *, timeout: float = REDIS_TIMEOUT, max_connections: int = REDIS_CONNECTIONS
) -> aioredis.Redis:
    """The ``redis.asyncio`` client timbot uses: a small pool, short timeouts, no hidden retries.

    A command that waits for a free connection, for a connection to open or for an answer longer than
    ``timeout`` raises (``redis.exceptions.ConnectionError`` / ``TimeoutError``) instead of being retried:
    the caller decides (:class:`SharedRedis` falls back to the process).

    Args:
        url: ``redis://`` or ``rediss://`` (the ``REDIS_URL`` a PaaS add-on sets; it may hold a password).
        timeout: seconds per command, per connection attempt and per wait for a pooled connection.
        max_connections: the pool's size.
    """
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        client_name="timbot",
    )
    return aioredis.Redis(connection_pool=pool)


def redis_location(url: str) -> str:
    """``host:port/db`` of a Redis URL, for messages: never its user or password."""
    parts = urlsplit(url)
    db = parts.path.strip("/") or "0"
    return f"{parts.scheme}://{parts.hostname or 'localhost'}:{parts.port or 6379}/{db}"


async def ping(client: aioredis.Redis) -> None:
    """One ``PING`` (raises what the client raises when Redis does not answer)."""
    answer = client.ping()
    if inspect.isawaitable(answer):
        await answer


@dataclass(frozen=True, kw_only=True)
class Keys:
    """Key names: ``{prefix}{sdkappid}:{part}:{part}...``, so bots sharing a Redis never meet.

    Args:
        prefix: ``TIMBOT_REDIS_PREFIX`` (default ``timbot:``).
        sdkappid: the Chat application's SDKAppID.
    """

    prefix: str
    sdkappid: int

    @property
    def base(self) -> str:
        """What every key of this bot starts with (a job queue's name, a ``SCAN`` pattern)."""
        return f"{self.prefix}{self.sdkappid}:"

    def __call__(self, *parts: str) -> str:
        """The key named by ``parts`` (``keys("pace", endpoint)``)."""
        return self.base + ":".join(parts)


class SharedRedis:
    """One bot's Redis: its client, its key names and whether it is reachable now.

    Every shared-state command goes through :meth:`run`. While Redis answers, it returns the answer; when a
    command fails or takes longer than the client's timeout, Redis is lost: one warning, then every
    :meth:`run` raises :class:`~timbot.errors.SharedUnavailable` at once (the caller works in-process) while
    a background task pings every ``probe_every`` seconds and, when Redis answers again, says so and makes
    it shared again.

    Args:
        client: the client (:func:`redis_client`).
        keys: the key names.
        location: where it is, for log lines (never the password).
        probe_every: seconds between pings while Redis is lost.
        deadline: the most seconds one command may take in all (a wait for a pooled connection, connecting,
            the answer), whatever the client does; longer counts as lost.
    """

    def __init__(
        self,
        *,
        client: aioredis.Redis,
        keys: Keys,
        location: str = "redis",
        probe_every: float = 1.0,
        deadline: float = 2 * REDIS_TIMEOUT,
    ) -> None:
        self.client, self.keys, self.location = client, keys, location
        self.probe_every, self.deadline = probe_every, deadline
        self._up = True
        self._probe: asyncio.Task[None] | None = None
        self.outages = 0

    @classmethod
    def from_settings(cls, settings: Settings, **options: float) -> SharedRedis | None:
        """The bot's shared Redis from ``REDIS_URL`` and ``TIMBOT_REDIS_PREFIX``; None when unset.

        Args:
            settings: the loaded settings (``tim_sdkappid`` names the keys; 0 when unset).
            options: ``timeout`` for :func:`redis_client`, ``probe_every`` for the instance.
        """
        if settings.redis_url is None:
            return None
        url = settings.redis_url.get_secret_value()
        timeout = options.get("timeout", REDIS_TIMEOUT)
        client = redis_client(url, timeout=timeout)
        keys = Keys(prefix=settings.timbot_redis_prefix, sdkappid=settings.tim_sdkappid or 0)
        probe = options.get("probe_every", 1.0)
        return cls(client=client, keys=keys, location=redis_location(url), probe_every=probe,
                   deadline=2 * timeout)

    @property
    def available(self) -> bool:
        """Whether commands go to Redis now (False during an outage)."""
        return self._up

    async def start(self) -> bool:
        """Ping once at start-up; unreachable: one warning, in-process until a background ping succeeds."""
        try:
            async with asyncio.timeout(self.deadline):
                await ping(self.client)
        except (RedisError, OSError) as exc:
            self._lose(f"unreachable at start-up ({type(exc).__name__})")
            return False
        log.info("shared state in Redis at %s (keys %s*)", self.location, self.keys.base)
        return True

    async def run(self, command: Callable[[aioredis.Redis], Awaitable[T] | T]) -> T:
        """``await command(client)``, or :class:`SharedUnavailable` when Redis is lost (now or before).

        Args:
            command: what to send, given the client.

        Raises:
            SharedUnavailable: Redis failed, timed out, or is known to be down.
        """
        if not self._up:
            raise SharedUnavailable("Redis is unreachable")
        try:
            async with asyncio.timeout(self.deadline):  # TimeoutError is an OSError
                answer = command(self.client)
                return await answer if inspect.isawaitable(answer) else answer
        except (RedisError, OSError) as exc:
            self._lose(f"lost ({type(exc).__name__})")
            raise SharedUnavailable("Redis is unreachable") from None

    def _lose(self, why: str) -> None:
        if not self._up and self._probe is not None:
            return
        self._up = False
        self.outages += 1
        log.warning(
            "Redis at %s %s: pacing, cache and access checks work inside this process until it answers again",
            self.location, why,
        )
        self._probe = asyncio.get_running_loop().create_task(self._wait_for_redis())

    async def _wait_for_redis(self) -> None:
        started = time.monotonic()
        while True:
            await asyncio.sleep(self.probe_every)
            try:
                async with asyncio.timeout(self.deadline):
                    # the pool's connections died with the server (or hang on it): start afresh
                    await self.client.connection_pool.disconnect()
                    await ping(self.client)
            except (RedisError, OSError):
                continue
            self._up, self._probe = True, None
            log.info("Redis at %s is back after %.0f s: shared again", self.location,
                        time.monotonic() - started)
            return

    async def aclose(self) -> None:
        """Stop the background ping and close the connections."""
        if self._probe is not None:
            self._probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._probe
            self._probe = None
        with contextlib.suppress(RedisError, OSError):
            await self.client.aclose()
