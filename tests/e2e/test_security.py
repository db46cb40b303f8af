"""Forged, stale and foreign requests are refused before any Tencent call; guests are refused politely."""

from __future__ import annotations

import logging
import time

import pytest

from tests.e2e.conftest import Stack
from tests.slack.fakes import BOT_TOKEN, OTHER_TEAM, SIGNING_SECRET, command_body, signed_headers


def _forged(stack: Stack, headers: dict[str, str], body: str) -> None:
    before = len(stack.emulator.calls)
    answer = stack.http.post(f"{stack.app_url}/slack/events", content=body, headers=headers)
    assert answer.status_code == 401
    time.sleep(0.2)
    assert len(stack.emulator.calls) == before
    assert stack.slack.posts_for("forged") == []


def _body() -> str:
    return command_body("/im-groups", "Public", response_url="http://127.0.0.1:9/hooks/forged")


def test_unsigned_refused(fresh: Stack) -> None:
    _forged(fresh, {"content-type": "application/x-www-form-urlencoded"}, _body())


def test_wrong_secret_refused(fresh: Stack) -> None:
    _forged(fresh, signed_headers(_body(), secret="not-the-secret"), _body())


def test_stale_timestamp_refused(fresh: Stack) -> None:
    _forged(fresh, signed_headers(_body(), timestamp=int(time.time()) - 301), _body())


def test_swapped_body_refused(fresh: Stack) -> None:
    other = command_body("/im-groups", "Private", response_url="http://127.0.0.1:9/hooks/forged")
    _forged(fresh, signed_headers(other), _body())


@pytest.mark.parametrize("flag", ["is_restricted", "is_ultra_restricted"])
def test_guest_refused_without_tencent_call(fresh: Stack, flag: str) -> None:
    user = f"U0GUEST{flag[-5:].upper()}"
    fresh.slack.users[user] = {"id": user, "team_id": "T0HOME", flag: True}
    before = len(fresh.emulator.calls)
    message = fresh.answer(fresh.command("/im-groups", "", user=user))
    assert "guest" in message["text"].lower()
    assert message["response_type"] == "ephemeral" and message["replace_original"] is False
    assert len(fresh.emulator.calls) == before


def test_other_team_click_refused(fresh: Stack) -> None:
    before = len(fresh.emulator.calls)
    message = fresh.answer(fresh.click("timbot_next", "anything", user="U0STRANGER", user_team=OTHER_TEAM))
    assert "other teams" in message["text"]
    assert message["replace_original"] is False
    assert len(fresh.emulator.calls) == before


def test_users_info_failure_fails_closed(fresh: Stack) -> None:
    fresh.slack.users_info_fails = True
    before = len(fresh.emulator.calls)
    message = fresh.answer(fresh.command("/im-groups", "", user="U0NEWCOMER"))
    assert "could not check your account" in message["text"]
    assert len(fresh.emulator.calls) == before


def test_healthz(stack: Stack) -> None:
    answer = stack.http.get(f"{stack.app_url}/healthz")
    assert answer.status_code == 200 and answer.text == "ok"


def test_audit_lines(fresh: Stack, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "timbot.audit")
    fresh.slack.users["U0GUESTAUDIT"] = {"id": "U0GUESTAUDIT", "team_id": "T0HOME", "is_restricted": True}
    refused = fresh.command("/im-groups", "Public", user="U0GUESTAUDIT", channel="C0AUDIT")
    fresh.answer(refused)
    served = fresh.command("/im-group", "@TGS#3GSW2YAIR", channel="C0AUDIT")
    fresh.answer(served)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len([r for r in caplog.records if "C0AUDIT" in r.getMessage()]) < 2:
        time.sleep(0.05)
    lines = [
        r.getMessage() for r in caplog.records if r.name == "timbot.audit" and "C0AUDIT" in r.getMessage()
    ]
    assert len(lines) == 2
    assert "user=U0GUESTAUDIT team=T0HOME" in lines[0] and "outcome=refused:guest" in lines[0]
    assert (
        "/im-group '@TGS#3GSW2YAIR'" in lines[1] and "outcome=ok" in lines[1] and "delivered=yes" in lines[1]
    )
    assert all("hooks" not in line and SIGNING_SECRET not in line and BOT_TOKEN not in line for line in lines)
