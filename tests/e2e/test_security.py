"""Forged, stale and foreign requests are refused before any Tencent call; guests are refused politely."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import Stack
from tests.slack.fakes import OTHER_TEAM, command_body, signed_headers


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
