"""End to end: three ``uvicorn timbot.asgi:app`` processes sharing one Redis, the emulator as Tencent with its
rate limits on, a fake Slack. A burst across them keeps Tencent's 1/s; an answer of one is a cache hit in
the others; concurrent identical commands make one call; Redis stopped and started mid-run; a closed port."""

from __future__ import annotations

import itertools
import signal
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis

from tests.conftest import redis_problems
from tests.e2e.conftest import backends
from tests.redisserver import RedisServer
from tests.reliability.conftest import AppProcess, closed_port
from tests.slack.fakes import FakeSlack, command_body, signed_headers
from timbot.emulator import DEMO_SDKAPPID, Emulator

LIST = "group_open_http_svc/get_appid_group_list"
JOINED = "group_open_http_svc/get_joined_group_list"
PREFIX = "e2e:"


@dataclass
class Cluster:
    """Three app processes, their Redis, Tencent (the emulator, in this process) and Slack."""

    apps: list[AppProcess]
    redis: RedisServer
    emulator: Emulator
    slack: FakeSlack
    slack_url: str

    def send(self, app: int, command: str, text: str) -> str:
        """Send a signed command to app ``app``; its response_url key (the ack checked: 200 within 3 s)."""
        key = uuid.uuid4().hex
        body = command_body(command, text, response_url=f"{self.slack_url}/hooks/{key}",
                            user=f"U0E2E{app}")
        started = time.monotonic()
        answer = httpx.post(f"{self.apps[app].url}/slack/events", content=body,
                            headers=signed_headers(body), timeout=10)
        assert answer.status_code == 200 and time.monotonic() - started < 3.0
        return key

    def answers(self, sent: list[tuple[int, str, str]], timeout: float = 20.0) -> list[dict[str, Any]]:
        """Send every ``(app, command, text)`` at once; the one message each got, in order."""
        with ThreadPoolExecutor(len(sent)) as pool:
            keys = list(pool.map(lambda s: self.send(*s), sent))
        return [self.slack.wait_posts(key, 1, timeout)[0] for key in keys]

    def calls(self, endpoint: str, since: int) -> list[Any]:
        return [c for c in self.emulator.calls_since(since) if c.endpoint == endpoint]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    emulator = Emulator(seed=0, enforce_rate_limits=True)
    with backends(emulator) as (tencent_url, slack, slack_url), RedisServer() as redis:
        env = {"REDIS_URL": redis.url, "TIMBOT_REDIS_PREFIX": PREFIX, "PYTHONFAULTHANDLER": "1"}
        apps = [AppProcess(tencent_url=tencent_url, slack_url=slack_url, env=env) for _ in range(3)]
        try:
            try:
                with ThreadPoolExecutor(3) as pool:
                    list(pool.map(AppProcess.start, apps))
            except AssertionError:  # one did not start: show where each one is (faulthandler's dump)
                for app in apps:
                    if app.process is not None and app.process.poll() is None:
                        app.process.send_signal(signal.SIGABRT)
                        app.process.wait(5)
                raise AssertionError("\n=====\n".join(app.log()[-4000:] for app in apps)) from None
            yield Cluster(apps=apps, redis=redis, emulator=emulator, slack=slack, slack_url=slack_url)
            problems = redis_problems(redis.url)  # every key and value left, after all the tests
            assert not problems, problems
            keys = redis_keys(redis.url)
            assert keys and all(k.startswith(f"{PREFIX}{DEMO_SDKAPPID}:") for k in keys), keys
            assert any(k == f"{PREFIX}{DEMO_SDKAPPID}:slack-user:T0HOME:U0E2E0" for k in keys)
        finally:
            for app in apps:
                app.stop()


def redis_keys(url: str) -> list[str]:
    client = redis.Redis.from_url(url)
    try:
        return [k.decode() for k in client.scan_iter(count=500)]
    finally:
        client.close()


def shown(message: dict[str, Any]) -> str:
    return f"{message.get('text', '')} {message.get('blocks', '')}"


def test_a_burst_across_three_processes_keeps_one_call_a_second(cluster: Cluster) -> None:
    since = cluster.emulator.call_count
    types = ("Public", "Private", "ChatRoom", "AVChatRoom", "Community", "")
    messages = cluster.answers([(i % 3, "/im-groups", kind) for i, kind in enumerate(types)])
    assert all("wrong" not in shown(m) and "60007" not in shown(m) for m in messages)
    listed = cluster.calls(LIST, since)
    assert len(listed) == len(types) and all(c.code == 0 for c in listed), [c.code for c in listed]
    gaps = [b.at - a.at for a, b in itertools.pairwise(sorted(listed, key=lambda c: c.at))]
    assert min(gaps) >= 1.0, gaps
    assert all(c.code != 60007 for c in cluster.emulator.calls_since(since))


def test_an_answer_of_one_process_is_a_cache_hit_in_the_others(cluster: Cluster) -> None:
    user = cluster.emulator.data.users[0]
    since = cluster.emulator.call_count
    first = cluster.answers([(0, "/im-joined", user)])[0]
    assert len(cluster.calls(JOINED, since)) == 1
    again = cluster.answers([(1, "/im-joined", user), (2, "/im-joined", user)])
    assert len(cluster.calls(JOINED, since)) == 1  # no new call
    assert all(m["blocks"] == first["blocks"] for m in again)


def test_concurrent_identical_commands_in_three_processes_make_one_call(cluster: Cluster) -> None:
    user = cluster.emulator.data.users[1]
    since = cluster.emulator.call_count
    messages = cluster.answers([(i, "/im-joined", f"{user} --limit 5") for i in range(3)])
    assert len({str(m["blocks"]) for m in messages}) == 1
    assert len(cluster.calls(JOINED, since)) == 1


def test_redis_stopped_and_started_mid_run(cluster: Cluster) -> None:
    users = cluster.emulator.data.users[2:12]
    cluster.redis.stop()
    try:
        during = cluster.answers([(i % 3, "/im-joined", users[i]) for i in range(6)])
        assert all(users[i] in shown(m) for i, m in enumerate(during))  # every command answered
        assert httpx.get(f"{cluster.apps[0].url}/healthz").status_code == 200
    finally:
        cluster.redis.start()
    for app in cluster.apps:  # one warning per outage, and each says it is back
        deadline = time.monotonic() + 10
        while "is back after" not in app.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert app.log().count("lost (") == 1 and "is back after" in app.log(), app.log()[-2000:]
    since = cluster.emulator.call_count
    cluster.answers([(0, "/im-joined", users[8])])
    cluster.answers([(1, "/im-joined", users[8])])
    assert len(cluster.calls(JOINED, since)) == 1  # shared again


def test_a_closed_redis_port_at_start_up(cluster: Cluster) -> None:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    env = {"REDIS_URL": url, "TIMBOT_REDIS_PREFIX": PREFIX}
    app = AppProcess(tencent_url=cluster.apps[0].env["TIM_BASE_URL"], slack_url=cluster.slack_url, env=env)
    try:
        app.start()  # /healthz answers 200
        cluster.apps.append(app)
        message = cluster.answers([(3, "/im-joined", cluster.emulator.data.users[13])])[0]
        assert cluster.emulator.data.users[13] in shown(message)
        assert app.log().count("unreachable at start-up") == 1, app.log()
    finally:
        if app in cluster.apps:
            cluster.apps.remove(app)
        app.stop()
