"""``CallPath``: one Tencent REST call, shared and cached, paced, signed, checked and retried."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
from pydantic import SecretStr

from timbot.errors import TimApiError, TimError, TimProtocolError, TimTransportError
from timbot.shared.pacing import Pacing
from timbot.shared.redis_cache import AnswerCache
from timbot.tim import priority
from timbot.tim.auth import AdminSigAuth
from timbot.tim.codes import explain
from timbot.tim.retry import TENCENT_POLICY, RetryPolicy

__all__ = ["CallPath", "redact_httpx_log"]

log = logging.getLogger("timbot.tim.client")

#: Endpoints whose top-level ErrorCode is meaningless when this per-item list is present.
_PER_ITEM = {"group_open_http_svc/get_group_info": "GroupInfo"}
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


def redact_httpx_log() -> None:
    """Keep UserSigs out of httpx's request log lines, for the whole process; idempotent.

    Called once when this module is imported, so that no request can be logged before it: a UserSig in a
    log line is a leak whoever configured the logging (README: "Secrets stay secret"). It only rewrites
    the ``usersig`` query value of the lines httpx makes; nothing else in the process changes.
    """
    logging.getLogger("httpx").addFilter(_REDACT)  # a no-op when the filter is already there


redact_httpx_log()


class _Retry(Exception):
    """One failed try that may be retried: ``kind`` is transient, rate_limit or sig, ``error`` the final
    error; an HTTP answer also gives its ``status`` and ``Retry-After`` header."""

    def __init__(
        self,
        kind: str,
        reason: str,
        error: Exception,
        code: int = -1,
        *,
        status: int = 0,
        retry_after: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.error, self.code = kind, reason, error, code
        self.status, self.retry_after = status, retry_after


class CallPath:
    """POST JSON bodies to ``/v4/{endpoint}``: the one way every Tencent call is made.

    In order: the answer cache (identical concurrent requests share one call), the endpoint's pacer,
    the admin-sig signing (``http`` carries :class:`AdminSigAuth`), the POST, the envelope check, and
    the retries ``policy`` allows (:class:`~timbot.tim.retry.RetryPolicy`: transient failures with
    jittered exponential backoff, ``max_tries`` in all; rate limits with waits of at least
    ``rate_limit_wait`` within ``rate_limit_budget`` seconds; sig codes with one renewal of the admin
    sig; everything else raises at once). Logs one line per call and a warning per retry, never the
    URL's query, the UserSig or the key.

    Args:
        http: the shared client (``base_url`` and ``auth`` set).
        auth: the admin-sig auth of ``http`` (renewed on 70001/70052).
        secret_key: the app key, only to scrub it from Tencent's error texts.
        pacers: one pacer per endpoint (in-process or Redis); ``default_pacer`` for endpoints not listed.
            Each call is paced at the priority of the task making it (:func:`timbot.tim.priority.current`).
        cache: the answer cache (in-process or Redis).
        timeout: seconds per HTTP try (for messages).
        policy: which failures are retried and how long to wait (:data:`TENCENT_POLICY` by default).
        sleep: coroutine used for backoff and rate-limit waits (injectable for tests).
        region_host: where requests go, named in the 70016/70020 explanations.
    """

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        auth: AdminSigAuth,
        secret_key: SecretStr,
        pacers: Mapping[str, Pacing],
        default_pacer: Pacing,
        cache: AnswerCache,
        timeout: float = 5.0,
        policy: RetryPolicy = TENCENT_POLICY,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        region_host: str = "",
    ) -> None:
        self.http, self.auth, self._key = http, auth, secret_key
        self._pacers, self._default_pacer, self.cache = pacers, default_pacer, cache
        self.timeout, self.policy = timeout, policy
        self._sleep = sleep
        self.region_host = region_host
        self.calls_made = 0

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
        policy = self.policy
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
                        delay = policy.rate_limit_delay(tries)
                        if rate_waited + delay > policy.rate_limit_budget or tries > policy.rate_limit_tries:
                            raise error from None
                        rate_waited += delay
                    else:
                        transient += 1
                        if transient >= policy.max_tries or (code in policy.retry_once and code in once):
                            raise error from None
                        once.add(code)
                        asked = policy.retry_after_delay(retry.status, retry.retry_after)
                        delay = policy.delay(transient) if asked is None else asked
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
            async with self._pacers.get(endpoint, self._default_pacer).hold(priority.current()):
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
            if self.policy.retries_status(response.status_code):
                retry_after = response.headers.get("retry-after")
                raise _Retry("transient", detail, error, status=response.status_code, retry_after=retry_after)
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
        error = TimApiError(
            code,
            info=self._scrub(str(data.get("ErrorInfo", ""))),
            explanation=meaning.explanation,
            host=self.region_host if code in (70016, 70020) else "",
            kind=meaning.kind,
            endpoint=endpoint,
        )
        if not self.policy.retries_code(code, meaning.kind):
            raise error
        raise _Retry(meaning.kind, f"ErrorCode {code}", error, code)

    def _scrub(self, text: str) -> str:
        for secret in (self._key.get_secret_value(), self.auth.current):
            if secret:
                text = text.replace(secret, "***")
        return text[:300]
