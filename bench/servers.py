"""The helper servers of a benchmark run, one per process: the floor, bare Bolt, fake Slack, the emulator.

Run as ``python -m bench.servers KIND --port N``; the signing secret comes from ``BENCH_SIGNING_SECRET``.
Every server answers ``GET /healthz`` so the runner knows it is up. All run under uvicorn like timbot.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
    """Slack's Web API (``auth.test``, ``users.info``; an export's ``conversations.open``,
    ``chat.postMessage``, ``chat.update``, ``files.getUploadURLExternal``, the upload URL and
    ``files.completeUploadExternal``) and the ``response_url`` receiver.

    A response_url is ``/hooks/{rid}``; each post is recorded with its ``time.monotonic()`` arrival (the same
    clock in every process on Linux) so the runner can compute command-to-message times. A file is kept in
    memory once uploaded; ``/_bench/files`` lists the files with the time each was shared
    (``files.completeUploadExternal``), ``/_bench/file/{id}`` gives one's bytes. It answers as Slack does
    where the export depends on it (a ``U`` channel or an unknown file refused, a body of another size than
    announced refused), without the tests' fakes' scripted faults (``tests/slack/fakes.py``).
    """

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = {}
        self.bodies: dict[str, Any] = {}
        self.api_calls: dict[str, int] = {}
        self._events: dict[str, asyncio.Event] = {}
        self.dms: dict[str, str] = {}
        self.messages = 0
        self.files: dict[str, dict[str, Any]] = {}
        self._shared = asyncio.Condition()

    def app(self) -> Starlette:
        """The Starlette app serving the fake API, the hooks and the ``/_bench`` read-out."""
        return Starlette(
            routes=[
                Route("/healthz", _healthz),
                Route("/api/{method}", self._api, methods=["GET", "POST"]),
                Route("/hooks/{rid}", self._hook, methods=["POST"]),
                Route("/upload/{file_id}", self._upload, methods=["POST"]),
                Route("/_bench/files", self._files),
                Route("/_bench/file/{file_id}", self._file),
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
        if method in _EXPORT_METHODS:
            return await _EXPORT_METHODS[method](self, request, params)
        return JSONResponse({"ok": True})

    # -- an export's DM, progress message and file -------------------------------------------------
    async def _open(self, request: Request, params: dict[str, Any]) -> Response:
        users = str(params.get("users", ""))
        if not users.startswith(("U", "W")) or "," in users:
            return JSONResponse({"ok": False, "error": "user_not_found"})
        channel = self.dms.setdefault(users, f"D{len(self.dms) + 1:08d}")
        return JSONResponse({"ok": True, "channel": {"id": channel}})

    async def _post(self, request: Request, params: dict[str, Any]) -> Response:
        channel = str(params.get("channel", ""))
        if channel not in self.dms.values():
            return JSONResponse({"ok": False, "error": "channel_not_found"})
        self.messages += 1
        return JSONResponse({"ok": True, "channel": channel, "ts": f"{time.time():.6f}{self.messages:04d}"})

    async def _update(self, request: Request, params: dict[str, Any]) -> Response:
        return JSONResponse({"ok": True, "channel": params.get("channel"), "ts": params.get("ts")})

    async def _upload_url(self, request: Request, params: dict[str, Any]) -> Response:
        length = str(params.get("length", ""))
        if not params.get("filename") or not length.isdigit():
            return JSONResponse({"ok": False, "error": "invalid_arguments"})
        file_id = f"F{len(self.files) + 1:08d}"
        self.files[file_id] = {"id": file_id, "filename": params["filename"], "length": int(length),
                               "data": None, "channel": None, "comment": None, "uploaded": None,
                               "shared": None}
        return JSONResponse({"ok": True, "upload_url": f"{request.base_url}upload/{file_id}",
                             "file_id": file_id})

    async def _upload(self, request: Request) -> Response:
        entry = self.files.get(request.path_params["file_id"])
        if entry is None:
            return PlainTextResponse("no such upload", status_code=404)
        data = await request.body()
        if len(data) != entry["length"]:
            return PlainTextResponse(f"size mismatch: {len(data)} != {entry['length']}", status_code=400)
        entry.update(data=data, uploaded=time.monotonic())
        return PlainTextResponse(f"OK - {len(data)}")

    async def _complete(self, request: Request, params: dict[str, Any]) -> Response:
        files = params.get("files", "[]")
        files = json.loads(files) if isinstance(files, str) else files
        channel = str(params.get("channel_id", ""))
        if channel.startswith(("U", "W")):  # a user ID is not a conversation
            return JSONResponse({"ok": False, "error": "invalid_arguments"})
        done = []
        for item in files:
            entry = self.files.get(str(item.get("id")))
            if entry is None or entry["data"] is None:
                return JSONResponse({"ok": False, "error": "file_not_found"})
            entry.update(channel=channel or None, comment=params.get("initial_comment"),
                         shared=time.monotonic() if channel else None)
            done.append({"id": entry["id"], "title": item.get("title")})
        async with self._shared:
            self._shared.notify_all()
        return JSONResponse({"ok": True, "files": done})

    async def _files(self, request: Request) -> Response:
        """The files (without their bytes); with ``wait=S``, once one is shared (or after S seconds)."""
        wait = float(request.query_params.get("wait", "0"))
        if wait:
            async with self._shared:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._shared.wait_for(
                        lambda: any(f["shared"] is not None for f in self.files.values())), wait)
        return JSONResponse([{k: v for k, v in f.items() if k != "data"} for f in self.files.values()])

    async def _file(self, request: Request) -> Response:
        entry = self.files.get(request.path_params["file_id"])
        if entry is None or entry["data"] is None:
            return PlainTextResponse("no such file", status_code=404)
        return Response(entry["data"], media_type="text/csv")

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


_EXPORT_METHODS = {"conversations.open": FakeSlack._open, "chat.postMessage": FakeSlack._post,
                   "chat.update": FakeSlack._update, "files.getUploadURLExternal": FakeSlack._upload_url,
                   "files.completeUploadExternal": FakeSlack._complete}


class EmulatorWithReadout:
    """timbot's Tencent emulator over HTTP, plus ``GET /_bench/calls`` listing the calls it answered.

    Args:
        seed: demo data seed.
        latency: seconds the emulator waits before each answer (the injected Tencent latency).
        groups: how many groups its data has (None: the default 2,700).
    """

    def __init__(self, *, seed: int, latency: float, groups: int | None = None) -> None:
        from timbot.emulator import Emulator

        self.emulator = Emulator(seed=seed, latency=latency, groups=groups)
        self._inner: ASGIApp = self.emulator.asgi
        #: seconds from request to the end of the answer, per request, in order of completion
        self.service: list[float] = []
        self._readout = Starlette(
            routes=[Route("/_bench/calls", self._calls), Route("/_bench/data", self._data),
                    Route("/_bench/groups", self._groups), Route("/healthz", _healthz)]
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


    async def _groups(self, request: Request) -> Response:
        """Up to ``n`` ordinary group IDs, from the end of the data (quick: no membership is walked)."""
        n = int(request.query_params.get("n", "100"))
        picked = [g.group_id for g in reversed(self.emulator.data.groups)
                  if g.type in ("Public", "Private", "ChatRoom") and g.group_id.startswith("@TGS#")
                  and g.size <= 200]
        return JSONResponse({"groups": picked[:n], "total": len(self.emulator.data.groups)})


def _call_json(call: Any) -> dict[str, Any]:
    return {"endpoint": str(call.endpoint), "t": float(call.at), "code": call.code}


def main(argv: list[str] | None = None) -> None:
    """Serve one helper server until killed.

    Args:
        argv: command-line arguments (``KIND --port N [--api-url U] [--seed S] [--latency L] [--groups N]``).
    """
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    parser.add_argument("kind", choices=["floor", "bolt", "bolt-pbr", "slack", "emulator"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", default="")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--groups", type=int, default=None)
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
        app = EmulatorWithReadout(seed=args.seed, latency=args.latency, groups=args.groups)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
