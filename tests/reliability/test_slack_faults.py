"""Slack failing around timbot: response_url refusing or slow, users.info down. Logged once, no crash,
no task left running, no duplicate answer, and never a Tencent call when the guest check cannot be made."""

from __future__ import annotations

import logging
import time

import pytest

from tests.e2e.conftest import Stack
from tests.slack.fakes import click_body, signed_headers

GROUP = "club:chess-677"


def _problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def _wait_audit(caplog: pytest.LogCaptureFixture, count: int = 1, timeout: float = 20.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [r.getMessage() for r in caplog.records if r.name == "timbot.audit"]
        if len(lines) >= count:
            return lines
        time.sleep(0.02)
    raise AssertionError("no audit line: the answer task never finished")


@pytest.mark.parametrize(("statuses", "delivered"), [([404], False), ([500] * 3, False), ([500], True)],
                         ids=["404", "500-always", "500-once"])
def test_response_url_refusing(
    clean: Stack, caplog: pytest.LogCaptureFixture, statuses: list[int], delivered: bool
) -> None:
    caplog.set_level(logging.INFO, "timbot")
    clean.slack.hook_status["refusing"] = list(statuses)
    sent = clean.command("/im-group", GROUP, key="refusing")
    assert sent.status == 200 and sent.seconds < 3
    (line,) = _wait_audit(caplog)
    assert f"delivered={'yes' if delivered else 'no'}" in line and "outcome=ok" in line
    assert len(clean.slack.posts_for("refusing")) == (1 if delivered else 0)
    problems = _problems(caplog)
    if delivered:
        assert problems == []
    else:
        assert len(problems) == 1 and f"HTTP {statuses[0]}" in problems[0], problems  # logged once
        assert "refusing" not in problems[0]  # the response_url is a bearer URL: host only
    assert clean.settle() == 0


def test_response_url_rate_limited_waits_what_retry_after_asks(
    clean: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "timbot")
    clean.slack.hook_status["busy"] = [429]
    clean.slack.hook_retry_after["busy"] = "1"
    started = time.monotonic()
    sent = clean.command("/im-group", GROUP, key="busy")
    assert sent.status == 200 and sent.seconds < 3
    assert len(clean.slack.wait_posts("busy", 1, timeout=10)) == 1
    assert time.monotonic() - started >= 0.9  # the 1 s asked, not the poster's 0.3 s backoff
    assert "delivered=yes" in _wait_audit(caplog)[0] and _problems(caplog) == []
    assert clean.settle() == 0


def test_response_url_slow_but_in_time(clean: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "timbot")
    clean.slack.hook_delay = 1.5
    sent = clean.command("/im-group", GROUP, key="slowhook")
    assert sent.status == 200 and sent.seconds < 3
    assert len(clean.slack.wait_posts("slowhook", 1, timeout=10)) == 1
    assert "delivered=yes" in _wait_audit(caplog)[0] and _problems(caplog) == []


def test_response_url_slower_than_the_poster_gives_up_once(
    clean: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack answering after the poster's 5 s timeout: the request was sent, so no retry (no duplicate)."""
    caplog.set_level(logging.INFO, "timbot")
    clean.slack.hook_delay = 5.5
    started = time.monotonic()
    sent = clean.command("/im-group", GROUP, key="tooslow")
    assert sent.status == 200 and sent.seconds < 3
    line = _wait_audit(caplog, timeout=20)[0]
    assert "delivered=no" in line and time.monotonic() - started < 10
    problems = _problems(caplog)
    assert len(problems) == 1 and "ReadTimeout" in problems[0], problems
    assert clean.settle() == 0
    time.sleep(0.7)  # let the fake finish its slow handler
    assert len(clean.slack.posts_for("tooslow")) <= 1, "the answer was posted more than once"


@pytest.mark.parametrize("kind", ["command", "click"])
def test_users_info_failing_fails_closed(clean: Stack, caplog: pytest.LogCaptureFixture, kind: str) -> None:
    caplog.set_level(logging.INFO, "timbot")
    clean.slack.users_info_fails = True
    user = f"U0DOWN{kind.upper()}"
    before = len(clean.emulator.calls)
    key = f"usersdown{kind}"
    if kind == "command":
        sent = clean.command("/im-group", GROUP, key=key, user=user)
        status, seconds = sent.status, sent.seconds
    else:
        body = click_body("timbot_next", "x", response_url=f"{clean.slack_url}/hooks/{key}", user=user)
        started = time.monotonic()
        status = clean.http.post(f"{clean.app_url}/slack/events", content=body,
                                 headers=signed_headers(body)).status_code
        seconds = time.monotonic() - started
    assert status == 200 and seconds < 3
    (message,) = clean.slack.wait_posts(key, 1)
    assert "could not check your account" in message["text"] and "Try again" in message["text"]
    assert message["response_type"] == "ephemeral"
    assert "refused:check-failed" in _wait_audit(caplog)[0]
    problems = _problems(caplog)
    assert len(problems) == 1 and "users.info failed" in problems[0], problems
    assert len(clean.emulator.calls) == before, "a Tencent call without a guest check"
    assert clean.settle() == 0


def test_users_info_slower_than_its_bound_fails_closed_in_time(
    clean: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "timbot")
    clean.slack.users_info_delay = 2.5  # over the 1.2 s timeout of Slack calls made before the ack
    before = len(clean.emulator.calls)
    sent = clean.command("/im-group", GROUP, key="usersslow", user="U0SLOWCHECK")
    assert sent.status == 200 and sent.seconds < 3, sent.seconds
    (message,) = clean.slack.wait_posts("usersslow", 1)
    assert "could not check your account" in message["text"]
    problems = _problems(caplog)
    assert len(problems) == 1 and "users.info failed" in problems[0] and "Timeout" in problems[0], problems
    assert len(clean.emulator.calls) == before
    assert clean.settle() == 0
