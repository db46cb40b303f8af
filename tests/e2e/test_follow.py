"""Follow a result through the real app: each row's button or menu answers what typing its command would,
in a new ephemeral message; guests are refused and a tampered value expires, neither calling Tencent."""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
import uuid
from typing import Any

import pytest

from tests.e2e.conftest import Sent, Stack, buttons
from tests.slack.fakes import click_payload, signed_headers
from timbot.commands.follow import decode_follow


def _follow(stack: Stack, option: dict[str, Any], *, user: str = "U0ALICE") -> Sent:
    """Click a follow element as Slack sends it: a button's ``value``, or a menu's ``selected_option``."""
    key = uuid.uuid4().hex
    payload = click_payload("timbot_follow", option["value"], response_url=f"{stack.slack_url}/hooks/{key}",
                            user=user)
    if option.get("type") != "button":  # an overflow menu's (or a select's) option
        payload["actions"] = [{"action_id": "timbot_follow", "block_id": "b", "type": "overflow",
                               "selected_option": {"text": option["text"], "value": option["value"]},
                               "action_ts": "1.2"}]
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    started = time.monotonic()
    answer = stack.http.post(f"{stack.app_url}/slack/events", content=body, headers=signed_headers(body))
    return Sent(answer.status_code, time.monotonic() - started, key, body)


def _options(block: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A row's follow options by label (a button is its own one option)."""
    element = block["accessory"]
    if element["type"] == "button":
        return {element["text"]["text"]: element}
    return {option["text"]["text"]: option for option in element["options"]}


def _rows(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in message["blocks"] if "accessory" in block]


def _audited(caplog: pytest.LogCaptureFixture, *needles: str, timeout: float = 10.0) -> bool:
    """Whether an audit line holding every one of ``needles`` is written within ``timeout`` (it follows
    the post)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(all(n in r.getMessage() for n in needles) for r in list(caplog.records)):
            return True
        time.sleep(0.05)
    return False


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in block.items() if k != "block_id"} for block in message["blocks"]]


def _followed(stack: Stack, option: dict[str, Any], command: str) -> dict[str, Any]:
    """Follow ``option``: posted as a new ephemeral message, the same as typing the command it names."""
    got_command, text = decode_follow(option["value"])
    assert got_command == command
    answer = stack.answer(_follow(stack, option))
    assert answer["response_type"] == "ephemeral" and answer["replace_original"] is False
    typed = stack.answer(stack.command(command, text))
    assert _blocks(answer) == _blocks(typed) and answer["text"] == typed["text"]
    return answer


def test_a_walk_from_the_groups_to_an_owners_friend_lists(
    fresh: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "timbot.audit")
    groups = fresh.answer(fresh.command("/im-groups", ""))
    first = _options(_rows(groups)[0])
    assert "Details" in first
    details = _followed(fresh, first["Details"], "/im-group")
    members = [b for b in _rows(details) if not b["text"]["text"].startswith("*Owner*")]
    assert members and set(_options(members[0])) == {"Groups joined", "Friend lists"}
    joined = _followed(fresh, _options(members[0])["Groups joined"], "/im-joined")
    group = _followed(fresh, _options(_rows(joined)[0])["Details"], "/im-group")
    owner = next(b for b in _rows(group) if b["text"]["text"].startswith("*Owner*"))
    lists = _followed(fresh, _options(owner)["Friend lists"], "/im-friends")
    assert "friend list" in lists["text"]
    assert _audited(caplog, "what=follow /im-group ", "outcome=ok")
    assert _audited(caplog, "what=follow /im-friends ", "outcome=ok")


def test_a_live_rooms_online_members(fresh: Stack) -> None:
    cards = fresh.answer(fresh.command("/im-group", "@TGS#1HEXFL0E2 @TGS#a8GR2rdB4"))
    live = _options(_rows(cards)[1])
    assert list(live) == ["Details", "Online members"] and list(_options(_rows(cards)[0])) == ["Details"]
    _followed(fresh, live["Online members"], "/im-room")


@pytest.mark.parametrize("flag", ["is_restricted", "is_ultra_restricted"])
def test_a_guests_follow_is_refused_without_a_tencent_call(fresh: Stack, flag: str) -> None:
    user = f"U0GUESTF{flag[-5:].upper()}"
    fresh.slack.users[user] = {"id": user, "team_id": "T0HOME", flag: True}
    before = len(fresh.emulator.calls)
    option = {"type": "button", "value": "f1|d|@TGS#1HEXFL0E2"}
    message = fresh.answer(_follow(fresh, option, user=user))
    assert "guest" in message["text"].lower() and message["replace_original"] is False
    assert len(fresh.emulator.calls) == before


@pytest.mark.parametrize("value", ["f2|d|@TGS#1HEXFL0E2", "f1|z|@TGS#1HEXFL0E2", "f1|j|not a user", "x"])
def test_a_tampered_follow_value_expires_without_a_tencent_call(
    fresh: Stack, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "timbot.audit")
    before = len(fresh.emulator.calls)
    message = fresh.answer(_follow(fresh, {"type": "overflow", "value": value, "text": {
        "type": "plain_text", "text": "Details"}}))
    assert message["response_type"] == "ephemeral" and "this result has expired" in message["text"]
    assert message["replace_original"] is False
    assert len(fresh.emulator.calls) == before
    assert _audited(caplog, "what=follow expired value", "outcome=expired")


def _menu_options(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every follow option of a message: row buttons, overflow options and the page select's options."""
    found: list[dict[str, Any]] = []
    for block in message["blocks"]:
        elements = [block["accessory"]] if "accessory" in block else block.get("elements", [])
        for element in elements:
            if element.get("action_id") != "timbot_follow":
                continue
            found.extend([element] if element["type"] == "button" else element["options"])
    return found


def test_hostile_names_never_reach_a_menu_and_every_option_fits(fresh: Stack) -> None:
    from tests.acceptance.blockkit import check_message
    from timbot.emulator.names import HOSTILE_NAMES

    hostile = [g for g in fresh.emulator.data.groups if g.name in HOSTILE_NAMES]
    assert len(hostile) >= 10
    cards = fresh.answer(fresh.command("/im-group", " ".join(g.group_id for g in hostile)))
    listed = fresh.answer(fresh.command("/im-groups", "Public --limit 100"))  # packed: one select
    messages = [cards, listed]
    while "timbot_next" in buttons(messages[-1]):
        messages.append(fresh.answer(fresh.click("timbot_next", buttons(messages[-1])["timbot_next"])))
    assert len(messages) == 1 + 9  # the cards, then 900 Public groups at 100 a page
    shown = {g.group_id for g in hostile if g.type == "Public"}
    seen: set[str] = set()
    for message in messages:
        check_message(message)
        for option in _menu_options(message):
            text = option["text"]
            assert text["type"] == "plain_text" and 0 < len(text["text"]) <= 75
            assert not any(name in text["text"] for name in HOSTILE_NAMES if len(name) > 3), text["text"]
            decode_follow(option["value"])  # a value the app answers
            target = option["value"].split("|", 2)[2]
            seen.add(target)
            assert target in text["text"] or option.get("type") == "button"  # a packed option names its row
        assert "<!" not in json.dumps(message["blocks"]).replace("<!date^", "")  # nothing can ping
    assert shown <= seen
