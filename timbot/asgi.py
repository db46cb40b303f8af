"""The ASGI application (``uvicorn timbot.asgi:app``): /slack/events, /healthz and a lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from timbot.bodylimit import DEFAULT_MAX_BODY, BodyLimit
from timbot.errors import ConfigError
from timbot.settings import Settings, load_settings
from timbot.slack.app import build_app, open_exports, received_now
from timbot.slack.exports import Exports
from timbot.slack.queue import QueuedExports
from timbot.slack.respond import response_client
from timbot.slack.serving import ensure_logging, tune_gc
from timbot.slack.tasks import TaskRegistry
from timbot.tim.client import TimClient

__all__ = ["REQUIRED", "TimFactory", "TimbotASGI", "create_app", "serve"]  # and ``app`` (see __getattr__)

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
#: Builds the Tencent client: ``(settings, transport) -> TimClient``.
TimFactory = Callable[[Settings, httpx.AsyncBaseTransport | None], TimClient]

#: Settings without which the HTTP app cannot start (checked in this order).
REQUIRED = ("slack_signing_secret", "slack_bot_token", "tim_sdkappid", "tim_secret_key")


def _default_tim(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> TimClient:
    return TimClient.from_settings(settings, transport=transport)


class TimbotASGI:
    """Starlette routes plus a lifespan that opens the clients, then drains the work and closes them.

    Settings are read at start-up, not at import, so ``import timbot.asgi`` needs no environment.
    A missing setting fails start-up with one line naming the variable. Every HTTP request passes a
    :class:`~timbot.bodylimit.BodyLimit` first (``TIMBOT_MAX_BODY``), in front of Bolt and the signature
    check.

    Args:
        settings: the settings to use; read from the environment at start-up when None.
        tim_transport: an httpx transport for Tencent (tests, the benchmark: the emulator in-process).
        grace: seconds the shutdown waits for answers already acknowledged.
        tim_factory: builds the Tencent client from the settings and ``tim_transport`` (tests use it for
            short timeouts and backoff); ``TimClient.from_settings`` when None.
        tune_process: whether start-up also tunes the process it runs in (see :func:`create_app`).
    """

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        tim_transport: httpx.AsyncBaseTransport | None = None,
        grace: float = 20.0,
        tim_factory: TimFactory | None = None,
        tune_process: bool = False,
    ) -> None:
        self.tune_process = tune_process
        self._settings = settings
        self._tim_factory = tim_factory
        self._tim_transport = tim_transport
        self._grace = grace
        self._stack: contextlib.AsyncExitStack | None = None
        self._handler: AsyncSlackRequestHandler | None = None
        self.tasks = TaskRegistry()
        self.exports: Exports | QueuedExports | None = None
        self.max_body = settings.timbot_max_body if settings is not None else DEFAULT_MAX_BODY
        self.routes = Starlette(
            routes=[
                Route("/slack/events", self._events, methods=["POST"]),
                Route("/healthz", self._healthz, methods=["GET", "HEAD"]),
            ]
        )
        self._limited = BodyLimit(self.routes, max_body=lambda: self.max_body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await self._limited(scope, receive, send)

    async def startup(self) -> None:
        """Read and check the settings, open the HTTP clients and the Tencent client, build the Bolt app;
        with ``tune_process``, also give timbot's logger a handler (first) and tune the GC (last).

        Raises:
            ConfigError: a required setting is missing or malformed.
        """
        settings = self._settings if self._settings is not None else load_settings()
        if self.tune_process:
            ensure_logging(level=settings.timbot_log_level, fmt=settings.timbot_log_format)
        settings.require(*REQUIRED)
        self.max_body = settings.timbot_max_body
        async with contextlib.AsyncExitStack() as stack:
            http = await stack.enter_async_context(response_client())
            factory = self._tim_factory or _default_tim
            tim = factory(settings, self._tim_transport)
            stack.push_async_callback(tim.aclose)
            if tim.shared is not None:  # REDIS_URL: unreachable, it warns once and the app starts anyway
                await tim.shared.start()
            self.tasks = TaskRegistry()
            uploads = await stack.enter_async_context(httpx.AsyncClient())
            self.exports = await open_exports(settings, tim=tim, http=uploads, stack=stack)
            bolt = build_app(settings, tim=tim, http=http, tasks=self.tasks, exports=self.exports)
            self._handler = AsyncSlackRequestHandler(bolt)
            self._stack = stack.pop_all()
        if self.tune_process:
            tune_gc()  # after everything start-up made, which it freezes (the measurements are in tune_gc)

    async def shutdown(self) -> None:
        """Refuse new requests, let acknowledged answers finish (up to the grace period), close clients."""
        exports = self.exports.drain(self._grace) if self.exports is not None else asyncio.sleep(0, 0)
        cancelled, interrupted = await asyncio.gather(self.tasks.drain(self._grace), exports)
        if interrupted:
            logger.warning("shutdown: %d export(s) interrupted after %.0f s", interrupted, self._grace)
        if cancelled:
            logger.warning("shutdown: %d answer(s) did not finish in %.0f s", cancelled, self._grace)
        self._handler = None
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        await receive()  # lifespan.startup
        try:
            await self.startup()
        except ConfigError as exc:
            lines = exc.lines()  # every variable at fault, one line each
            said = f" {lines[0]}" if len(lines) == 1 else "".join(f"\n  {line}" for line in lines)
            await send({"type": "lifespan.startup.failed", "message": f"timbot cannot start:{said}"})
            return
        except Exception:  # reported to the server, which exits: never serve half-started
            await send({"type": "lifespan.startup.failed", "message": traceback.format_exc()})
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await self.shutdown()
        await send({"type": "lifespan.shutdown.complete"})

    async def _events(self, request: Request) -> Response:
        handler = self._handler
        if handler is None or self.tasks.closing:
            return JSONResponse({"error": "timbot is restarting, try again in a moment"}, status_code=503)
        timestamp = request.headers.get("x-slack-request-timestamp")
        if timestamp is not None and not (timestamp.isascii() and timestamp.isdigit()):
            return PlainTextResponse("invalid request", status_code=401)  # Bolt's int() would make it a 500
        return await handler.handle(request, received_now())

    async def _healthz(self, request: Request) -> Response:
        return PlainTextResponse("ok")


def create_app(
    settings: Settings | None = None,
    *,
    tim_transport: httpx.AsyncBaseTransport | None = None,
    grace: float = 20.0,
    tim_factory: TimFactory | None = None,
    tune_process: bool = False,
) -> TimbotASGI:
    """The ASGI app, for uvicorn, tests, the benchmark and embedders.

    By default the app changes nothing outside itself, so a test or a host process is left as it was found.
    A process that exists to serve it opts in with ``tune_process=True`` (the module's :data:`app`, which
    the Procfile runs, and :func:`serve` do): start-up then gives the ``timbot`` logger a handler when no
    logging is configured (:func:`~timbot.slack.serving.ensure_logging`) and, once started, freezes what it
    made and raises the collector's first threshold (:func:`~timbot.slack.serving.tune_gc`).

    Args:
        settings: the settings; read from the environment at start-up when None.
        tim_transport: an httpx transport for Tencent (e.g. ``Emulator(...).transport()``).
        grace: seconds the shutdown waits for answers in flight.
        tim_factory: builds the Tencent client (tests: short timeouts); ``TimClient.from_settings`` when None.
        tune_process: tune the logging and the garbage collector of the process at start-up (see above).
    """
    return TimbotASGI(
        settings=settings,
        tim_transport=tim_transport,
        grace=grace,
        tim_factory=tim_factory,
        tune_process=tune_process,
    )


_served: TimbotASGI | None = None


def __getattr__(name: str) -> TimbotASGI:
    """``timbot.asgi.app``, made when first asked for (``uvicorn timbot.asgi:app``, the Procfile).

    That process serves timbot and nothing else, so the app is tuned, and its log format is set up at once:
    uvicorn logs "Started server process" after loading the app and before starting it, and with
    ``TIMBOT_LOG_FORMAT=json`` that line is JSON too. Importing ``timbot.asgi`` changes nothing.
    """
    global _served
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _served is None:
        _served = create_app(tune_process=True)
        try:
            early = load_settings()
        except ConfigError:
            pass  # start-up reports it, in one line
        else:
            ensure_logging(level=early.timbot_log_level, fmt=early.timbot_log_format)
    return _served


def serve(settings: Settings) -> None:
    """Serve ``timbot.asgi`` with uvicorn on 0.0.0.0:``PORT`` (what the Procfile runs), process tuned; blocks.

    Args:
        settings: the loaded settings; a missing required one stops start-up with one line.

    Raises:
        ConfigError: a required setting is missing.
    """
    import uvicorn

    settings.require(*REQUIRED)
    uvicorn.run(create_app(settings, tune_process=True), host="0.0.0.0", port=settings.port, lifespan="on")
