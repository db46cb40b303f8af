"""Exports as jobs on a real Redis, run by real `timbot worker` processes: the web process restarted, a
worker killed mid-export (the next one runs it again and says so), cancel from the web process, and the
worker without REDIS_URL."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from saq import Job

from tests.conftest import scan_later
from tests.e2e.conftest import Stack, buttons, running_stack
from tests.redisserver import RedisServer
from tests.slack.fakes import BOT_TOKEN
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.settings import load_settings
from timbot.slack.queue import JOB_RETRIES, make_queue

ALICE = "U0ALICE"


@pytest.fixture
def stack(redis_server: RedisServer, redis_prefix: str) -> Iterator[Stack]:
    emulator = Emulator(seed=0)
    with running_stack(emulator, redis_url=redis_server.url, timbot_redis_prefix=redis_prefix,
                       timbot_export_heartbeat=3) as running:  # the job carries it: a 3 s heartbeat
        yield running


class Workers:
    """`timbot worker` processes started against the stack; all stopped at the end."""

    def __init__(self, stack: Stack, redis_url: str, prefix: str) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TIM_", "SLACK_", "TIMBOT_"))}
        self.env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=f"{stack.slack_url}/api/",
                        TIM_SDKAPPID=str(DEMO_SDKAPPID), TIM_SECRET_KEY=DEMO_KEY,
                        TIM_BASE_URL=stack.tencent_url,
                        REDIS_URL=redis_url, TIMBOT_REDIS_PREFIX=prefix, TIMBOT_EXPORT_HEARTBEAT="3")
        self.procs: list[subprocess.Popen[str]] = []

    def start(self) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-m", "timbot", "worker"], env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            _, err = proc.communicate(timeout=10)
            scan_later("timbot worker stderr", [err])


@pytest.fixture
def workers(stack: Stack, redis_server: RedisServer, redis_prefix: str) -> Iterator[Workers]:
    made = Workers(stack, redis_server.url, redis_prefix)
    yield made
    made.close()


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _channel(stack: Stack) -> str:
    def posted() -> bool:
        return ALICE in stack.slack.dms and bool(stack.slack.versions(stack.slack.dms[ALICE]))
    stack.slack.wait_for(posted, 20)
    return stack.slack.dms[ALICE]


def _latest(stack: Stack, channel: str) -> dict[str, Any]:
    return stack.slack.versions(channel)[-1][-1]


def test_worker_without_redis_stops_with_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    done = subprocess.run([sys.executable, "-m", "timbot", "worker"], env=env, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "REDIS_URL is not set" in done.stderr


def test_the_job_runs_on_the_worker_while_the_web_process_restarts(stack: Stack, workers: Workers) -> None:
    stack.emulator.faults.delay(0.3, times=None, endpoint="get_group_info")
    workers.start()
    answer = stack.answer(stack.command("/im-groups", "--csv"))
    assert "Export started (2,700 rows)" in answer["text"]
    busy = stack.answer(stack.command("/im-joined", "leckie --csv"))
    assert "already have an export running" in busy["text"]
    channel = _channel(stack)
    stack.server.stop()  # the web process goes away (a deploy); the job is the worker's
    stack.slack.wait_for(lambda: bool(stack.slack.shared_files(channel)), 60)
    rows = _rows(stack.slack.shared_files(channel)[0]["data"])
    assert [r["group_id"] for r in rows] == [g.group_id for g in stack.emulator.data.groups]
    stack.slack.wait_for(lambda: "Export finished" in _latest(stack, channel)["text"], 10)


def test_a_killed_worker_has_the_job_run_again_by_the_next(stack: Stack, workers: Workers) -> None:
    stack.emulator.faults.delay(0.8, times=None, endpoint="get_group_info")
    first = workers.start()
    stack.answer(stack.command("/im-groups", "--csv"))
    channel = _channel(stack)
    stack.slack.wait_for(lambda: "Exporting" in _latest(stack, channel)["text"], 20)
    first.send_signal(signal.SIGKILL)  # mid-export: no goodbye, the job is abandoned
    first.wait(10)
    left = Path(tempfile.gettempdir()) / f"timbot-exports-{first.pid}"
    assert left.is_dir()  # its export file, which it could not remove
    stack.emulator.faults.clear()
    started = time.monotonic()
    workers.start()
    stack.slack.wait_for(lambda: bool(stack.slack.shared_files(channel)), 60)
    took = time.monotonic() - started
    rows = _rows(stack.slack.shared_files(channel)[0]["data"])
    ids = [r["group_id"] for r in rows]
    assert len(ids) == len(set(ids)) == len(stack.emulator.data.groups)  # from the start, no duplicate
    texts = [v["text"] for v in stack.slack.versions(channel)[0]]
    assert any("restarted from the beginning" in t for t in texts), texts
    assert len(stack.slack.versions(channel)) == 1  # the same progress message, edited
    assert not left.exists()  # the next worker removed what the killed one left
    assert took < 20, took  # heartbeat (3 s) + a sweep (<= 5 s) + its abort wait (2 s) + start-up + the walk


def test_cancel_from_the_web_process_stops_the_worker_job(stack: Stack, workers: Workers) -> None:
    stack.emulator.faults.delay(0.8, times=None, endpoint="get_group_info")
    workers.start()
    stack.answer(stack.command("/im-groups", "--csv"))
    channel = _channel(stack)
    stack.slack.wait_for(lambda: "timbot_export_cancel" in str(_latest(stack, channel)), 20)
    value = buttons(_latest(stack, channel))["timbot_export_cancel"]
    stack.click("timbot_export_cancel", value)
    stack.slack.wait_for(lambda: "Export cancelled" in _latest(stack, channel)["text"], 20)
    assert not stack.slack.shared_files(channel)
    again = stack.answer(stack.command("/im-groups", "BChatRoom --csv"))  # the user's lock is released
    assert "Export started" in again["text"]


def test_a_stopped_worker_puts_the_job_back_without_using_a_try(stack: Stack, workers: Workers) -> None:
    stack.emulator.faults.delay(0.8, times=None, endpoint="get_group_info")
    workers.env["TIMBOT_WORKER_GRACE"] = "1"
    first = workers.start()
    stack.answer(stack.command("/im-groups", "--csv"))
    channel = _channel(stack)
    stack.slack.wait_for(lambda: "Exporting" in _latest(stack, channel)["text"], 20)
    first.send_signal(signal.SIGTERM)  # a deploy: the grace (1 s) is shorter than the export
    assert first.wait(20) == 0
    stack.emulator.faults.clear()
    workers.start()
    stack.slack.wait_for(lambda: bool(stack.slack.shared_files(channel)), 60)
    ids = [r["group_id"] for r in _rows(stack.slack.shared_files(channel)[0]["data"])]
    assert len(ids) == len(set(ids)) == len(stack.emulator.data.groups)
    assert any("restarted from the beginning" in v["text"] for v in stack.slack.versions(channel)[0])
    export_id = next(buttons(v)["timbot_export_cancel"] for v in stack.slack.versions(channel)[0]
                     if "timbot_export_cancel" in buttons(v))
    job = asyncio.run(_job(workers, export_id))
    assert job is not None and job.attempts == 2 and job.retries == JOB_RETRIES + 1  # the deploy's try back


async def _job(workers: Workers, key: str) -> Job | None:
    queue = make_queue(load_settings(redis_url=workers.env["REDIS_URL"], tim_sdkappid=DEMO_SDKAPPID,
                                     timbot_redis_prefix=workers.env["TIMBOT_REDIS_PREFIX"]))
    await queue.connect()
    try:
        return await queue.job(key)
    finally:
        await queue.disconnect()
