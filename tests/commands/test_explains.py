"""A Tencent code means what it means for the command that got it: the words point the right way."""

from __future__ import annotations

import pytest

from tests.commands.fake import FakeTim
from tests.render.checker import all_text
from timbot.answer import answer_command
from timbot.commands.parse import parse
from timbot.commands.queries import JoinedQuery
from timbot.console.session import demo_client
from timbot.errors import TimApiError


async def test_im_room_on_a_group_that_is_not_a_live_room_says_so_and_points_to_im_group() -> None:
    client, emulator = demo_client()
    async with client:
        with pytest.raises(TimApiError) as caught:
            await answer_command(client, "/im-room", emulator.data.showcase.hostile_group_id)
    assert caught.value.code == 10007
    text = caught.value.user_text()
    assert "not a live room" in text and "/im-group" in text and "permission" not in text


async def test_the_same_code_keeps_its_general_meaning_on_another_command() -> None:
    with pytest.raises(TimApiError) as caught:
        await answer_command(FakeTim(raise_code=10007), "/im-group", "g")
    assert "permission" in caught.value.user_text()


@pytest.mark.parametrize(("command", "code"), [("/im-joined", 10019), ("/im-joined", 70107),
                                                ("/im-friends", 30003)])
async def test_an_unknown_user_is_said_in_words_on_every_user_command(command: str, code: int) -> None:
    with pytest.raises(TimApiError) as caught:
        await answer_command(FakeTim(raise_code=code), command, "nosuchuser")
    assert f"{code}: the user does not exist in this app" in caught.value.user_text()


def test_type_live_implies_huge_groups() -> None:
    assert parse("/im-joined", "leckie --type Live") == JoinedQuery(
        user_id="leckie", group_type="AVChatRoom", huge=True)
    assert parse("/im-joined", "leckie --type Public") == JoinedQuery(user_id="leckie", group_type="Public")


async def test_joined_live_rooms_without_huge_lists_them() -> None:
    client, _ = demo_client()
    async with client:
        message = await answer_command(client, "/im-joined", "leckie --type Live")
    text = all_text(message)
    assert "AVChatRoom" in text and " 0 groups joined" not in message.text
    assert message.blocks[0].text.text == "/im-joined leckie --type AVChatRoom --huge"  # type: ignore[attr-defined]
