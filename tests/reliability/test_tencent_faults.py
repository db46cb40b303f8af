"""Tencent failing in every way the emulator can script, through the real app.

Each case ends in the data when a retry can get it, otherwise in a message saying what happened and what to
do; the ack always leaves within 3 s and the answer arrives within a bounded time."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.conftest import Stack
from tests.reliability.conftest import FAST, closed_port, running_stack, text_of
from timbot.emulator import Emulator
from timbot.tim.codes import CODES
from timbot.tim.retry import TENCENT_POLICY

GROUP = "club:chess-677"  # a small group: cheap to fetch and render
TRANSIENT = sorted(code for code, meaning in CODES.items() if meaning.kind == "transient")
#: The longest an answer may take with the FAST client: every try timing out, plus backoff and slack.
BOUND = FAST["max_tries"] * FAST["timeout"] + FAST["rate_limit_budget"] + 2.0
#: The five commands with an argument each, and the one Tencent API each calls.
COMMANDS = [
    ("/im-groups", "Private --limit 5", "get_appid_group_list"),
    ("/im-group", GROUP, "get_group_info"),
    ("/im-joined", "leckie --limit 5", "get_joined_group_list"),
    ("/im-room", "@TGS#a8GR2rdB4", "get_members"),
    ("/im-friends", "leckie", "sns/group_get"),
]


def ask(
    rig: Stack, command: str = "/im-group", text: str = GROUP, endpoint: str = "get_group_info"
) -> tuple[dict[str, Any], float, int]:
    """Send a command; return its one answer, the seconds until it arrived, and the calls to ``endpoint``."""
    before = rig.emulator.call_count
    started = time.monotonic()
    message = rig.answer(rig.command(command, text), timeout=BOUND + 5)  # asserts the ack took < 3 s
    took = time.monotonic() - started
    assert took < BOUND, f"answered after {took:.1f} s"
    return message, took, sum(c.endpoint.endswith(endpoint) for c in rig.emulator.calls_since(before))


def is_data(message: dict[str, Any], item: str = GROUP) -> bool:
    return ":warning:" not in message["text"] and item in text_of(message)


@pytest.mark.parametrize("times", [1, 2, None], ids=["once", "twice", "always"])
@pytest.mark.parametrize("code", TRANSIENT)
def test_transient_codes(clean: Stack, code: int, times: int | None) -> None:
    clean.emulator.faults.error(code, times=times)
    message, _, calls = ask(clean)
    limit = 2 if code in TENCENT_POLICY.retry_once else int(FAST["max_tries"])
    if times is not None and times < limit:
        assert is_data(message), message["text"]
        assert calls == times + 1
    else:
        text = message["text"]
        assert f"{code}:" in text and "try again" in text.lower(), text
        assert calls == limit  # bounded retries, then the explanation


@pytest.mark.parametrize("times", [1, 2, None], ids=["once", "twice", "always"])
@pytest.mark.parametrize("status", [502, 503])
def test_gateway_errors(clean: Stack, status: int, times: int | None) -> None:
    clean.emulator.faults.http_status(status, times=times)
    message, _, calls = ask(clean)
    if times is not None:
        assert is_data(message) and calls == times + 1
    else:
        assert f"could not be reached (HTTP {status})" in message["text"]
        assert "try again" in message["text"] and calls == FAST["max_tries"]


def test_one_slow_answer_is_retried(clean: Stack) -> None:
    clean.emulator.faults.delay(FAST["timeout"] + 0.5, times=1)
    message, took, _ = ask(clean)
    assert is_data(message) and took >= FAST["timeout"]  # the first try timed out, the second had it


@pytest.mark.parametrize("seconds", [FAST["timeout"] + 0.5, 3.0], ids=["slower-than-timeout", "hangs"])
def test_always_slow_gives_up_in_bounded_time(clean: Stack, seconds: float) -> None:
    clean.emulator.faults.delay(seconds, times=None)
    message, took, _ = ask(clean)
    assert f"timed out after {FAST['timeout']:g} s" in message["text"] and "try again" in message["text"]
    assert took >= FAST["max_tries"] * FAST["timeout"]  # every try waited its full timeout, then gave up


def test_connection_refused() -> None:
    with running_stack(Emulator(seed=0), tim_base_url=f"http://127.0.0.1:{closed_port()}") as rig:
        message = rig.answer(rig.command("/im-group", GROUP), timeout=BOUND)
        text = message["text"]
        assert "could not be reached (connection failed" in text and "try again" in text, text
        assert rig.settle() == 0


@pytest.mark.parametrize("times", [1, None], ids=["once", "always"])
@pytest.mark.parametrize("fault", ["bad_json", "missing_fields"])
def test_unreadable_answers(clean: Stack, fault: str, times: int | None) -> None:
    getattr(clean.emulator.faults, fault)(times=times)
    message, _, _ = ask(clean)
    text = message["text"]
    if times is not None and is_data(message):
        return  # a retry got the data: fine too
    expected = "the body is not JSON" if fault == "bad_json" else "the body has no ErrorCode"
    assert f"sent an answer timbot cannot read ({expected})" in text and "try again" in text, text


@pytest.mark.parametrize("times", [1, None], ids=["once", "always"])
def test_rate_limited(clean: Stack, times: int | None) -> None:
    clean.emulator.faults.error(60007, times=times)
    message, took, _ = ask(clean)
    if times == 1:
        assert is_data(message) and took >= FAST["rate_limit_wait"] * 0.9  # waited, then got it
    else:
        assert "60007:" in message["text"] and "try again in a moment" in message["text"]


@pytest.mark.parametrize(("command", "text", "endpoint"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_command_explains_a_failing_tencent(
    clean: Stack, command: str, text: str, endpoint: str
) -> None:
    code = 30006 if endpoint.startswith("sns/") else 10002
    clean.emulator.faults.error(code, times=None, endpoint=endpoint)
    message, _, calls = ask(clean, command, text, endpoint)
    assert ":warning:" in message["text"] and "try again" in message["text"], message["text"]
    assert calls == FAST["max_tries"]
    clean.emulator.faults.clear()
    message, _, _ = ask(clean, command, text)  # and the next try, with Tencent back, has the data
    assert ":warning:" not in message["text"], message["text"]


#: The data each command's API answers with, dropped from an otherwise successful answer.
DATA_FIELDS = {
    "get_appid_group_list": ("GroupIdList", "Next", "TotalCount"),
    "get_group_info": ("GroupInfo",),
    "get_joined_group_list": ("GroupIdList", "TotalCount"),
    "get_members": ("MemberList",),
    "sns/group_get": ("ResultItem",),
}


@pytest.mark.parametrize(("command", "text", "endpoint"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_answers_without_their_data(clean: Stack, command: str, text: str, endpoint: str) -> None:
    """ErrorCode 0 but the data missing: never "went wrong". The response models read an absent list as
    empty (Tencent leaves empty lists out of some answers), so four commands show an empty page; only
    get_group_info, which must answer for every group asked, says it cannot read the answer."""
    clean.emulator.faults.missing_fields(*DATA_FIELDS[endpoint], times=None, endpoint=endpoint)
    message, _, _ = ask(clean, command, text, endpoint)
    shown = message["text"]
    assert ":boom:" not in shown and "went wrong" not in shown, shown
    if endpoint == "get_group_info":
        assert ":warning:" in shown and "cannot read" in shown, shown
    else:
        assert ":warning:" not in shown and ("No " in text_of(message) or "0 " in shown), shown
