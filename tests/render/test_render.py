"""Rendering: each layout as a user sees it, limits at their edges, hostile names, error messages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.commands.fake import SEED_GROUP, FakeTim
from tests.render.checker import all_text, buttons, check
from timbot.answer import answer_command
from timbot.commands.pages import fetch_page, help_page
from timbot.commands.parse import parse
from timbot.commands.queries import GroupsQuery, HelpQuery
from timbot.commands.results import PagerButton
from timbot.commands.state import NextCursor, advance, decode, encode, first_state
from timbot.errors import (
    AccessDenied,
    ExpiredError,
    TimApiError,
    TimProtocolError,
    TimTransportError,
    UsageError,
)
from timbot.render import error_message, escape, render_page
from timbot.render.escape import clip, code
from timbot.render.fmt import date
from timbot.render.limits import Section, assemble, pack_lines

HOSTILE = ["<!channel>", "<!here>", "<@U123>", "<!subteam^S1>", "<https://x|y>", "&", "&amp;", "a\u200bb",
           "\u202eevil", "`tick`", "*_~bold~_*", "x" * 10_000, "<" * 5000]


def _group(name: str, **extra: Any) -> dict[str, Any]:
    return {**SEED_GROUP, "GroupId": "g", "Name": name, "Introduction": name, "Notification": name,
            "Owner_Account": name, "AppDefinedData": [{"Key": name, "Value": name}], **extra,
            "MemberList": [{"Member_Account": name, "Role": name, "JoinTime": 1, "NameCard": name}]}


async def test_groups_layout() -> None:
    fake = FakeTim(group_ids=[f"@TGS#{i:09d}" for i in range(45)])
    message = await answer_command(fake, "/im-groups", "public --limit 10")
    data = check(message)
    assert data["blocks"][0]["text"]["text"] == "/im-groups Public --limit 10"
    text = all_text(message)
    assert "45 groups of type Public" in text and "page 1 of 5" in text
    assert all(f"`@TGS#{i:09d}`" in text for i in range(10)) and "`@TGS#000000010`" not in text
    assert list(buttons(message)) == ["timbot_next", "timbot_export"]  # Export CSV: page 1 of several
    assert decode(buttons(message)["timbot_export"]).page == 1
    nxt = decode(buttons(message)["timbot_next"])
    second = render_page(await fetch_page(fake, nxt))
    assert list(buttons(second)) == ["timbot_prev", "timbot_next"] and "page 2 of 5" in all_text(second)
    ids = {b["block_id"] for b in check(second)["blocks"]}
    assert ids.isdisjoint(b["block_id"] for b in data["blocks"])  # new block ids on every page


async def test_one_group_card_shows_every_field_with_date_tokens() -> None:
    message = await answer_command(FakeTim(), "/im-group", "@TGS#2J4SZEAEL")
    text = all_text(check(message) and message)
    for expected in ("MyFirstGroup", "Public", "`leckie`", "2 / 50", "FreeAccess", "On", "TestGroup",
                     "`GroupTestData1`: xxxx", "`peter`", "Owner",
                     "<!date^1426976500^{date_short_pretty} {time}|2015-03-21T22:21:40Z>",
                     "muted until <!date^1431069882^"):
        assert expected in text, expected
    assert "abc\x00" not in text  # binary custom data is made readable


async def test_joined_and_room_layouts() -> None:
    fake = FakeTim(joined=[{"GroupId": "@TGS#16UMONKGG", "Name": "d", "Type": "Private", "MemberNum": 1,
                            "SelfInfo": {"JoinTime": 1588148506, "Role": "Member"}}],
                   room=[{"JoinTime": 1657773110, "Member_Account": "teacher2", "NickName": "Teacher t02"}])
    joined = all_text(await answer_command(fake, "/im-joined", "leckie"))
    assert "d · `@TGS#16UMONKGG` · Private · 1 member · Member since <!date^1588148506^" in joined
    assert "1 group joined" in joined
    room = all_text(await answer_command(fake, "/im-room", "@TGS#a6I4ZUUGO"))
    assert "`teacher2` Teacher t02 · joined <!date^1657773110^" in room and "page 1" in room


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_text_never_reaches_slack_unescaped(hostile: str) -> None:
    fake = FakeTim(groups={"g": _group(hostile)}, group_ids=[hostile] * 3,
                   joined=[{"GroupId": hostile, "Name": hostile, "Type": hostile,
                            "SelfInfo": {"Role": hostile, "JoinTime": 5}}],
                   room=[{"Member_Account": hostile, "NickName": hostile, "JoinTime": 5}],
                   friend_lists={hostile[:30]: [hostile]})
    messages = [
        await answer_command(fake, "/im-group", "g"),
        await answer_command(fake, "/im-group", "g h"),
        await answer_command(fake, "/im-groups", ""),
        await answer_command(fake, "/im-joined", "u"),
        await answer_command(fake, "/im-room", "r"),
        await answer_command(fake, "/im-friends", "u"),
    ]
    for message in messages:
        check(message)  # includes: no raw "<" anywhere but our own date tokens
        text = all_text(message)
        assert "<!channel>" not in text and "<@U123>" not in text
        if hostile == "&amp;":
            assert "&amp;amp;" in text  # shown as typed, not as "&"
    if hostile == "`tick`":  # an ID with backticks stays inside its code span
        assert all("`ˋtickˋ`" in all_text(m) for m in messages[:5])


def test_user_text_in_errors_is_escaped() -> None:
    for exc in (UsageError("<!channel> & co", usage="<@U1>"), AccessDenied("<!here>")):
        message = error_message(exc)
        check(message)
        assert "&lt;!" in all_text(message) or "&lt;@" in all_text(message)


def test_escape_and_clip_never_cut_an_entity() -> None:
    assert escape("<a & b>") == "&lt;a &amp; b&gt;"
    text = escape("x" * 2997 + "<<<<")
    for limit in range(2990, 3010):
        cut = clip(text, limit)
        assert len(cut) <= limit and not cut.rstrip("…").endswith(("&", "&l", "&lt", "&a", "&am", "&amp"))
    token = "x" * 10 + date(1426976500)
    assert all("<" not in clip(token, n) for n in range(11, len(token)))
    assert code("a`b") == "`aˋb`" and code("<x>") == "`&lt;x&gt;`"


def test_dates() -> None:
    assert date(0) == "never" and date(0, zero="not muted") == "not muted"
    assert date(1426976500) == "<!date^1426976500^{date_short_pretty} {time}|2015-03-21T22:21:40Z>"
    assert date(-5) == "-5" and date(10**15) == str(10**15)


def test_page_of_100_long_ids_fits() -> None:
    from timbot.commands.results import GroupsPage

    state = first_state(GroupsQuery(limit=100))
    ids = ["@TGS#_" + "&<>" * 19 + f"{i:03d}" for i in range(100)]
    nxt = PagerButton(label="Next ▶", action_id="timbot_next",
                      value=encode(advance(state, NextCursor(next=2**62))), primary=True)
    page = GroupsPage(header="/im-groups --limit 100", number=1, buttons=(nxt,), group_type=None,
                      group_ids=ids, total=10**6, pages=10**4)
    message = render_page(page)
    text = all_text(check(message) and message)
    assert all(escape(gid) in text for gid in ids)


def test_too_many_parts_are_cut_with_a_visible_count() -> None:
    parts = pack_lines([f"line {i} " + "y" * 2900 for i in range(80)])
    message = assemble(key="t", page=1, header="h" * 400, context=["c"] * 12, parts=list(parts), buttons=[])
    data = check(message)
    assert len(data["blocks"]) == 50
    assert "… and 33 more not shown here" in all_text(message)
    assert len(data["blocks"][0]["text"]["text"]) == 150


def test_section_text_at_3000_and_fields_at_2000() -> None:
    exact = Section(text="a" * 3000, fields=("f" * 2000,) * 12)
    over = Section(text="&" * 3001)
    data = check(assemble(key="t", page=1, header="h", context=[], parts=[exact, over], buttons=[]))
    assert data["blocks"][1]["text"]["text"] == "a" * 3000 and len(data["blocks"][1]["fields"]) == 10
    assert len(data["blocks"][2]["text"]["text"]) <= 3000


def test_help() -> None:
    message = render_page(help_page(HelpQuery(command="/im-room")))
    assert "/im-room GROUP_ID [--mark N]" in all_text(check(message) and message)


@pytest.mark.parametrize(("exc", "expected"), [
    (TimApiError(10010, explanation="the group does not exist or was dismissed"),
     "10010: the group does not exist or was dismissed"),
    (TimApiError(70020, explanation="Tencent does not know this SDKAppID here"), "TIM_REGION"),
    (TimTransportError("timed out after 5.0 s"), "try again in a minute"),
    (TimTransportError("error at https://x/v4?usersig=SECRETSIG&random=1"), "could not be reached"),
    (TimProtocolError("not JSON"), "try again in a minute"),
    (UsageError("unknown flag --x", usage="/im-groups [TYPE]"), "```/im-groups [TYPE]```"),
    (ExpiredError(), "this result has expired; run the command again"),
    (AccessDenied("guest accounts cannot use timbot"), "guest accounts cannot use timbot"),
    (RuntimeError("xoxb-123-secret"), "Something went wrong (ref AB12)"),
])
def test_error_messages(exc: BaseException, expected: str) -> None:
    message = error_message(exc, ref="AB12")
    text = all_text(check(message) and message)
    assert expected.lower() in text.lower()
    assert "SECRETSIG" not in text and "xoxb" not in text


async def test_every_query_renders_within_limits() -> None:
    fake = FakeTim(groups={"g": _group("n")}, friend_lists={"l": [f"f{i}" for i in range(100)]})
    cases = [("/im-groups", "--limit 100"), ("/im-group", "g"), ("/im-group", "g x y"),
             ("/im-joined", "u"), ("/im-room", "r"), ("/im-friends", "u"), ("/im-friends", "u l")]
    for command, text in cases:
        query = parse(command, text)
        assert not isinstance(query, HelpQuery)
        check(render_page(await fetch_page(fake, first_state(query))))
