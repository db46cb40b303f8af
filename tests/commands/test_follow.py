"""Follow values (``f1|KIND|ID``) and which rows of each command get which follow options."""

from __future__ import annotations

import pytest

from timbot.answer import command_page
from timbot.commands.follow import MAX_FOLLOW, decode_follow, encode_follow, group_follows, user_follows
from timbot.commands.parse import parse
from timbot.commands.queries import FriendsQuery, GroupQuery, JoinedQuery, RoomQuery
from timbot.commands.registry import by_name
from timbot.commands.results import GroupCardsPage, GroupPage, GroupsPage, JoinedPage, RoomPage
from timbot.commands.spec import FOLLOW
from timbot.errors import ExpiredError
from timbot.tim.client import TimClient

LIVE = "@TGS#a8GR2rdB4"  # the emulator's big live room (AVChatRoom)
HOSTILE = "@TGS#1HEXFL0E2"  # the emulator's Public group named <!channel>
COMMUNITY = "@TGS#_" + "c" * 58  # a community ID of the full 64 characters


@pytest.mark.parametrize(("kind", "target", "command"), [
    ("d", "@TGS#2BDG2IDRQ", "/im-group"), ("o", LIVE, "/im-room"), ("j", "leckie", "/im-joined"),
    ("f", "leckie", "/im-friends"), ("d", COMMUNITY, "/im-group"), ("d", "vip lounge-30", "/im-group"),
    ("d", "a&b<c>", "/im-group"), ("j", "user_04-x", "/im-joined"),
])
def test_round_trip_answers_what_typing_the_command_would(kind: str, target: str, command: str) -> None:
    value = encode_follow(kind, target)  # type: ignore[arg-type]
    assert value.startswith(f"f1|{kind}|") and len(value) <= MAX_FOLLOW
    got_command, text = decode_follow(value)
    assert got_command == command
    query = parse(command, text)
    assert isinstance(query, GroupQuery | RoomQuery | JoinedQuery | FriendsQuery)
    if isinstance(query, GroupQuery):
        assert query.group_ids == (target,)
    elif isinstance(query, RoomQuery):
        assert query.group_id == target and query.mark is None
    else:
        assert query.user_id == target
        assert not isinstance(query, FriendsQuery) or query.list_names == ()


def test_the_longest_value_fits_an_option() -> None:
    assert len(encode_follow("o", COMMUNITY)) <= 150
    assert len(encode_follow("f", "u" * 32)) <= 150


@pytest.mark.parametrize("value", [
    "", "f1", "f1|d", "f1|d|", "f2|d|@TGS#2BDG2IDRQ", "f0|d|@TGS#2BDG2IDRQ", "F1|d|@TGS#2BDG2IDRQ",
    "f1|x|@TGS#2BDG2IDRQ", "f1|D|@TGS#2BDG2IDRQ", "f1|j|bad user", "f1|j|" + "u" * 33, "f1|f|a;b",
    "f1|d|@TGS#" + "x" * 44, "f1|d| leading", "f1|d|tab\there", "f1|d|\u00e9", "f1|d|--limit",
    "f1|d|a\"b'c", "f1|d|" + "x" * 200, "eNqrVipTsjI0MzU1NzU", "f1|o|@TGS#2BDG2IDRQ\n",
])
def test_anything_else_is_expired(value: str) -> None:
    with pytest.raises(ExpiredError):
        decode_follow(value)


def test_an_id_no_command_accepts_gets_no_option() -> None:
    with pytest.raises(ValueError):
        encode_follow("j", "not a user")
    assert group_follows("a\"b'c", "Public") == ()
    assert user_follows("bad user") == ()


def test_labels_and_action() -> None:
    assert [b.label for b in group_follows(LIVE, "AVChatRoom")] == ["Details", "Online members"]
    assert [b.label for b in group_follows(HOSTILE, "Public")] == ["Details"]
    assert [b.label for b in group_follows(HOSTILE, None)] == ["Details"]
    assert [b.label for b in user_follows("leckie")] == ["Groups joined", "Friend lists"]
    assert {b.action_id for b in (*group_follows(LIVE, "AVChatRoom"), *user_follows("x"))} == {FOLLOW}


@pytest.mark.parametrize(("command", "labels"), [
    ("/im-groups", [["Details", "Online members"]]), ("/im-joined", [["Details", "Online members"]]),
    ("/im-group", [["Details", "Online members"], ["Groups joined", "Friend lists"]]),
    ("/im-room", [["Groups joined", "Friend lists"]]), ("/im-friends", [["Groups joined", "Friend lists"]]),
])
def test_each_spec_describes_its_rows(command: str, labels: list[list[str]]) -> None:
    rows = by_name(command).rows
    assert [list(row.labels) for row in rows] == labels and all(row.what for row in rows)


def _labels(page: GroupsPage | GroupPage | GroupCardsPage | JoinedPage | RoomPage) -> dict[str, list[str]]:
    return {row: [b.label for b in options] for row, options in page.follows.items()}


async def test_groups_rows_get_details_and_live_rooms_online_members(client: TimClient) -> None:
    page = await command_page(client, "/im-groups", "--limit 100")
    assert isinstance(page, GroupsPage) and list(page.follows) == page.group_ids
    for gid in page.group_ids:
        live = page.infos[gid].type == "AVChatRoom"
        assert _labels(page)[gid] == (["Details", "Online members"] if live else ["Details"])
    assert any(info.type == "AVChatRoom" for info in page.infos.values())
    assert decode_follow(page.follows[page.group_ids[0]][0].value) == ("/im-group", page.group_ids[0])


async def test_joined_and_cards_rows(client: TimClient) -> None:
    joined = await command_page(client, "/im-joined", "leckie --huge --limit 100")
    assert isinstance(joined, JoinedPage) and list(joined.follows) == [g.group_id for g in joined.groups]
    for group in joined.groups:
        assert ("Online members" in _labels(joined)[group.group_id]) == (group.type == "AVChatRoom")
    cards = await command_page(client, "/im-group", f"{HOSTILE} {LIVE} @TGS#nope")
    assert isinstance(cards, GroupCardsPage)
    assert _labels(cards) == {HOSTILE: ["Details"], LIVE: ["Details", "Online members"]}  # none for @TGS#nope


async def test_one_group_owner_and_members_and_room_members(client: TimClient) -> None:
    page = await command_page(client, "/im-group", HOSTILE)
    assert isinstance(page, GroupPage) and page.group.owner_account
    expected = dict.fromkeys([page.group.owner_account, *(m.member_account for m in page.members)])
    assert list(page.follows) == list(expected)
    assert all(labels == ["Groups joined", "Friend lists"] for labels in _labels(page).values())
    room = await command_page(client, "/im-room", LIVE)
    assert isinstance(room, RoomPage) and list(room.follows) == [m.member_account for m in room.members]
    assert decode_follow(room.follows[room.members[0].member_account][1].value)[0] == "/im-friends"


async def test_friends_rows_and_no_rows_for_the_lists_page(client: TimClient) -> None:
    lists = await command_page(client, "/im-friends", "leckie")
    assert lists.follows == {}
    named = await command_page(client, "/im-friends", "leckie Family Work")
    friends = [f for named_list in getattr(named, "lists") for f in named_list.friends]  # noqa: B009
    assert friends and list(named.follows) == list(dict.fromkeys(friends))
