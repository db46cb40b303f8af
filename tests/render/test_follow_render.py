"""Follow elements as rendered: a row's button or overflow menu, or the page's select, within Block Kit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.render.checker import check
from timbot.answer import command_page
from timbot.commands.follow import decode_follow, follows_of, group_follows, user_follows
from timbot.commands.results import FriendsPage, GroupsPage, NamedList
from timbot.console.terminal import render_message
from timbot.render import render_page
from timbot.tim.client import TimClient
from timbot.tim.models import GroupInfo

LIVE = "@TGS#a8GR2rdB4"
HOSTILE = "@TGS#1HEXFL0E2"
HOSTILE_IDS = ["<!channel>", "<@U123>", "&amp;", "*bold*_x_", "<https://x|y>", "@TGS#_" + "<" * 58]


def _selects(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in data["blocks"] if b["type"] == "actions" for e in b["elements"]
            if e["type"] == "static_select"]


def _accessories(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [b["accessory"] for b in data["blocks"] if "accessory" in b]


def _groups_page(ids: list[str], kind: str = "Public", name: str = "x") -> GroupsPage:
    infos = {gid: GroupInfo(group_id=gid, name=name, type=kind, member_num=3) for gid in ids}
    return GroupsPage(header="/im-groups", number=1, group_type=None, group_ids=ids, total=len(ids), pages=1,
                      infos=infos, follows=follows_of((gid, group_follows(gid, kind)) for gid in ids))


def test_one_option_is_a_button_several_an_overflow_menu() -> None:
    data = check(render_page(_groups_page([HOSTILE])))
    (button,) = _accessories(data)
    assert button["type"] == "button" and button["text"]["text"] == "Details"
    assert button["action_id"] == "timbot_follow" and decode_follow(button["value"]) == ("/im-group", HOSTILE)
    data = check(render_page(_groups_page([LIVE], "AVChatRoom")))
    (menu,) = _accessories(data)
    assert menu["type"] == "overflow" and [o["text"]["text"] for o in menu["options"]] == [
        "Details", "Online members"]
    assert decode_follow(menu["options"][1]["value"]) == ("/im-room", LIVE)
    assert not _selects(data)
    text = render_message(data)
    assert "[1.1] Details   [1.2] Online members" in text


@pytest.mark.parametrize("size", [1, 46, 47])
def test_rows_that_fit_are_sections_of_their_own(size: int) -> None:
    data = check(render_page(_groups_page([f"@TGS#g{i}" for i in range(size)])))
    assert len(_accessories(data)) == size and not _selects(data)


@pytest.mark.parametrize("size", [48, 100])
def test_too_many_rows_are_packed_with_one_select(size: int) -> None:
    data = check(render_page(_groups_page([f"@TGS#g{i}" for i in range(size)], "AVChatRoom")))
    assert not _accessories(data) and len(data["blocks"]) < 10
    (select,) = _selects(data)
    assert select["placeholder"]["text"].startswith("Follow a row…")
    assert len(select["options"]) == min(100, 2 * size)
    assert select["options"][1]["text"]["text"] == "Online members · @TGS#g0"
    if 2 * size > 100:
        assert f"the first 100 of {2 * size} options" in select["placeholder"]["text"]
    assert "[menu: Follow a row…" in render_message(data)


def test_hostile_ids_and_names_stay_plain_text_within_limits() -> None:
    ids = [*HOSTILE_IDS, *(f"@TGS#_{i:02d}" + "&" * 56 for i in range(60))]
    for page in (_groups_page(HOSTILE_IDS, name="<!channel> *x*"), _groups_page(ids, name="<!here>")):
        data = check(render_page(page))
        options = [o for s in _selects(data) for o in s["options"]] or [
            o for a in _accessories(data) for o in a.get("options", [a])]
        assert options
        for option in options:
            assert option["text"]["type"] == "plain_text" and len(option["text"]["text"]) <= 75
    live = check(render_page(_groups_page(ids, "AVChatRoom")))
    long_option = _selects(live)[0]["options"][-1]["text"]["text"]
    assert long_option.endswith("…") and len(long_option) == 75


def test_forty_friends_under_ten_headings_are_packed() -> None:
    friends = [f"friend_{i:02d}" for i in range(40)]
    lists = [NamedList(name=f"list {n}", found=True, friend_number=4, friends=friends[4 * n : 4 * n + 4],
                       first_index=0) for n in range(10)]
    page = FriendsPage(header="/im-friends leckie", number=1, lists=lists, total_friends=40, pages=1,
                       follows=follows_of((f, user_follows(f)) for f in friends))
    data = check(render_page(page))
    (select,) = _selects(data)
    assert len(select["options"]) == 80 and select["placeholder"]["text"] == "Follow a row…"
    assert select["options"][0]["text"]["text"] == "Groups joined · friend_00"
    shared = render_page(page, shared_by="U0ALICE").to_dict()
    assert not _selects(shared) and not any(b["type"] == "actions" for b in shared["blocks"])


@pytest.mark.parametrize(("command", "text"), [
    ("/im-groups", "--limit 100"), ("/im-groups", "--limit 47"), ("/im-groups", "--limit 48"),
    ("/im-joined", "leckie --huge --limit 100"), ("/im-joined", "leckie --limit 47"),
    ("/im-group", HOSTILE), ("/im-group", LIVE), ("/im-room", LIVE), ("/im-friends", "leckie Family Work"),
    ("/im-group", f"{HOSTILE} {LIVE} @TGS#nope"),
])
async def test_emulator_pages_at_every_size_stay_within_limits(client: TimClient, command: str,
                                                                text: str) -> None:
    page = await command_page(client, command, text)
    for share in (False, True):
        data = check(render_page(page, share=share))
        rows = len(_accessories(data)) + sum(len(s["options"]) for s in _selects(data))
        assert rows > 0
        assert render_message(data)


async def test_the_hostile_groups_page_has_a_row_for_the_owner_and_each_member(client: TimClient) -> None:
    page = await command_page(client, "/im-group", HOSTILE)
    data = check(render_page(page))
    accessories = _accessories(data)
    assert len(accessories) == 1 + len(page.members) and all(a["type"] == "overflow" for a in accessories)
    owner = next(b for b in data["blocks"]
                 if b["type"] == "section" and b.get("text", {}).get("text", "").startswith("*Owner*"))
    assert decode_follow(owner["accessory"]["options"][0]["value"])[0] == "/im-joined"
    assert "&lt;!channel&gt;" in data["blocks"][2]["text"]["text"]
