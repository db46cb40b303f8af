"""``TimClient``: the Tencent Cloud Chat client, its typed calls wired to the one call path."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import SecretStr

from timbot.shared.cache import SingleFlightCache
from timbot.shared.pacing import Pacer, Pacing
from timbot.shared.redis_cache import AnswerCache, RedisAnswerCache
from timbot.shared.redis_pacing import RedisPacer
from timbot.shared.store import SharedRedis
from timbot.tim.auth import AdminSigAuth
from timbot.tim.callpath import CallPath
from timbot.tim.calls import APPID_GROUP_LIST, AV_MEMBERS, GROUP_INFO, JOINED_GROUP_LIST, TencentCalls
from timbot.tim.retry import TENCENT_POLICY, RetryPolicy

if TYPE_CHECKING:
    from timbot.settings import Settings

__all__ = ["TimClient"]

#: Default bound of the answer cache: 8 MiB of response bodies.
CACHE_BYTES = 8 * 2**20


class TimClient(TencentCalls):
    """The Tencent Cloud Chat REST client the commands use; callers never sleep or retry.

    The typed calls, the batching and the cursor walks come from :class:`TencentCalls`; this class opens
    the HTTP connections and builds the call path (signing, pacing, answer cache, retries) they use.

    Args:
        sdkappid: the Chat application's SDKAppID.
        secret_key: the application's key (signs the admin UserSig; never logged).
        base_url: ``https://{domain}`` of the app's data centre (or an emulator).
        admin: the app admin account sent as ``identifier``.
        transport: an httpx transport (tests, the in-process emulator); default is real HTTP.
        cache_ttl: seconds a successful answer is reused; 0 disables the cache.
        cache_size: the most answers cached.
        cache_bytes: the most bytes of answers cached (the JSON bodies are kept as bytes and parsed
            for each caller); each answer counts at least ``cache_bytes / cache_size``.
        timeout: seconds per HTTP try (above Tencent's own 3 s).
        policy: which failures are retried and how long to wait (:data:`~timbot.tim.retry.TENCENT_POLICY`).
        max_tries: overrides ``policy.max_tries``: tries in all for transient failures.
        backoff: overrides ``policy.backoff``: base seconds of the jittered exponential backoff.
        rate_limit_wait: overrides ``policy.rate_limit_wait``: first wait after a rate-limit code (at least
            1 s against Tencent).
        rate_limit_budget: overrides ``policy.rate_limit_budget``: the most seconds spent waiting on
            rate-limit codes for one call.
        list_rate: calls per second allowed to ``get_appid_group_list`` (Tencent: 1).
        other_rate: calls per second allowed to each of the other four APIs (Tencent: 200).
        sleep: coroutine used for backoff and rate-limit waits (injectable for tests).
        shared: the bot's Redis (``REDIS_URL``): pacing and the answer cache are then shared by every
            process of the bot; in-process when None. The caller closes it.
    """

    def __init__(
        self,
        *,
        sdkappid: int,
        secret_key: str | SecretStr,
        base_url: str,
        admin: str = "administrator",
        transport: httpx.AsyncBaseTransport | None = None,
        cache_ttl: float = 30.0,
        cache_size: int = 2048,
        cache_bytes: int = CACHE_BYTES,
        timeout: float = 5.0,
        policy: RetryPolicy = TENCENT_POLICY,
        max_tries: int | None = None,
        backoff: float | None = None,
        rate_limit_wait: float | None = None,
        rate_limit_budget: float | None = None,
        list_rate: float = 1.0,
        other_rate: float = 200.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        shared: SharedRedis | None = None,
    ) -> None:
        key = secret_key if isinstance(secret_key, SecretStr) else SecretStr(secret_key)
        auth = AdminSigAuth(sdkappid=sdkappid, secret_key=key, identifier=admin)
        http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            # small, all kept alive: httpcore checks every pooled connection on each request, and
            # closes idle ones to open new ones whenever it holds more than it keeps alive. Idle ones are
            # dropped after 4 s, before servers that close at 5 s (uvicorn, many proxies) do: reusing a
            # connection the server is closing fails the request with a ReadError and costs a retry
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16, keepalive_expiry=4.0),
            headers={"Accept": "application/json"},
        )
        # sliding windows of 1 s plus a margin (jitter between here and Tencent): bursts under the limit
        # leave at once, and no window ever holds more calls than Tencent allows
        # (in Redis, the same windows for every process of the bot together)
        def pacer(name: str, rate: float, window: float = 1.0, margin: float = 0.05) -> Pacing:
            if shared is None:
                return Pacer(rate_per_second=rate, window=window, margin=margin)
            return RedisPacer(shared=shared, name=name, rate_per_second=rate, window=window, margin=margin)

        paced = (JOINED_GROUP_LIST, GROUP_INFO, AV_MEMBERS)
        pacers = {e: pacer(e, other_rate) for e in paced}
        # one call at a time, 1/list_rate s (plus a margin) apart
        pacers[APPID_GROUP_LIST] = pacer(
            APPID_GROUP_LIST, list_rate, window=1 / list_rate, margin=min(0.05, 0.1 / list_rate)
        )
        least = cache_bytes / cache_size  # so that at most cache_size answers are kept
        local: SingleFlightCache[bytes] = SingleFlightCache(
            maxsize=cache_bytes, ttl=cache_ttl, getsizeof=lambda raw: max(len(raw), least)
        )
        cache: AnswerCache = local
        if shared is not None and cache_ttl > 0:
            cache = RedisAnswerCache(shared=shared, ttl=cache_ttl, entry_bytes=cache_bytes, local=local)
        self.shared = shared
        self._owns_shared = False
        overrides: dict[str, Any] = {
            "max_tries": max_tries,
            "backoff": backoff,
            "rate_limit_wait": rate_limit_wait,
            "rate_limit_budget": rate_limit_budget,
        }
        policy = dataclasses.replace(policy, **{k: v for k, v in overrides.items() if v is not None})
        host = httpx.URL(base_url).host or base_url
        self.region_hint = f"requests go to {host}"
        self._path = CallPath(
            http=http,
            auth=auth,
            secret_key=key,
            pacers=pacers,
            default_pacer=pacer("other", other_rate),  # sns/group_get and anything else
            cache=cache,
            timeout=timeout,
            policy=policy,
            sleep=sleep,
            region_host=host,
        )
        self.auth = auth

    @property
    def calls_made(self) -> int:
        """HTTP requests sent so far (each try counts; cache hits and shared calls do not)."""
        return self._path.calls_made

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None, **options: Any
    ) -> TimClient:
        """Build the client from ``Settings`` (SDKAppID, key, region or base URL, admin, cache TTL).

        Args:
            settings: the loaded settings.
            transport: an httpx transport (tests, the in-process emulator); real HTTP when None.
            options: any other keyword of the constructor, overriding what the settings give
                (``timbot check`` makes one try with no cache; tests use short timeouts). Without
                ``shared``, the client shares through ``REDIS_URL`` when it is set, and closes that
                connection with itself.

        Raises:
            ConfigError: naming the first required variable that is missing.
        """
        settings.require("tim_sdkappid", "tim_secret_key")
        assert settings.tim_sdkappid is not None and settings.tim_secret_key is not None
        arguments: dict[str, Any] = {"cache_ttl": settings.timbot_cache_ttl, **options}
        owned = "shared" not in arguments
        if owned:
            arguments["shared"] = SharedRedis.from_settings(settings)
        client = cls(
            sdkappid=settings.tim_sdkappid,
            secret_key=settings.tim_secret_key,
            base_url=settings.tim_url,
            admin=settings.tim_admin,
            transport=transport,
            **arguments,
        )
        client._owns_shared = owned
        return client

    async def aclose(self) -> None:
        """Cancel calls in flight and close the HTTP connections (and the Redis one it opened)."""
        await self._path.aclose()
        if self._owns_shared and self.shared is not None:
            await self.shared.aclose()

    async def __aenter__(self) -> TimClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def call(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """The raw call (see :meth:`TencentCalls.call`) through the call path; ``timbot check`` uses it.

        Args:
            endpoint: ``service/command``, e.g. ``sns/group_get``.
            body: the JSON object to send.
        """
        return await self._path.call(endpoint, body)
