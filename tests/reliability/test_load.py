"""Load: 300 concurrent commands across the five commands against the app in its own process (uvicorn, as
deployed), Tencent answering in 50 ms with its rate limits on. Every command answered exactly once, acked in
time, no error logged, the 1/s pacing of get_appid_group_list intact and never a 60007."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter

import aiohttp
import httpx

from tests.reliability.conftest import AppProcess, closed_port
from tests.slack.fakes import FakeSlack, ServerThread, command_body, signed_headers
from timbot.emulator import Emulator

TOTAL = 300
LATENCY = 0.05
#: Four distinct /im-groups pages (four paced calls, 1 s apart); the cache serves the other 56 commands.
LIST_QUERIES = ("Public", "Private --limit 50", "ChatRoom", "Community --limit 10")


def _workload(emulator: Emulator) -> list[tuple[str, str]]:
    data = emulator.data
    plain = re.compile(r"[\w@#:.-]+")  # IDs one can type as a single argument
    small = [g.group_id for g in data.groups
             if g.size < 150 and g.type != "AVChatRoom" and plain.fullmatch(g.group_id)][:60]
    rooms = [g.group_id for g in data.groups
             if g.type == "AVChatRoom" and 0 < g.online < 300 and plain.fullmatch(g.group_id)][:20]
    users = data.users[3:63]
    per = TOTAL // 5
    work: list[tuple[str, str]] = []
    for i in range(per):
        work += [
            ("/im-groups", LIST_QUERIES[i % len(LIST_QUERIES)]),
            ("/im-group", small[i % len(small)]),
            ("/im-joined", f"{users[i % len(users)]} --limit 20"),
            ("/im-room", rooms[i % len(rooms)]),
            ("/im-friends", users[(i * 7) % len(users)]),
        ]
    return work


class EmulatorProcess:
    """The emulator in a process of its own (``emulator_process.py``); its call records come back on exit."""

    def __init__(self, latency: float) -> None:
        self.port = closed_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.out = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.emulator_process",
             str(self.port), str(latency), self.out.name]
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert self.process.poll() is None
            try:
                httpx.get(f"{self.url}/healthz", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the emulator did not start")

    def calls(self) -> list[tuple[str, float, int | None]]:
        """Stop the emulator and return ``(endpoint, arrival, ErrorCode)`` of every call it answered."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(15)
        with open(self.out.name, encoding="utf-8") as file:
            records = [(endpoint, at, code) for endpoint, at, code in json.load(file)]
        os.unlink(self.out.name)
        return records


async def test_300_concurrent_commands() -> None:
    work = _workload(Emulator(seed=0))  # the same seed as the emulator process: the same data
    assert len(work) == TOTAL
    tencent = EmulatorProcess(LATENCY)
    slack = FakeSlack()
    slack_server = ServerThread(slack.app(), lifespan="off").start()
    app = AppProcess(tencent_url=tencent.url, slack_url=slack_server.url).start()
    try:
        await _load(app, slack, slack_server.url, work)
    finally:
        app.terminate()
        assert app.wait(15) in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM after a clean shutdown
        assert "Application shutdown complete." in app.log()
        app.stop()
        slack_server.stop()
        calls = tencent.calls()
    assert calls and all(code != 60007 for _, _, code in calls)
    listed = sorted(at for endpoint, at, _ in calls if endpoint.endswith("get_appid_group_list"))
    gaps = [b - a for a, b in itertools.pairwise(listed)]
    assert len(listed) == len(LIST_QUERIES) and all(gap >= 0.95 for gap in gaps), gaps
    print(f"load: {len(calls)} Tencent calls, {len(listed)} to get_appid_group_list, gaps {gaps}")


async def _load(app: AppProcess, slack: FakeSlack, slack_url: str, work: list[tuple[str, str]]) -> None:
    keys = [uuid.uuid4().hex for _ in work]
    users = [f"U0LOAD{i % 10}" for i in range(TOTAL)]

    async def one(http: aiohttp.ClientSession, i: int) -> tuple[int, float]:
        command, text = work[i]
        body = command_body(command, text, response_url=f"{slack_url}/hooks/{keys[i]}", user=users[i])
        started = time.monotonic()
        url = f"{app.url}/slack/events"
        async with http.post(url, data=body, headers=signed_headers(body)) as answer:
            await answer.read()
            return answer.status, time.monotonic() - started

    # aiohttp as the load generator: httpx's pool alone takes ~2 s to open 300 connections at once.
    started = time.monotonic()
    connector = aiohttp.TCPConnector(limit=TOTAL)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        acks = await asyncio.gather(*(one(http, i) for i in range(TOTAL)))
    ack_spread = time.monotonic() - started
    statuses = Counter(status for status, _ in acks)
    assert statuses == {200: TOTAL}, (statuses, app.log()[-6000:])
    slowest_ack = max(seconds for _, seconds in acks)
    assert slowest_ack < 3.0, f"slowest ack {slowest_ack:.2f} s"

    deadline = time.monotonic() + 40
    while len(slack.posts) < TOTAL and time.monotonic() < deadline:  # noqa: ASYNC110 - another thread fills it
        await asyncio.sleep(0.05)
    all_answered = time.monotonic() - started
    await asyncio.sleep(0.3)  # a duplicate would arrive now

    per_key = Counter(key for key, _ in slack.posts)
    assert sorted(per_key) == sorted(keys), f"{TOTAL - len(per_key)} answers lost"
    assert set(per_key.values()) == {1}, "an answer was posted twice"
    for key, payload in slack.posts:
        command = work[keys.index(key)][0]
        text = payload["text"]
        assert not any(mark in text for mark in (":warning:", ":boom:", ":no_entry:")), (command, text)

    log = app.log().splitlines()
    problems = [line for line in log if line.startswith(("WARNING", "ERROR", "CRITICAL"))]
    assert problems == []
    audits = [line for line in log if "timbot.audit:" in line]
    assert len(audits) == TOTAL and all("outcome=ok delivered=yes" in line for line in audits)

    assert slack.calls.count("users.info") <= 10  # one per user: a burst shares the guest check
    print(
        f"\nload: {TOTAL} commands, acks sent in {ack_spread:.2f} s (slowest {slowest_ack:.2f} s), "
        f"all answered in {all_answered:.2f} s"
    )
