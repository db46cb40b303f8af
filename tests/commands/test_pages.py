"""Pages over a fake Tencent: every paging style walked to the end and back, fallbacks, call arguments."""

from __future__ import annotations

from typing import Any

import pytest

from tests.commands.fake import SEED_GROUP, FakeTim
from tests.render.checker import all_text, buttons, check
from timbot.answer import answer_click, answer_command
from timbot.commands.pages import fetch_page
from timbot.commands.parse import parse
from timbot.commands.queries import Query
from timbot.commands.results import (
    FriendsPage,
    GroupCardsPage,
    GroupPage,
    GroupsPage,
    JoinedPage,
    Page,
    RoomPage,
)
from timbot.commands.state import PageState, decode, first_state
from timbot.errors import ExpiredError, TimApiError, UsageError
from timbot.render import render_page


def _items(page: Page) -> list[str]:
    if isinstance(page, GroupsPage):
        return page.group_ids
    if isinstance(page, GroupPage):
        return [m.member_account for m in page.members]
    if isinstance(page, GroupCardsPage):
        return [g.group_id for g in page.groups]
    if isinstance(page, JoinedPage):
        return [g.group_id for g in page.groups]
    if isinstance(page, RoomPage):
        return [m.member_account for m in page.members]
    assert isinstance(page, FriendsPage)
    return [f for named in page.lists for f in named.friends]


def target(page: Page, action_id: str) -> PageState | None:
    """The state the page's ``action_id`` button leads to (decoded from its value), if it has that button."""
    value = next((b.value for b in page.buttons if b.action_id == action_id), None)
    return decode(value) if value is not None else None


async def walk(client: Any, command: str, text: str) -> tuple[list[str], list[Page]]:
    """Follow Next to the end through encoded button values, then Previous back to page 1."""
    query = parse(command, text)
    assert not hasattr(query, "command")
    page = await fetch_page(client, first_state(query))  # type: ignore[arg-type]
    pages = [page]
    while (nxt := target(page, "timbot_next")) is not None:
        check(render_page(page))
        page = await fetch_page(client, nxt)
        assert page.number == len(pages) + 1
        pages.append(page)
    check(render_page(page))
    back = page
    while (prev := target(back, "timbot_prev")) is not None:
        back = await fetch_page(client, prev)
        assert _items(back) == _items(pages[back.number - 1])
    assert back.number == 1
    return [item for p in pages for item in _items(p)], pages


async def test_groups_walk_every_id_once() -> None:
    fake = FakeTim()
    items, pages = await walk(fake, "/im-groups", "--limit 10")
    assert items == fake.group_ids
    assert len(pages) == 5 and all(isinstance(p, GroupsPage) and p.pages == 5 for p in pages)
    listed = [args for name, args in fake.calls if name == "get_appid_group_list"]
    # page 1 asks for its 10; then one chunk of 1,000 (whole pages of 10) from page 1's Next holds the
    # other 35: every later page and every Previous is served from those two answers
    assert listed[0] == {"group_type": None, "limit": 10, "next": 0}
    asked = {(args["limit"], args["next"]) for args in listed}
    assert len(asked) == 2 and (1000, listed[1]["next"]) in asked and listed[1]["next"] > 0


async def test_joined_walk_and_call_arguments() -> None:
    fake = FakeTim(joined=[{"GroupId": f"g{i}", "Name": f"n{i}", "Type": "Public", "MemberNum": i,
                            "SelfInfo": {"Role": "Member", "JoinTime": 1588148506}} for i in range(23)])
    items, pages = await walk(fake, "/im-joined", "leckie --type community --topics --huge --limit 5")
    assert items == [f"g{i}" for i in range(23)] and len(pages) == 5
    _, args = fake.calls[0]
    assert args["group_type"] == "Community" and args["support_topic"] and args["with_huge_groups"]
    assert not args["with_no_active_groups"] and args["limit"] == 5 and args["offset"] == 0
    assert "Name" in args["group_base_info_filter"] and list(args["self_info_filter"]) == ["Role", "JoinTime"]


async def test_room_walk_crosses_tencent_pages() -> None:
    fake = FakeTim(room=[{"Member_Account": f"m{i}", "JoinTime": 1657773110, "NickName": f"N{i}"}
                         for i in range(130)], room_page=60)
    items, pages = await walk(fake, "/im-room", "@TGS#a6I4ZUUGO --mark 1000")
    assert items == [f"m{i}" for i in range(130)]
    assert len(pages) == 7  # Tencent pages of 60, 60, 10: 25 + 25 + 10 | 25 + 25 + 10 | 10
    assert {c[1]["mark"] for c in fake.calls if c[0] == "get_members"} == {1000}


async def test_one_group_card_then_members() -> None:
    members = [{"Member_Account": f"u{i}", "Role": "Member", "JoinTime": 1425976500} for i in range(45)]
    fake = FakeTim(groups={"g": {**SEED_GROUP, "GroupId": "g", "MemberList": members}})
    items, pages = await walk(fake, "/im-group", "g")
    assert items == [f"u{i}" for i in range(45)] and len(pages) == 3
    assert fake.calls[0] == ("get_group_info", {"group_ids": ["g"], "group_base_info_filter": None})
    first, second = check(render_page(pages[0])), all_text(render_page(pages[1]))
    assert "Introduction" in str(first) and "Introduction" not in second and "u20" in second


async def test_one_group_too_large_falls_back_to_the_card() -> None:
    fake = FakeTim(groups={"big": {**SEED_GROUP, "GroupId": "big", "ErrorCode": 10018}})
    message = await answer_command(fake, "/im-group", "big")
    text = all_text(message)
    assert "MyFirstGroup" in text and "too large to fetch" in text
    assert fake.calls[1][1]["group_base_info_filter"] is not None
    check(message)


async def test_one_missing_group_shows_its_code() -> None:
    message = await answer_command(FakeTim(), "/im-group", "nope")
    assert "10010: the group does not exist or was dismissed" in all_text(message)
    assert buttons(message) == {}


async def test_group_cards_fetch_only_the_page_and_show_per_group_errors() -> None:
    ids = [f"@TGS#{i:09d}" for i in range(23)]
    groups = {gid: {**SEED_GROUP, "GroupId": gid, "Name": f"name{i}"} for i, gid in enumerate(ids) if i != 3}
    fake = FakeTim(groups=groups)
    items, pages = await walk(fake, "/im-group", " ".join(ids))
    assert items == ids and len(pages) == 3
    first_call = fake.calls[0][1]
    assert first_call["group_ids"] == ids[:10] and first_call["group_base_info_filter"] is not None
    text = all_text(render_page(pages[0]))
    assert "10010" in text and "name4" in text


async def test_named_friend_lists_fall_back_when_tencent_leaves_friends_out() -> None:
    fake = FakeTim(friend_lists={"a": [f"f{i}" for i in range(50)], "b": ["x", "y"], "c": ["z"]},
                   drop_to_account_with_names=True)
    items, pages = await walk(fake, "/im-friends", "leckie b a missing")
    assert items == ["x", "y", *[f"f{i}" for i in range(50)]] and len(pages) == 2
    assert fake.calls[1] == ("get_friend_lists", {"from_account": "leckie", "need_friend": True,
                                                  "group_names": None})
    text = all_text(render_page(pages[0]))
    assert "missing" in text and "no list with this name" in text


async def test_friend_lists_one_page_with_counts() -> None:
    fake = FakeTim(friend_lists={"group1": ["a"], "group2": ["a", "b"]})
    message = await answer_command(fake, "/im-friends", "id")
    text = all_text(message)
    assert "group1 · 1 friend\n" in text and "group2 · 2 friends" in text and buttons(message) == {}
    call = ("get_friend_lists", {"from_account": "id", "need_friend": False, "group_names": None})
    assert fake.calls == [call]


async def test_help_and_bad_input_make_no_call() -> None:
    fake = FakeTim()
    message = await answer_command(fake, "/im-joined", "--help")
    assert "/im-joined USER_ID" in all_text(message)
    with pytest.raises(UsageError):
        await answer_command(fake, "/im-joined", "bad.user")
    assert fake.calls == []


async def test_click_with_a_bad_value_expires_without_a_call() -> None:
    fake = FakeTim()
    with pytest.raises(ExpiredError):
        await answer_click(fake, "garbage!")
    assert fake.calls == []


async def test_tencent_errors_propagate() -> None:
    with pytest.raises(TimApiError):
        await answer_command(FakeTim(raise_code=10004), "/im-group", "g")


@pytest.mark.parametrize("query", [parse("/im-groups", ""), parse("/im-room", "r")])
async def test_empty_results_render(query: Query) -> None:
    fake = FakeTim(group_ids=[])
    page = await fetch_page(fake, first_state(query))
    message = check(render_page(page))
    assert "No " in str(message) and page.buttons == ()


async def test_a_named_list_is_never_a_bare_heading_at_the_foot_of_a_page() -> None:
    fake = FakeTim(friend_lists={"a": [f"a{i}" for i in range(40)], "b": ["b0", "b1"], "empty": []})
    items, pages = await walk(fake, "/im-friends", "leckie a b empty missing")
    assert items == [*(f"a{i}" for i in range(40)), "b0", "b1"] and len(pages) == 2
    first, second = pages
    assert isinstance(first, FriendsPage) and isinstance(second, FriendsPage)
    assert [named.name for named in first.lists] == ["a", "missing"]  # an unknown name: said at once
    assert [named.name for named in second.lists] == ["b", "empty"]  # b's heading goes with its names
    assert all(named.friends or not named.friend_number for page in pages for named in page.lists)
