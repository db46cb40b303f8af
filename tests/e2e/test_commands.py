"""Every command answers through response_url; every paging style walks to the end and back."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Stack, buttons, mentions, visible_text
from timbot.emulator import api


def _walk(stack: Stack, command: str, text: str) -> list[dict[str, Any]]:
    """Run the command, click Next to the end, then Previous back to page 1; return forward + back pages."""
    page = stack.answer(stack.command(command, text))
    assert page["replace_original"] is False and page["response_type"] == "ephemeral"
    assert "timbot_prev" not in buttons(page)
    forward = [page]
    while "timbot_next" in buttons(page):
        assert len(forward) < 40, "paging does not end"
        page = stack.answer(stack.click("timbot_next", buttons(page)["timbot_next"]))
        assert page["replace_original"] is True
        assert "timbot_prev" in buttons(page)
        forward.append(page)
    back = [page]
    while "timbot_prev" in buttons(page):
        assert len(back) <= len(forward)
        page = stack.answer(stack.click("timbot_prev", buttons(page)["timbot_prev"]))
        assert page["replace_original"] is True
        back.append(page)
    back.reverse()
    assert len(back) == len(forward)
    return forward + back


def _each_once(pages: list[dict[str, Any]], items: list[str]) -> None:
    """Each item appears on exactly one page of the walk (checked separately forward and back)."""
    half = len(pages) // 2
    for direction in (pages[:half], pages[half:]):
        texts = [visible_text(page) for page in direction]
        where = {item: [i for i, text in enumerate(texts) if mentions(text, item)] for item in items}
        missing = [item for item, found in where.items() if not found]
        repeated = [item for item, found in where.items() if len(found) > 1]
        assert not missing, f"{len(missing)} never shown, e.g. {missing[:3]}"
        assert not repeated, f"{len(repeated)} shown twice, e.g. {repeated[:3]}"
    for forward, back in zip(pages[:half], pages[half:], strict=True):
        assert [i for i in items if mentions(visible_text(forward), i)] == [
            i for i in items if mentions(visible_text(back), i)
        ]


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/im-groups", ""),
        ("/im-group", "@TGS#17WEJ1OFM"),
        ("/im-joined", "leckie"),
        ("/im-room", "@TGS#a8GR2rdB4"),
        ("/im-friends", "leckie"),
        ("/im-groups", "help"),
        ("/im-joined", "--bogus"),
    ],
)
def test_every_command_answers(stack: Stack, command: str, text: str) -> None:
    message = stack.answer(stack.command(command, text))
    assert message["text"]
    assert message["response_type"] == "ephemeral"
    assert message["blocks"] and len(message["blocks"]) <= 50


def test_bad_input_answers_usage_without_tencent(stack: Stack) -> None:
    before = len(stack.emulator.calls)
    message = stack.answer(stack.command("/im-joined", "--bogus"))
    assert "/im-joined USER_ID" in message["text"] + visible_text(message)
    assert len(stack.emulator.calls) == before


def test_tampered_button_says_expired(stack: Stack) -> None:
    message = stack.answer(stack.click("timbot_next", "not-a-real-value"))
    assert "expired" in message["text"]


def test_walk_next_cursor_groups(stack: Stack) -> None:
    expected = [g.group_id for g in stack.emulator.data.groups if g.type == "BChatRoom"]
    pages = _walk(stack, "/im-groups", "BChatRoom --limit 25")
    assert len(pages) == 2 * 3
    _each_once(pages, expected)


def test_walk_offset_joined(stack: Stack) -> None:
    everything = api.get_joined_group_list(stack.emulator.data, {"Member_Account": "leckie"}, 500)
    expected = [item["GroupId"] for item in everything["GroupIdList"]]
    assert len(expected) > 100
    pages = _walk(stack, "/im-joined", "leckie --limit 100")
    assert len(pages) == 2 * -(-len(expected) // 100)
    _each_once(pages, expected)


def test_walk_timestamp_room(stack: Stack) -> None:
    data = stack.emulator.data
    room = data.by_id[data.showcase.live_room_id]
    mark = data.showcase.live_room_marks[-1]
    truth = api.get_members(data, {"GroupId": room.group_id, "Timestamp": 0, "Mark": mark}, 100_000)
    expected = [m["Member_Account"] for m in truth["MemberList"]]
    assert 25 < len(expected) < 400
    pages = _walk(stack, "/im-room", f"{room.group_id} --mark {mark}")
    _each_once(pages, expected)


def test_walk_group_members(stack: Stack) -> None:
    data = stack.emulator.data
    group = next(g for g in data.groups if g.type == "Public" and 45 <= g.size <= 80)
    expected = [m.account for m in data.members(group)]
    pages = _walk(stack, "/im-group", group.group_id)
    _each_once(pages, expected)


def test_walk_group_cards(stack: Stack) -> None:
    data = stack.emulator.data
    ids = [g.group_id for g in data.groups if g.type == "Private"][:23]
    pages = _walk(stack, "/im-group", " ".join(ids))
    assert len(pages) == 2 * 3
    _each_once(pages, ids)


def test_walk_friends(stack: Stack) -> None:
    data = stack.emulator.data
    lists, _ = data.friend_lists(data.showcase.user)
    chosen = [fl for fl in lists if " " not in fl.name and fl.friends][:5]
    friends = [f for fl in chosen for f in fl.friends]
    assert len(friends) > 40 and len(set(friends)) == len(friends)
    pages = _walk(stack, "/im-friends", " ".join([data.showcase.user, *(fl.name for fl in chosen)]))
    _each_once(pages, friends)
