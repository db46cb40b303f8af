"""In-process measurement of timbot's ack path: ``python -m bench.ackpath [--profile] [--n N] [--bolt]``.

Calls the ASGI app directly (no sockets on the request side), so the figure is timbot's own work per ack:
the Starlette route, Bolt, our listener and checks. The fake Slack runs in a child process (``auth.test``,
``users.info``, the response_url posts) and Tencent is the in-process emulator with 50 ms latency. Each
command is acked, then its answer is awaited before the next (the "isolated" case of the benchmark).
``--profile`` prints the cProfile of the acks only; ``--bolt`` measures the bare Bolt app
(process_before_response) instead.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import secrets
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.load import Signer, new_rid
from bench.procs import Fleet, free_port


async def _call(app: Any, body: bytes, headers: dict[str, str]) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/slack/events", "raw_path": b"/slack/events", "query_string": b"",
             "root_path": "", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
             + [(b"content-length", str(len(body)).encode())]}
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def measure(n: int, *, profile: bool, bolt: bool, slack_url: str, secret: str) -> list[float]:
    """Ack ``n`` commands one at a time; returns the ack times in seconds."""
    from bench.servers import bolt_app
    from timbot.asgi import create_app
    from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator

    emulator = Emulator(latency=0.05)
    os.environ.update({"SLACK_SIGNING_SECRET": secret, "SLACK_BOT_TOKEN": "xoxb-bench",
                       "SLACK_API_URL": f"{slack_url}/api/", "TIM_SDKAPPID": str(DEMO_SDKAPPID),
                       "TIM_SECRET_KEY": DEMO_KEY, "TIM_BASE_URL": "http://tim.invalid",
                       "TIMBOT_ALLOWED_USERS": "", "TIMBOT_ALLOWED_CHANNELS": "",
                       "TIMBOT_ALLOW_GUESTS": "false"})
    timbot = create_app(tim_transport=emulator.transport(), tune_process=True)  # as the Procfile's app
    app: Any = bolt_app(secret, f"{slack_url}/api/", before_response=True) if bolt else timbot
    if not bolt:
        await timbot.startup()
    signer = Signer(secret=secret, hooks_url=slack_url)
    groups = [g.group_id for g in emulator.data.groups if g.group_id.startswith("@TGS#")][:50]
    acks: list[float] = []
    prof = cProfile.Profile()
    try:
        for i in range(n + 20):
            req = signer.command("/im-group", groups[i % len(groups)], rid=new_rid("ackpath"))
            if profile and i >= 20:
                prof.enable()
            t0 = time.perf_counter()
            status = await _call(app, req.body, req.headers)
            t1 = time.perf_counter()
            prof.disable()
            assert status == 200, status
            if i >= 20:
                acks.append(t1 - t0)
            if not bolt:  # the answer is done before the next command
                await asyncio.gather(*asyncio.all_tasks() - {asyncio.current_task()})
    finally:
        if not bolt:
            await timbot.shutdown()
    if profile:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return acks


def main() -> None:
    """Start the fake Slack, measure, print p50/p90 of the acks."""
    parser = argparse.ArgumentParser(prog="python -m bench.ackpath")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--bolt", action="store_true", help="bare Bolt (process_before_response) instead")
    args = parser.parse_args()
    rundir = Path(tempfile.mkdtemp(prefix="timbot-ackpath-"))  # the fake Slack's log; removed at the end
    try:
        fleet = Fleet(rundir)
        secret = secrets.token_hex(16)
        port = free_port()
        try:
            slack = fleet.ready(fleet.launch("slack", ["-m", "bench.servers", "slack", "--port", str(port)],
                                             env={"BENCH_SIGNING_SECRET": secret}, port=port))
            acks = asyncio.run(measure(args.n, profile=args.profile, bolt=args.bolt, slack_url=slack.url,
                                       secret=secret))
        finally:
            fleet.stop()
    finally:
        shutil.rmtree(rundir, ignore_errors=True)
    acks.sort()
    name = "bolt-pbr" if args.bolt else "timbot"
    print(f"{name} acks: n={len(acks)} p50={statistics.median(acks) * 1000:.3f} ms "
          f"p90={acks[int(len(acks) * 0.9)] * 1000:.3f} ms min={acks[0] * 1000:.3f} ms")


if __name__ == "__main__":
    main()
