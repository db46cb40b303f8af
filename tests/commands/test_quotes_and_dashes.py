"""IDs and list names with spaces, typed in any of the quotes Slack's clients make, and smart dashes."""

from __future__ import annotations

import pytest

from tests.commands.fake import SEED_GROUP, FakeTim
from tests.render.checker import all_text
from timbot.answer import answer_command
from timbot.commands.parse import parse
from timbot.commands.queries import FriendsQuery, GroupQuery, GroupsQuery, JoinedQuery, RoomQuery
from timbot.commands.registry import for_query
from timbot.commands.state import decode, encode, first_state
from timbot.errors import UsageError

QUOTED = [
    ("/im-group", '"vip lounge-30"', GroupQuery(group_ids=("vip lounge-30",))),
    ("/im-group", "'vip lounge-30' @TGS#1", GroupQuery(group_ids=("vip lounge-30", "@TGS#1"))),
    ("/im-group", "“vip lounge-30” ‘room_2024 live-845’",
     GroupQuery(group_ids=("vip lounge-30", "room_2024 live-845"))),
    ("/im-group", "”vip lounge-30”", GroupQuery(group_ids=("vip lounge-30",))),
    ("/im-group", "“vip lounge-30\"", GroupQuery(group_ids=("vip lounge-30",))),
    ("/im-group", '"--huge"', GroupQuery(group_ids=("--huge",))),  # quoted: an argument, not a flag
    ("/im-room", '"room_2024 live-845" --mark 3', RoomQuery(group_id="room_2024 live-845", mark=3)),
    ("/im-friends", 'leckie "Book club" ‘Close friends’ Family',
     FriendsQuery(user_id="leckie", list_names=("Book club", "Close friends", "Family"))),
    ("/im-friends", "leckie O'Brien", FriendsQuery(user_id="leckie", list_names=("O'Brien",))),
    ("/im-groups", '"Public" --limit="5"', GroupsQuery(group_type="Public", limit=5)),
]
DASHES = [
    ("/im-groups", "—limit 5", GroupsQuery(limit=5)),
    ("/im-groups", "–limit 5", GroupsQuery(limit=5)),
    ("/im-groups", "–-limit=5 Public", GroupsQuery(group_type="Public", limit=5)),
    ("/im-groups", "-—limit 5", GroupsQuery(limit=5)),
    ("/im-joined", "leckie —huge –type Live",
     JoinedQuery(user_id="leckie", group_type="AVChatRoom", huge=True)),
]


CASES = QUOTED + DASHES


@pytest.mark.parametrize(("command", "text", "query"), CASES, ids=[text for _, text, _ in CASES])
def test_quotes_and_smart_dashes(command: str, text: str, query: object) -> None:
    assert parse(command, text.replace("&", "&amp;")) == query


@pytest.mark.parametrize(("command", "text", "problem"), [
    ("/im-group", '"vip lounge-30', "a quote is not closed"),
    ("/im-friends", "leckie ‘Book club", "a quote is not closed"),
    ("/im-group", '" vip"', "malformed group ID"),  # no space at either end of an ID
    ("/im-group", "vip lounge-30 x", None),  # unquoted: three IDs, each fine
    ("/im-groups", "-l 5", "unknown flag -l (flags are --name"),
    ("/im-joined", "leckie -x", "unknown flag -x"),
    ("/im-friends", 'leckie "a very long list name over thirty bytes"', "malformed list name"),
])
def test_what_quoting_cannot_fix_is_said(command: str, text: str, problem: str | None) -> None:
    if problem is None:
        assert isinstance(parse(command, text), GroupQuery)
        return
    with pytest.raises(UsageError) as caught:
        parse(command, text)
    assert problem in caught.value.problem


def test_minus_h_is_still_help() -> None:
    assert parse("/im-room", "-h").kind == "help"


def test_an_id_with_spaces_is_shown_quoted_where_it_is_typed_and_survives_a_button() -> None:
    query = parse("/im-group", '"vip lounge-30" "room_2024 live-845"')
    assert isinstance(query, GroupQuery)
    line = for_query(query).command_line(query)
    assert line == '/im-group "vip lounge-30" "room_2024 live-845"'
    assert parse("/im-group", line.removeprefix("/im-group ")) == query  # copying the header works
    assert decode(encode(first_state(query))).query == query


async def test_cards_show_ids_with_spaces_in_quotes() -> None:
    fake = FakeTim(groups={"vip lounge-30": {**SEED_GROUP, "GroupId": "vip lounge-30"}})
    text = all_text(await answer_command(fake, "/im-group", '"vip lounge-30" other'))
    assert '`"vip lounge-30"`' in text
