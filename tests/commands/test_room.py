"""``/im-room`` says which room it is and how many are online, besides the page of members."""

from __future__ import annotations

from tests.commands.fake import FakeTim
from tests.render.checker import check
from timbot.answer import answer_command
from timbot.console.session import demo_client
from timbot.errors import TimApiError


async def test_a_live_room_page_names_the_room_and_counts_everyone_online() -> None:
    client, emulator = demo_client()
    show = emulator.data.showcase
    async with client:
        message = await answer_command(client, "/im-room", show.live_room_id)
    context = check(message)["blocks"][1]["elements"]
    texts = [element["text"] for element in context]
    assert texts[1] == f"{show.live_room_online:,} online"  # all of them, not the 1,000 get_members lists
    assert emulator.data.by_id[show.live_room_id].name in texts[0]
    assert texts[-1] == "page 1"


class NoCount(FakeTim):
    async def get_online_member_num(self, *, group_id: str) -> int:
        raise TimApiError(10007, explanation="not allowed")


async def test_the_members_still_show_when_tencent_gives_neither_name_nor_count() -> None:
    fake = NoCount(room=[{"Member_Account": f"m{i}", "JoinTime": 1657773110} for i in range(3)], groups={})
    message = await answer_command(fake, "/im-room", "@TGS#aRoom")
    data = check(message)
    assert [e["text"] for e in data["blocks"][1]["elements"]] == ["page 1"]
    assert "m0" in str(data["blocks"])
