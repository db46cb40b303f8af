"""The pipeline on the real TimClient over the built-in emulator: every paging style to the end and back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.render.checker import all_text, buttons, check
from timbot.answer import answer_click, answer_command
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.render import Message
from timbot.tim.client import TimClient


@pytest.fixture
def emulator() -> Emulator:
    return Emulator(enforce_rate_limits=False)


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[TimClient]:
    async with TimClient(sdkappid=DEMO_SDKAPPID, secret_key=DEMO_KEY, base_url="http://emulator.test",
                         transport=emulator.transport()) as tim:
        yield tim


async def _walk(client: TimClient, command: str, text: str) -> list[Message]:
    """Click Next to the end, then Previous back to page 1; every message must pass the checker."""
    pages = [await answer_command(client, command, text)]
    while "timbot_next" in buttons(pages[-1]):
        check(pages[-1])
        pages.append(await answer_click(client, buttons(pages[-1])["timbot_next"]))
        assert len(pages) < 200
    check(pages[-1])
    back = pages[-1]
    for expected in reversed(pages[:-1]):
        back = await answer_click(client, buttons(back)["timbot_prev"])
        assert all_text(back) == all_text(expected)
    assert "timbot_prev" not in buttons(back)
    return pages


async def test_groups_of_a_type_walk(client: TimClient, emulator: Emulator) -> None:
    pages = await _walk(client, "/im-groups", "bchatroom --limit 25")
    truth = [g.group_id for g in emulator.data.groups if g.type == "BChatRoom"]
    text = "\n".join(all_text(p) for p in pages)
    assert len(pages) == -(-len(truth) // 25)
    assert all(text.count(f"`{gid}`") >= 1 for gid in truth if "`" not in gid and "&" not in gid)
    assert f"{len(truth)} groups of type BChatRoom" in text


async def test_joined_walk(client: TimClient, emulator: Emulator) -> None:
    showcase = emulator.data.showcase
    pages = await _walk(client, "/im-joined", f"{showcase.user} --limit 100 --huge --inactive")
    assert f"{showcase.user_groups} groups joined" in all_text(pages[0])
    assert len(pages) == -(-showcase.user_groups // 100)


async def test_room_walk(client: TimClient, emulator: Emulator) -> None:
    showcase = emulator.data.showcase
    pages = await _walk(client, "/im-room", showcase.live_room_id)
    shown = sum(all_text(p).count(" · joined ") for p in pages) // 2  # text fallback + blocks
    assert shown == min(showcase.live_room_online, 1000)


async def test_big_group_members_walk(client: TimClient, emulator: Emulator) -> None:
    showcase = emulator.data.showcase
    first = check(await answer_command(client, "/im-group", showcase.big_group_id))
    assert "page 1 of" in str(first)
    pages = await _walk(client, "/im-group", " ".join(showcase.hostile_group_ids))
    assert len(pages) == 2


async def test_friends_walk(client: TimClient, emulator: Emulator) -> None:
    showcase = emulator.data.showcase
    lists = await answer_command(client, "/im-friends", showcase.user)
    assert f"{showcase.user_friend_lists} friend lists" in all_text(check(lists) and lists)
    names = [line.split(" · ")[0] for line in lists.to_dict()["blocks"][2]["text"]["text"].split("\n")]
    plain = [n for n in names if n.isalnum()][:3]
    await _walk(client, "/im-friends", f"{showcase.user} {' '.join(plain)}")


async def test_tencent_error_reaches_the_user(client: TimClient) -> None:
    message = await answer_command(client, "/im-group", "@TGS#NOSUCHGROUP")
    assert "10010" in all_text(check(message) and message)
