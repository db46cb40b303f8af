"""The emulator itself: request handling, call records, and the in-process and ASGI front doors."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx

from timbot.emulator.api import ENDPOINTS
from timbot.emulator.checks import check_query
from timbot.emulator.control import handle_control, is_control
from timbot.emulator.data import DemoData
from timbot.emulator.faults import Faults
from timbot.emulator.fields import ApiError
from timbot.emulator.limits import RateLimits

__all__ = [
    "DEFAULT_MAX_CALLS",
    "DEMO_ADMIN",
    "DEMO_KEY",
    "DEMO_SDKAPPID",
    "MAX_RESPONSE_BYTES",
    "CallRecord",
    "Emulator",
    "EmulatorASGI",
    "Reply",
]

DEMO_SDKAPPID = 1400000000
# A fixed, public demo key: it protects nothing (the emulator holds only generated data).
DEMO_KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
DEMO_ADMIN = "administrator"
MAX_RESPONSE_BYTES = 1_000_000
#: Call records an emulator keeps unless told otherwise: the most recent ones.
DEFAULT_MAX_CALLS = 10_000

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One request the emulator received.

    ``code`` is the ``ErrorCode`` answered, or ``None`` when the answer was no envelope (a scripted
    HTTP error or non-JSON body); ``http_status`` is the HTTP status answered (``"status"`` in the
    control API's ``GET /_emulator/calls``); ``body`` is the parsed JSON body, or ``None`` if it did
    not parse.
    ``query`` holds the query parameters except ``usersig``, which is kept apart and out of ``repr``
    so that printing a record never prints a credential.
    """

    endpoint: str
    at: float
    body: Any
    code: int | None
    http_status: int
    query: Mapping[str, str]
    usersig: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class Reply:
    """An HTTP answer."""

    http_status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"


def _envelope(endpoint: str, code: int, info: str, fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "ActionStatus": "OK" if code == 0 else "FAIL",
        "ErrorInfo": info,
        "ErrorCode": code,
    }
    if endpoint.startswith("sns/"):
        answer["ErrorDisplay"] = ""
    if fields:
        answer.update(fields)
    return answer


def _dump(answer: Mapping[str, Any]) -> bytes:
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Emulator:
    """A Tencent Cloud Chat REST server for the five read APIs, over generated demo data.

    Args:
        sdkappid: the SDKAppID it hosts.
        key: the app's secret key that UserSigs must be signed with.
        admin: the app admin account (the only accepted ``identifier``).
        seed: the demo-data seed.
        latency: seconds every call waits before it is answered.
        page_size: ``get_members`` page size (Tencent's pages say 500 or 250).
        enforce_rate_limits: answer 60007 over 1/s (``get_appid_group_list``) and 200/s (the others).
        data: already generated demo data to serve (tests share one); ``seed`` is ignored then.
        max_calls: how many call records ``calls`` keeps, the most recent ones, so that a long-running
            ``timbot emulator`` does not grow without bound (``call_count`` counts every call).
        groups: how many groups the generated data has (None: the default 2,700); ignored with ``data``.

    Raises:
        ValueError: ``max_calls`` is less than 1, or ``groups`` under
            :data:`~timbot.emulator.groups.MIN_GROUPS`.
    """

    def __init__(
        self,
        *,
        sdkappid: int = DEMO_SDKAPPID,
        key: str = DEMO_KEY,
        admin: str = DEMO_ADMIN,
        seed: int = 0,
        latency: float = 0.0,
        page_size: int = 500,
        enforce_rate_limits: bool = True,
        data: DemoData | None = None,
        max_calls: int = DEFAULT_MAX_CALLS,
        groups: int | None = None,
    ) -> None:
        if max_calls < 1:
            raise ValueError("max_calls must be at least 1")
        self.sdkappid = sdkappid
        self._key = key
        self.admin = admin
        self.latency = latency
        self.page_size = page_size
        self.enforce_rate_limits = enforce_rate_limits
        self.data = DemoData(seed=seed, sdkappid=sdkappid, groups=groups) if data is None else data
        self.faults = Faults()
        self.limits = RateLimits()
        #: The most recent ``max_calls`` requests, oldest first (``GET /_emulator/calls`` lists them).
        self.calls: deque[CallRecord] = deque(maxlen=max_calls)
        #: Every request recorded since the emulator started, including those ``calls`` no longer holds
        #: (dropped as newer ones came, or by ``DELETE /_emulator/calls``).
        self.call_count = 0
        self.asgi = EmulatorASGI(self)

    def __repr__(self) -> str:
        return f"Emulator(sdkappid={self.sdkappid}, admin={self.admin!r}, seed={self.data.seed})"

    def calls_since(self, count: int) -> list[CallRecord]:
        """The records of the calls made after the first ``count``, as far as ``calls`` still holds them.

        Args:
            count: a ``call_count`` read earlier (0: every record kept).
        """
        first_kept = self.call_count - len(self.calls)  # calls only ever lose their oldest records
        return list(itertools.islice(self.calls, max(0, count - first_kept), None))

    async def handle(self, *, method: str, path: str, query: Mapping[str, str], body: bytes) -> Reply:
        """Answer one HTTP request.

        Args:
            method: the HTTP method.
            path: the URL path, e.g. ``/v4/group_open_http_svc/get_group_info``.
            query: the query parameters.
            body: the raw request body.
        """
        at = time.monotonic()
        arrived = self.limits.now()
        endpoint = path.removeprefix("/v4/").strip("/") if path.startswith("/v4/") else path
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = None
        if self.latency:
            await asyncio.sleep(self.latency)
        plan = self.faults.take(endpoint)
        if plan.delay:
            await asyncio.sleep(plan.delay)
        fault = plan.outcome
        if fault is not None and fault.kind in ("http_status", "bad_json"):  # no envelope at all
            if fault.kind == "http_status":
                page = f"<html><body>{fault.http_status} Bad Gateway</body></html>".encode()
                reply = Reply(fault.http_status, page, "text/html")
            else:
                reply = Reply(200, b"<html><body>upstream error</body></html>", "text/html")
            return self._record(endpoint, at, parsed, query, None, reply)
        if fault is not None and fault.kind == "error":
            answer = _envelope(endpoint, fault.code, fault.info)
        else:
            answer = self._answer(method, endpoint, query, body, parsed, arrived)
        raw = _dump(answer)
        if len(raw) > MAX_RESPONSE_BYTES:
            answer = _envelope(
                endpoint, 10018, f"response of {len(raw)} bytes exceeds the 1 MB limit; ask for less"
            )
            raw = _dump(answer)
        code = answer["ErrorCode"]
        if fault is not None and fault.kind == "missing_fields":
            answer = {k: v for k, v in answer.items() if k not in fault.fields}
            raw = _dump(answer)
        return self._record(endpoint, at, parsed, query, code, Reply(200, raw))

    def _record(
        self, endpoint: str, at: float, body: Any, query: Mapping[str, str], code: int | None, reply: Reply
    ) -> Reply:
        public = {k: v for k, v in query.items() if k != "usersig"}
        self.call_count += 1
        self.calls.append(
            CallRecord(
                endpoint=endpoint,
                at=at,
                body=body,
                code=code,
                http_status=reply.http_status,
                query=public,
                usersig=query.get("usersig", ""),
            )
        )
        return reply

    def _answer(
        self, method: str, endpoint: str, query: Mapping[str, str], body: bytes, parsed: Any, arrived: float
    ) -> dict[str, Any]:
        """The envelope for one call; ``arrived`` (on the limits' clock) is when Tencent's frequency limit
        is applied, not after the emulated latency, whose sleep may overrun under load."""
        handler = ENDPOINTS.get(endpoint)
        try:
            if handler is None:
                raise ApiError(60009, f"request resource error: unknown API {endpoint[:100]!r}")
            if method != "POST":
                raise ApiError(60002, f"HTTP method {method[:10]} is not supported; use POST")
            check_query(query, sdkappid=self.sdkappid, key=self._key, admin=self.admin)
            if self.enforce_rate_limits and not self.limits.allow(endpoint, at=arrived):
                raise ApiError(60007, "REST API call frequency over limit")
            if parsed is None:
                raise ApiError(60003, "request body is not valid JSON (send a JSON object, at least {})")
            if not isinstance(parsed, dict):
                raise ApiError(
                    30001 if endpoint.startswith("sns/") else 10011, "request body must be a JSON object"
                )
            return _envelope(endpoint, 0, "", handler(self.data, parsed, self.page_size))
        except ApiError as error:
            return _envelope(endpoint, error.code, error.info)

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that answers in-process (for ``httpx.AsyncClient(transport=...)``)."""

        async def handler(request: httpx.Request) -> httpx.Response:
            body = await request.aread()
            query = dict(reversed(request.url.params.multi_items()))
            reply = await self.handle(method=request.method, path=request.url.path, query=query, body=body)
            return httpx.Response(
                reply.http_status, content=reply.body, headers={"content-type": reply.content_type}
            )

        return httpx.MockTransport(handler)


class EmulatorASGI:
    """The emulator as a plain ASGI 3 application (``uvicorn`` detects it as ASGI 3).

    Args:
        emulator: the emulator that answers the requests.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection (HTTP or lifespan)."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        query = dict(
            reversed(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        )
        body, path = b"".join(chunks), scope["path"]
        if is_control(path):  # the control API: not a Tencent call, so neither recorded nor rate limited
            reply = Reply(*handle_control(self.emulator, method=scope["method"], path=path, body=body))
        else:
            reply = await self.emulator.handle(method=scope["method"], path=path, query=query, body=body)
        await send(
            {
                "type": "http.response.start",
                "status": reply.http_status,
                "headers": [
                    (b"content-type", reply.content_type.encode()),
                    (b"content-length", str(len(reply.body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})
