"""The task registry drains in-flight work on shutdown; the audit line says who, where, what, how it went."""

from __future__ import annotations

import asyncio
import logging

import pytest

from timbot.slack.audit import Incoming, audit
from timbot.slack.tasks import TaskRegistry


async def test_drain_waits_for_running_work_then_refuses() -> None:
    registry = TaskRegistry()
    finished: list[int] = []

    async def work(n: int, delay: float) -> None:
        await asyncio.sleep(delay)
        finished.append(n)

    registry.spawn(work(1, 0.05), name="a")
    registry.spawn(work(2, 0.1), name="b")
    assert len(registry) == 2
    assert await registry.drain(5.0) == 0
    assert sorted(finished) == [1, 2]
    assert registry.closing and len(registry) == 0


async def test_drain_cancels_after_grace() -> None:
    registry = TaskRegistry()
    registry.spawn(asyncio.sleep(30), name="stuck")
    assert await registry.drain(0.05) == 1
    assert len(registry) == 0


def test_audit_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "timbot.audit")
    incoming = Incoming(
        kind="command",
        user_id="U1",
        team_id="T1",
        channel_id="C1",
        what="/im-groups",
        text="Public\n" + "x" * 500,
        response_url="https://hooks.slack.com/commands/T1/SECRET",
    )
    audit(incoming, "tim:10010", delivered=True)
    (record,) = caplog.records
    line = record.getMessage()
    assert record.name == "timbot.audit"
    for part in (
        "user=U1",
        "team=T1",
        "channel=C1",
        "/im-groups",
        "'Public ",
        "outcome=tim:10010",
        "delivered=yes",
        "duration_ms=",
    ):
        assert part in line
    assert "SECRET" not in line and "hooks.slack.com" not in line
    assert "\n" not in line and len(line) < 400


def test_audit_click_logs_value_length_only(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "timbot.audit")
    body = {
        "type": "block_actions",
        "user": {"id": "U2", "team_id": "T2"},
        "channel": {"id": "C2"},
        "response_url": "https://hooks.slack.com/actions/x",
        "actions": [{"action_id": "timbot_next", "value": "opaque-cursor"}],
    }
    audit(Incoming.from_body(body), "ok", delivered=False)
    line = caplog.records[0].getMessage()
    assert "click user=U2 team=T2 channel=C2" in line and "button timbot_next (value 13 chars)" in line
    assert "opaque-cursor" not in line and "delivered=no" in line
