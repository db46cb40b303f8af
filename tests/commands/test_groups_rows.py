"""``/im-groups`` rows carry each group's name, type and member count; its pages come from a few big calls."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from tests.commands.fake import SEED_GROUP, FakeTim
from tests.render.checker import all_text, check
from timbot.answer import answer_click, answer_command
from timbot.commands.results import GroupsPage, quote
from timbot.commands.state import ChunkCursor, NextCursor, decode
from timbot.console.session import demo_client
from timbot.errors import TimApiError

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "button_values" / "v1.json"


def _next(message: Any) -> str | None:
    for block in message.to_dict()["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"] == "timbot_next":
                return str(element["value"])
    return None


async def test_each_row_shows_the_groups_name_type_and_member_count() -> None:
    client, emulator = demo_client()
    async with client:
        message = await answer_command(client, "/im-groups", "Public --limit 50")
    check(message)
    text = all_text(message)
    shown = [g for g in emulator.data.groups if g.type == "Public"][:50]  # in Tencent's order
    for group in shown:
        members = len(emulator.data.member_indices(group))  # the MemberNum Tencent's get_group_info gives
        assert f"`{quote(group.group_id)}` · Public · {members:,} member" in text, group.group_id
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text  # a hostile name pings nobody


async def test_a_group_whose_info_fails_shows_its_id_and_code() -> None:
    fake = FakeTim(group_ids=["@TGS#found", "@TGS#gone"],
                   groups={"@TGS#found": {**SEED_GROUP, "GroupId": "@TGS#found", "Name": "Found it"}})
    text = all_text(await answer_command(fake, "/im-groups", ""))
    assert "Found it · `@TGS#found`" in text
    assert "`@TGS#gone` · :warning: 10010: the group does not exist or was dismissed" in text
    (info_call,) = [args for name, args in fake.calls if name == "get_group_info"]
    assert info_call["group_base_info_filter"] == ("Name", "Type", "MemberNum")  # no member lists asked


class NoNames(FakeTim):
    async def get_group_info(self, group_ids: Any, **_: Any) -> Any:
        raise TimApiError(10002, explanation="Tencent's group service had an internal error; try again")


async def test_when_no_name_can_be_fetched_the_ids_still_show_with_the_reason() -> None:
    fake = NoNames(group_ids=[f"@TGS#{i}" for i in range(7)])
    message = await answer_command(fake, "/im-groups", "")
    check(message)
    text = all_text(message)
    assert "The names could not be fetched: 10002" in text
    assert all(f"`@TGS#{i}`" in text for i in range(7))


async def test_a_walk_of_135_pages_makes_one_list_call_per_chunk_and_a_repeated_page_none() -> None:
    client, emulator = demo_client()
    async with client:
        message = await answer_command(client, "/im-groups", "")
        pages, last = 1, ""
        while (value := _next(message)) is not None:
            message, last = await answer_click(client, value), value
            pages += 1
        listed = sum(c.endpoint.endswith("get_appid_group_list") for c in emulator.calls)
        before = emulator.call_count
        again = await answer_click(client, last)  # the same Next again (a second user, a double click)
        assert emulator.call_count == before and again.to_dict() == message.to_dict()  # cached: no call
    total = len(emulator.data.groups)
    assert pages == math.ceil(total / 20) == 135
    assert listed == 1 + math.ceil(20 * (pages - 1) / 1000)  # page 1, then chunks: 4 list calls, not 135


async def test_a_value_sent_before_chunks_pages_on_in_chunks() -> None:
    values = json.loads(GOLDEN.read_text(encoding="utf-8"))["values"]
    old = next(v for v in values if v["name"] == "groups next to page 3")
    assert isinstance(decode(old["value"]).cursor, NextCursor)
    client, _ = demo_client()
    async with client:
        page_3 = await answer_click(client, old["value"])
        nxt = _next(page_3)
        assert nxt is not None
        state = decode(nxt)
        assert isinstance(state.cursor, ChunkCursor) and state.page == 4
        page_4 = await answer_click(client, nxt)
    assert "page 4 of 150" in page_4.text and all_text(page_4) != all_text(page_3)


def test_the_page_type_keeps_the_ids_in_order() -> None:
    page = GroupsPage(header="/im-groups", number=1, group_type=None, group_ids=["b", "a"], total=2, pages=1)
    assert page.group_ids == ["b", "a"] and page.infos == {} and page.names_missing is None


async def test_a_page_of_100_named_groups_stays_within_block_kit_limits() -> None:
    client, _ = demo_client()
    async with client:
        for text in ("--limit 100", "Public --limit 100", "AVChatRoom --limit 100"):
            message = await answer_command(client, "/im-groups", text)
            data = check(message)
            assert len(data["blocks"]) <= 50 and "… and" not in all_text(message), text  # all 100 rows fit
