"""``CallPath``: one Tencent REST call, shared and cached, paced, signed, checked and retried."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
from pydantic import SecretStr

from timbot.errors import TimApiError, TimError, TimProtocolError, TimTransportError
from timbot.tim.auth import AdminSigAuth
from timbot.tim.cache import SingleFlightCache
from timbot.tim.codes import RETRY_ONCE, explain
from timbot.tim.pacing import Pacer

__all__ = ["CallPath"]

log = logging.getLogger("timbot.tim.client")

#: Endpoints whose top-level ErrorCode is meaningless when this per-item list is present.
_PER_ITEM = {"group_open_http_svc/get_group_info": "GroupInfo"}
_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_RATE_LIMIT_WAIT = {70050: 60.0}  # seconds Tencent locks the admin out
_USERSIG_IN_URL = re.compile(r"(usersig=)[^&\s\"']*", re.IGNORECASE)


class _RedactUserSig(logging.Filter):
    """Blank the ``usersig`` query value in httpx's own ``HTTP Request: POST <url>`` log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _USERSIG_IN_URL.sub(r"\1***", str(a)) if isinstance(a, httpx.URL) else a for a in record.args
            )
        record.msg = _USERSIG_IN_URL.sub(r"\1***", str(record.msg))
        return True


_REDACT = _RedactUserSig()


class _Retry(Exception):
    """One failed try that may be retried: ``kind`` is transient or rate_limit, ``error`` the final error."""

    def __init__(self, kind: str, reason: str, error: Exception, code: int = -1) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.error, self.code = kind, reason, error, code


class CallPath:
    """POST JSON bodies to ``/v4/{endpoint}``: the one way every Tencent call is made.

    In order: the answer cache (identical concurrent requests share one call), the endpoint's pacer,
    the admin-sig signing (``http`` carries :class:`AdminSigAuth`), the POST, the envelope check, and
    the retry policy of :mod:`timbot.tim.codes` (transient: jittered exponential backoff, ``max_tries``
    in all; rate limit: waits of at least ``rate_limit_wait`` within ``rate_limit_budget`` seconds;
    sig: one renewal of the admin sig; everything else raises at once). Logs one line per call and a
    warning per retry, never the URL's query, the UserSig or the key.

    Args:
        http: the shared client (``base_url`` and ``auth`` set).
        auth: the admin-sig auth of ``http`` (renewed on 70001/70052).
        secret_key: the app key, only to scrub it from Tencent's error texts.
        pacers: one pacer per endpoint; ``default_pacer`` for endpoints not listed.
        cache: the answer cache.
        timeout: seconds per HTTP try (for messages).
        max_tries: tries in all for transient failures.
        backoff: base seconds of the backoff between transient tries.
        rate_limit_wait: first wait after a rate-limit code.
        rate_limit_budget: the most seconds spent waiting on rate-limit codes for one call.
        sleep: coroutine used for backoff and rate-limit waits (injectable for tests).
        region_hint: appended to the 70016/70020 explanations.
    """

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        auth: AdminSigAuth,
        secret_key: SecretStr,
        pacers: Mapping[str, Pacer],
        default_pacer: Pacer,
        cache: SingleFlightCache[bytes],
        timeout: float = 5.0,
        max_tries: int = 3,
        backoff: float = 0.2,
        rate_limit_wait: float = 1.0,
        rate_limit_budget: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        region_hint: str = "",
    ) -> None:
        self.http, self.auth, self._key = http, auth, secret_key
        self._pacers, self._default_pacer, self.cache = pacers, default_pacer, cache
        self.timeout, self.max_tries, self.backoff = timeout, max_tries, backoff
        self.rate_limit_wait, self.rate_limit_budget = rate_limit_wait, rate_limit_budget
        self._sleep = sleep
        self.region_hint = region_hint
        self.calls_made = 0
        logging.getLogger("httpx").addFilter(_REDACT)

    async def call(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to ``/v4/{endpoint}`` and return the JSON answer (cached, shared, retried).

        Args:
            endpoint: ``service/command``, e.g. ``group_open_http_svc/get_group_info``.
            body: the JSON object to send (``{}`` when there are no fields).

        Raises:
            TimApiError, TimTransportError, TimProtocolError.
        """
        key = (endpoint, json.dumps(body, sort_keys=True, separators=(",", ":")))
        # the cache keeps the checked body as bytes (compact, its size known) and every caller gets its
        # own parsed copy: the caller whose miss sent the request takes the one the check parsed, the
        # others (sharing that call, or hitting the cache later) parse the bytes
        checked: list[dict[str, Any]] = []

        async def send() -> bytes:
            data, raw = await self._send(endpoint, body)
            checked.append(data)
            return raw

        raw = await self.cache.get_or_call(key, send)
        if checked:
            return checked[0]
        data: dict[str, Any] = json.loads(raw)
        return data

    async def aclose(self) -> None:
        """Cancel calls in flight and close the HTTP connections."""
        await self.cache.aclose()
        await self.http.aclose()

    async def _send(self, endpoint: str, body: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        started, tries, transient, rate_waited, resigned = time.monotonic(), 0, 0, 0.0, False
        once: set[int] = set()
        try:
            while True:
                tries += 1
                try:
                    answer = await self._try(endpoint, body)
                except _Retry as retry:
                    code, error = retry.code, retry.error
                    if retry.kind == "sig":
                        if resigned:
                            raise error from None
                        resigned = True
                        why = retry.reason
                        log.warning("tim %s: %s, renewing the admin UserSig and retrying", endpoint, why)
                        self.auth.renew()
                        continue
                    if retry.kind == "rate_limit":
                        delay = _RATE_LIMIT_WAIT.get(code, self.rate_limit_wait * 1.5 ** (tries - 1))
                        delay *= random.uniform(1.0, 1.2)
                        if rate_waited + delay > self.rate_limit_budget or tries > 20:
                            raise error from None
                        rate_waited += delay
                    else:
                        transient += 1
                        if transient >= self.max_tries or (code in RETRY_ONCE and code in once):
                            raise error from None
                        once.add(code)
                        delay = self.backoff * 2 ** (transient - 1) * random.uniform(0.8, 1.2)
                    log.warning("tim %s: %s, retry %d in %.2f s", endpoint, retry.reason, tries, delay)
                    await self._sleep(delay)
                else:
                    self._log_done(endpoint, 0, tries, started)
                    return answer
        except TimError as exc:  # the final error, retried or not: one line, like a success
            self._log_done(endpoint, getattr(exc, "code", -1), tries, started)
            raise

    def _log_done(self, endpoint: str, code: int, tries: int, started: float) -> None:
        ms = (time.monotonic() - started) * 1000
        level = logging.DEBUG if code == 0 else logging.INFO
        log.log(level, "tim %s code=%d tries=%d ms=%.0f", endpoint, code, tries, ms)

    async def _try(self, endpoint: str, body: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """One paced HTTP try: the checked answer, parsed and as bytes; raises ``_Retry`` for what may be
        retried, the final error otherwise."""
        try:
            # counted by the pacer from when the request ends: it reached Tencent before that
            async with self._pacers.get(endpoint, self._default_pacer).hold():
                self.calls_made += 1
                response = await self.http.post(f"/v4/{endpoint}", json=body)
        except httpx.TimeoutException as exc:
            detail = f"timed out after {self.timeout:g} s"
            raise _Retry("transient", detail, TimTransportError(detail, endpoint=endpoint)) from exc
        except httpx.TransportError as exc:
            detail = f"connection failed ({type(exc).__name__})"
            raise _Retry("transient", detail, TimTransportError(detail, endpoint=endpoint)) from exc
        if response.status_code != 200:
            detail = f"HTTP {response.status_code}"
            error = TimTransportError(detail, endpoint=endpoint)
            if response.status_code in _RETRY_STATUS:
                raise _Retry("transient", detail, error)
            raise error
        return self._check(endpoint, response), response.content

    def _check(self, endpoint: str, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise TimProtocolError("the body is not JSON", endpoint=endpoint) from None
        if not (isinstance(data, dict) and isinstance(data.get("ErrorCode"), int)):
            raise TimProtocolError("the body has no ErrorCode", endpoint=endpoint)
        code, status = data["ErrorCode"], data.get("ActionStatus")
        items = data.get(_PER_ITEM.get(endpoint, ""))
        if isinstance(items, list) and items:
            return data  # the top-level code is meaningless here; each group carries its own
        if code == 0 and status == "OK":
            return data
        if code == 0:
            raise TimProtocolError(f"ActionStatus {status!r} with ErrorCode 0", endpoint=endpoint)
        meaning = explain(code)
        explanation = meaning.explanation
        if code in (70016, 70020):
            explanation = f"{explanation} ({self.region_hint})"
        error = TimApiError(
            code,
            info=self._scrub(str(data.get("ErrorInfo", ""))),
            explanation=explanation,
            kind=meaning.kind,
            endpoint=endpoint,
        )
        if meaning.kind == "fatal" and code not in RETRY_ONCE:
            raise error
        raise _Retry(meaning.kind, f"ErrorCode {code}", error, code)

    def _scrub(self, text: str) -> str:
        for secret in (self._key.get_secret_value(), self.auth.current):
            if secret:
                text = text.replace(secret, "***")
        return text[:300]
