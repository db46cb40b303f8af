"""Parsing: tables of good and bad input per command."""

from __future__ import annotations

import pytest

from timbot.commands.parse import USAGE, parse
from timbot.commands.queries import (
    FriendsQuery,
    GroupQuery,
    GroupsQuery,
    HelpQuery,
    JoinedQuery,
    RoomQuery,
)
from timbot.errors import UsageError

GOOD = [
    ("/im-groups", "", GroupsQuery()),
    ("/im-groups", "Public", GroupsQuery(group_type="Public")),
    ("/im-groups", "  work  ", GroupsQuery(group_type="Private")),
    ("/im-groups", "MEETING --limit 5", GroupsQuery(group_type="ChatRoom", limit=5)),
    ("/im-groups", "--limit=5 live", GroupsQuery(group_type="AVChatRoom", limit=5)),
    ("/im-groups", "bchatroom --limit 100", GroupsQuery(group_type="BChatRoom", limit=100)),
    ("/im-groups", "Community --limit 1", GroupsQuery(group_type="Community", limit=1)),
    ("/im-group", "@TGS#2J4SZEAEL", GroupQuery(group_ids=("@TGS#2J4SZEAEL",))),
    ("/im-group", "a b a c", GroupQuery(group_ids=("a", "b", "c"))),
    ("/im-group", "x&amp;y a&lt;b", GroupQuery(group_ids=("x&y", "a<b"))),
    ("/im-group", "@TGS#_@TGS#cMOQ7HIM62CD", GroupQuery(group_ids=("@TGS#_@TGS#cMOQ7HIM62CD",))),
    ("/im-group", "g" * 48, GroupQuery(group_ids=("g" * 48,))),
    ("/im-group", "@TGS#_" + "c" * 58, GroupQuery(group_ids=("@TGS#_" + "c" * 58,))),
    ("/im-group", " ".join(f"g{i}" for i in range(500)),
     GroupQuery(group_ids=tuple(f"g{i}" for i in range(500)))),
    ("/im-joined", "leckie", JoinedQuery(user_id="leckie")),
    ("/im-joined", "u-1_2 --type work --huge --inactive --limit=50",
     JoinedQuery(user_id="u-1_2", group_type="Private", huge=True, inactive=True, limit=50)),
    ("/im-joined", "u --topics --type community",
     JoinedQuery(user_id="u", group_type="Community", topics=True)),
    ("/im-joined", "U" * 32, JoinedQuery(user_id="U" * 32)),
    ("/im-room", "@TGS#a6I4ZUUGO", RoomQuery(group_id="@TGS#a6I4ZUUGO")),
    ("/im-room", "@TGS#a6I4ZUUGO --mark 1000", RoomQuery(group_id="@TGS#a6I4ZUUGO", mark=1000)),
    ("/im-room", "r --mark=0", RoomQuery(group_id="r", mark=0)),
    ("/im-friends", "id", FriendsQuery(user_id="id")),
    ("/im-friends", "id group1 group2 group1", FriendsQuery(user_id="id", list_names=("group1", "group2"))),
    ("/im-friends", "id 同事", FriendsQuery(user_id="id", list_names=("同事",))),
    ("/im-friends", "id a&amp;b", FriendsQuery(user_id="id", list_names=("a&b",))),
]


@pytest.mark.parametrize(("command", "text", "expected"), GOOD)
def test_good_input(command: str, text: str, expected: object) -> None:
    assert parse(command, text) == expected


@pytest.mark.parametrize("command", list(USAGE))
@pytest.mark.parametrize("text", ["help", "--help", "-h", "x --help", "--limit 5 -h"])
def test_help(command: str, text: str) -> None:
    assert parse(command, text) == HelpQuery(command=command)  # type: ignore[arg-type]


BAD = [
    ("/im-groups", "Secret", "unknown group type"),
    ("/im-groups", "Public Private", "unexpected argument"),
    ("/im-groups", "--limit", "--limit needs a value"),
    ("/im-groups", "--limit=", "--limit needs a value"),
    ("/im-groups", "--limit 0", "from 1 to 100"),
    ("/im-groups", "--limit 101", "from 1 to 100"),
    ("/im-groups", "--limit ten", "from 1 to 100"),
    ("/im-groups", "--limit -5", "from 1 to 100"),
    ("/im-groups", "--limit 5 --limit 6", "given twice"),
    ("/im-groups", "--limit ５", "from 1 to 100"),
    ("/im-groups", "--limit " + "9" * 5000, "from 1 to 100"),
    ("/im-groups", "--type Public", "unknown flag --type"),
    ("/im-groups", "--foo", "unknown flag --foo"),
    ("/im-group", "", "missing GROUP_ID"),
    ("/im-group", "g" * 49, "malformed group ID"),
    ("/im-group", "@TGS#_" + "c" * 59, "malformed group ID"),
    ("/im-group", "caf\u00e9", "malformed group ID"),
    ("/im-group", " ".join(f"g{i}" for i in range(501)), "too many group IDs"),
    ("/im-group", "<@U123|name>", "mention or link"),
    ("/im-group", "<https://x|y>", "mention or link"),
    ("/im-group", "a --limit 3", "unknown flag --limit"),
    ("/im-joined", "", "missing USER_ID"),
    ("/im-joined", "bad.user", "malformed user ID"),
    ("/im-joined", "u" * 33, "malformed user ID"),
    ("/im-joined", "a&amp;b", "malformed user ID"),
    ("/im-joined", "u v", "unexpected argument"),
    ("/im-joined", "u --topics", "--topics needs --type Community"),
    ("/im-joined", "u --topics --type Public", "--topics needs --type Community"),
    ("/im-joined", "u --huge=1", "takes no value"),
    ("/im-joined", "u --type", "--type needs a value"),
    ("/im-joined", "u --type --huge", "--type needs a value"),
    ("/im-joined", "u --type Secret", "unknown group type"),
    ("/im-joined", "u --limit 1000", "from 1 to 100"),
    ("/im-joined", "<@U123>", "mention or link"),
    ("/im-room", "", "missing GROUP_ID"),
    ("/im-room", "a b", "unexpected argument"),
    ("/im-room", "a --mark -1", "--mark must be"),
    ("/im-room", "a --mark x", "--mark must be"),
    ("/im-room", "a --mark 1.5", "--mark must be"),
    ("/im-room", "a --mark 99999999999", "--mark must be"),
    ("/im-friends", "", "missing USER_ID"),
    ("/im-friends", "not/valid", "malformed user ID"),
    ("/im-friends", "u " + " ".join(f"l{i}" for i in range(33)), "too many list names"),
    ("/im-friends", "u " + "n" * 31, "malformed list name"),
    ("/im-friends", "u " + "同" * 11, "malformed list name"),
    ("/im-friends", "u --all", "unknown flag --all"),
    ("/im-users", "x", "unknown command"),
    ("im-groups", "", "unknown command"),
]


@pytest.mark.parametrize(("command", "text", "problem"), BAD)
def test_bad_input(command: str, text: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse(command, text)
    assert problem in caught.value.problem
    if command in USAGE:
        assert caught.value.usage == USAGE[command]
    assert len(caught.value.problem) < 200


def test_usage_names_the_grammar() -> None:
    assert USAGE["/im-joined"].startswith("/im-joined USER_ID [--type TYPE]")
    assert "Work" in USAGE["/im-groups"] and "Meeting" in USAGE["/im-groups"]
