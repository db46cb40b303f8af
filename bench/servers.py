"""The helper servers of a benchmark run, one per process: the floor, bare Bolt, fake Slack, the emulator.

Run as ``python -m bench.servers KIND --port N``; the signing secret comes from ``BENCH_SIGNING_SECRET``.
Every server answers ``GET /healthz`` so the runner knows it is up. All run under uvicorn like timbot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import time
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BENCH_TEAM = "T0BENCH"


async def _healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


def floor_app(secret: str) -> Starlette:
    """The floor: verify the Slack signature and answer 200, nothing else.

    Args:
        secret: the signing secret.
    """
    verifier = SignatureVerifier(secret)

    async def events(request: Request) -> Response:
        body = await request.body()
        ok = verifier.is_valid(
            body=body,
            timestamp=request.headers.get("x-slack-request-timestamp", ""),
            signature=request.headers.get("x-slack-signature", ""),
        )
        return Response(status_code=200 if ok else 401)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", _healthz)])


def bolt_app(secret: str, api_url: str, *, before_response: bool = False) -> Starlette:
    """Bare Bolt ``AsyncApp`` whose listeners only ack: by default in Bolt's default mode.

    Args:
        secret: the signing secret.
        api_url: the fake Slack Web API (for the ``auth.test`` Bolt makes on the first request).
        before_response: ``process_before_response=True`` (timbot's mode: the ack runs in the request).
    """
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    token = "xoxb-bench"
    app = AsyncApp(signing_secret=secret, token=token, client=AsyncWebClient(token=token, base_url=api_url),
                   process_before_response=before_response)

    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    app.command(re.compile(r"^/im-.*"))(ack_only)
    app.action(re.compile(r"^timbot_.*"))(ack_only)
    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        response: Response = await handler.handle(request)
        return response

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", _healthz)])


class FakeSlack:
    """Slack's Web API (``auth.test``, ``users.info``) and the ``response_url`` receiver.

    A response_url is ``/hooks/{rid}``; each post is recorded with its ``time.monotonic()`` arrival (the same
    clock in every process on Linux) so the runner can compute command-to-message times.
    """

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = {}
        self.bodies: dict[str, Any] = {}
        self.api_calls: dict[str, int] = {}
        self._events: dict[str, asyncio.Event] = {}

    def app(self) -> Starlette:
        """The Starlette app serving the fake API, the hooks and the ``/_bench`` read-out."""
        return Starlette(
            routes=[
                Route("/healthz", _healthz),
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/hooks/{rid}", self._hook, methods=["POST"]),
                Route("/_bench/arrivals", self._arrivals, methods=["POST"]),
                Route("/_bench/body/{rid}", self._body),
                Route("/_bench/wait/{rid}", self._wait),
                Route("/_bench/stats", self._stats),
            ]
        )

    async def _api(self, request: Request) -> Response:
        method = request.path_params["method"]
        self.api_calls[method] = self.api_calls.get(method, 0) + 1
        raw = (await request.body()).decode()
        params = {k: v[0] for k, v in parse_qs(raw).items()} if raw and not raw.startswith("{") else {}
        if raw.startswith("{"):
            params = json.loads(raw)
        params.update(request.query_params)
        if method == "auth.test":
            return JSONResponse(
                {"ok": True, "url": "https://bench.slack.invalid/", "team": "bench", "user": "timbot",
                 "team_id": BENCH_TEAM, "user_id": "UBOT", "bot_id": "BBOT", "is_enterprise_install": False}
            )
        if method == "users.info":
            user = str(params.get("user", "U0"))
            return JSONResponse(
                {"ok": True, "user": {"id": user, "team_id": BENCH_TEAM, "name": user.lower(),
                                      "deleted": False, "is_bot": False, "is_restricted": False,
                                      "is_ultra_restricted": False, "is_admin": False, "is_owner": False}}
            )
        return JSONResponse({"ok": True})

    async def _hook(self, request: Request) -> Response:
        now = time.monotonic()
        rid = request.path_params["rid"]
        self.arrivals.setdefault(rid, []).append(now)
        self.bodies[rid] = json.loads(await request.body())
        self._events.setdefault(rid, asyncio.Event()).set()
        return PlainTextResponse("ok")

    async def _wait(self, request: Request) -> Response:
        """Answer once rid's first message has arrived (or after ``timeout`` s), with its arrival time."""
        rid = request.path_params["rid"]
        event = self._events.setdefault(rid, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), float(request.query_params.get("timeout", "10")))
        except TimeoutError:
            return JSONResponse(None)
        return JSONResponse(self.arrivals[rid][0])

    async def _arrivals(self, request: Request) -> Response:
        wanted = await request.json()
        return JSONResponse({rid: self.arrivals[rid] for rid in wanted if rid in self.arrivals})

    async def _body(self, request: Request) -> Response:
        return JSONResponse(self.bodies.get(request.path_params["rid"]))

    async def _stats(self, request: Request) -> Response:
        return JSONResponse({"hooks": sum(len(v) for v in self.arrivals.values()), "api": self.api_calls})


class EmulatorWithReadout:
    """timbot's Tencent emulator over HTTP, plus ``GET /_bench/calls`` listing the calls it answered.

    Args:
        seed: demo data seed.
        latency: seconds the emulator waits before each answer (the injected Tencent latency).
    """

    def __init__(self, *, seed: int, latency: float) -> None:
        from timbot.emulator import Emulator

        self.emulator = Emulator(seed=seed, latency=latency)
        self._inner: ASGIApp = self.emulator.asgi
        #: seconds from request to the end of the answer, per request, in order of completion
        self.service: list[float] = []
        self._readout = Starlette(
            routes=[Route("/_bench/calls", self._calls), Route("/_bench/data", self._data),
                    Route("/healthz", _healthz)]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith("/_bench/") or path == "/healthz":
            await self._readout(scope, receive, send)
        elif scope["type"] != "http":
            await self._inner(scope, receive, send)
        else:  # time the whole answer: injected latency plus the emulator's own work
            started = time.monotonic()

            async def timed_send(message: Message) -> None:
                await send(message)
                if message["type"] == "http.response.body" and not message.get("more_body", False):
                    self.service.append(time.monotonic() - started)

            await self._inner(scope, receive, timed_send)

    async def _calls(self, request: Request) -> Response:
        since = int(request.query_params.get("since", "0"))
        served = int(request.query_params.get("served", "0"))
        calls = self.emulator.calls_since(since)
        return JSONResponse({"total": self.emulator.call_count, "calls": [_call_json(c) for c in calls],
                             "served": len(self.service), "service": self.service[served:]})

    async def _data(self, request: Request) -> Response:
        from bench.demo import sample_ids

        return JSONResponse(sample_ids(self.emulator))


def _call_json(call: Any) -> dict[str, Any]:
    return {"endpoint": str(call.endpoint), "t": float(call.at), "code": call.code}


def main(argv: list[str] | None = None) -> None:
    """Serve one helper server until killed.

    Args:
        argv: command-line arguments (``KIND --port N [--api-url U] [--seed S] [--latency L]``).
    """
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    parser.add_argument("kind", choices=["floor", "bolt", "bolt-pbr", "slack", "emulator"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", default="")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args(argv)
    secret = os.environ.get("BENCH_SIGNING_SECRET", "")
    app: ASGIApp
    if args.kind == "floor":
        app = floor_app(secret)
    elif args.kind in ("bolt", "bolt-pbr"):
        app = bolt_app(secret, args.api_url, before_response=args.kind == "bolt-pbr")
    elif args.kind == "slack":
        app = FakeSlack().app()
    else:
        app = EmulatorWithReadout(seed=args.seed, latency=args.latency)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
