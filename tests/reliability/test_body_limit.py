"""A request body over ``TIMBOT_MAX_BODY`` is refused with 413 before it is read, against the real app in its
own process (``uvicorn timbot.asgi:app``, as the Procfile runs it): by Content-Length at once, chunked as soon
as the count passes the bound, and a body that trickles in is dropped. Memory stays flat with ten at once; a
real signed click near the bound is still served."""

from __future__ import annotations

import json
import urllib.parse
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.bodies import send_body
from tests.e2e.conftest import backends, buttons
from tests.reliability.conftest import AppProcess
from tests.slack.fakes import FakeSlack, click_payload, command_body, signed_headers
from timbot.bodylimit import DEFAULT_MAX_BODY, DEFAULT_TIMEOUT
from timbot.emulator import Emulator

BIG = 200 * 1024 * 1024


def rss_mb(pid: int) -> float:
    """The process's resident memory, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class Running:
    def __init__(self, app: AppProcess, slack: FakeSlack, slack_url: str) -> None:
        self.app, self.slack, self.slack_url = app, slack, slack_url

    @property
    def pid(self) -> int:
        assert self.app.process is not None
        return self.app.process.pid


@pytest.fixture(scope="module")
def running() -> Iterator[Running]:
    with backends(Emulator(seed=0)) as (tencent_url, slack, slack_url):
        app = AppProcess(tencent_url=tencent_url, slack_url=slack_url).start()
        try:
            yield Running(app, slack, slack_url)
        finally:
            app.stop()


def test_ten_oversized_bodies_at_once_are_refused_without_reading_them(running: Running) -> None:
    before = rss_mb(running.pid)
    with ThreadPoolExecutor(20) as pool:
        declared = [pool.submit(send_body, "127.0.0.1", running.app.port, size=BIG) for _ in range(10)]
        chunked = [pool.submit(send_body, "127.0.0.1", running.app.port, size=BIG, chunked=True)
                   for _ in range(10)]
        peak = before
        while not all(f.done() for f in declared + chunked):
            peak = max(peak, rss_mb(running.pid))
        outcomes = [f.result() for f in declared], [f.result() for f in chunked]
    peak = max(peak, rss_mb(running.pid))
    for outcome in outcomes[0] + outcomes[1]:
        assert outcome.status == 413, outcome
        assert outcome.seconds < 3.0, outcome
    # by Content-Length: refused before the body is read, so the server took little more than the socket
    # buffers hold; chunked: it read up to the bound and stopped
    assert all(o.sent < 16 * 1024 * 1024 for o in outcomes[0]), outcomes[0]
    assert all(o.sent < 32 * 1024 * 1024 for o in outcomes[1]), outcomes[1]
    assert peak - before < 20, f"memory grew {peak - before:.1f} MB ({before:.1f} -> {peak:.1f})"
    assert httpx.get(f"{running.app.url}/healthz").text == "ok"
    log = running.app.log()
    assert log.count("refused POST /slack/events") >= 20, log
    assert "x" * 64 not in log  # no body content in the warnings
    slowest = max(o.seconds for o in outcomes[0] + outcomes[1])
    most = [max(o.sent for o in group) / 2**20 for group in outcomes]
    print(f"20 x 200 MB at once refused with 413, slowest {slowest:.2f} s; body sent before the refusal "
          f"at most {most[0]:.1f} MiB (Content-Length), {most[1]:.1f} MiB (chunked); memory {before:.1f} -> "
          f"peak {peak:.1f} MB")


def test_a_slow_body_is_dropped_within_the_bound(running: Running) -> None:
    outcome = send_body("127.0.0.1", running.app.port, size=100_000, piece=1_000, pause=0.5,
                        timeout=DEFAULT_TIMEOUT + 10)
    assert outcome.status == 408, outcome
    assert DEFAULT_TIMEOUT - 0.5 <= outcome.seconds < DEFAULT_TIMEOUT + 2, outcome
    assert "not received within" in running.app.log()
    print(f"slow body: 408 after {outcome.seconds:.2f} s, {outcome.sent} bytes sent")


def test_a_real_signed_click_of_900_kb_is_served(running: Running) -> None:
    first_key = uuid.uuid4().hex
    body = command_body("/im-groups", "--limit 5", response_url=f"{running.slack_url}/hooks/{first_key}")
    assert httpx.post(f"{running.app.url}/slack/events", content=body,
                      headers=signed_headers(body)).status_code == 200
    (page_1,) = running.slack.wait_posts(first_key, 1, 10)
    next_value = buttons(page_1)["timbot_next"]

    key = uuid.uuid4().hex
    payload = click_payload("timbot_next", next_value, response_url=f"{running.slack_url}/hooks/{key}")
    # Slack sends the message the button sits on; a long one (and its state) make the payload big
    payload["message"] = {"type": "message", "text": page_1["text"], "blocks": page_1["blocks"],
                          "metadata": {"padding": ""}}
    form = urllib.parse.urlencode({"payload": json.dumps(payload)})
    payload["message"]["metadata"]["padding"] = "a" * (900 * 1024 - len(form))
    form = urllib.parse.urlencode({"payload": json.dumps(payload)})
    assert 880 * 1024 < len(form) < DEFAULT_MAX_BODY, len(form)

    answer = httpx.post(f"{running.app.url}/slack/events", content=form, headers=signed_headers(form))
    assert answer.status_code == 200, answer.text
    (page_2,) = running.slack.wait_posts(key, 1, 10)
    assert "page 2 of" in page_2["text"] or "page 2" in json.dumps(page_2["blocks"]), page_2["text"]


def test_a_body_just_over_the_bound_is_refused_and_one_under_reaches_the_signature_check(
    running: Running,
) -> None:
    over = send_body("127.0.0.1", running.app.port, size=DEFAULT_MAX_BODY + 1)
    under = send_body("127.0.0.1", running.app.port, size=DEFAULT_MAX_BODY)
    assert over.status == 413
    assert under.status == 401  # read whole, then refused for its bad signature
