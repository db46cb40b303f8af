"""``block_dict`` gives exactly what slack_sdk's ``to_dict`` gives, and refuses what its validators refuse."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.blocks.basic_components import ConfirmObject

from timbot.answer import answer_command
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.render import error_message
from timbot.render.serialize import block_dict
from timbot.tim.client import TimClient


async def test_every_rendered_message_serialises_exactly_as_slack_sdk_does() -> None:
    emulator = Emulator(enforce_rate_limits=False)
    data = emulator.data
    rooms = [g.group_id for g in data.groups if g.type == "AVChatRoom"][:5]
    asks = [("/im-groups", ""), ("/im-groups", "Public --limit 5"), ("/im-groups", "help")]
    asks += [("/im-group", g.group_id) for g in data.groups[:25]]
    asks += [("/im-joined", f"{u} --limit 5") for u in data.users[:10]]
    asks += [("/im-friends", u) for u in data.users[:10]]
    asks += [("/im-room", r) for r in rooms] + [("/im-group", "no-such-group")]
    async with TimClient(sdkappid=DEMO_SDKAPPID, secret_key=DEMO_KEY, base_url="http://emulator.test",
                         transport=emulator.transport()) as client:
        messages = [await answer_command(client, command, text) for command, text in asks]
    blocks = [block for message in messages for block in message.blocks]
    assert len(blocks) > 100
    for block in blocks:
        assert block_dict(block) == block.to_dict()
    for message in messages:
        assert message.to_dict() == {"text": message.text, "blocks": [b.to_dict() for b in message.blocks]}


def test_nested_elements_and_objects_with_their_own_to_dict() -> None:
    button = ButtonElement(text="Next", action_id="timbot_next", value="v" * 100,
                           confirm=ConfirmObject(title="Sure?", text="Really"))  # ConfirmObject has its own
    blocks = [HeaderBlock(text="Title"), SectionBlock(text=MarkdownTextObject(text="*x*"), fields=["a", "b"]),
              ContextBlock(elements=[MarkdownTextObject(text="c")]), ActionsBlock(elements=[button])]
    assert [block_dict(b) for b in blocks] == [b.to_dict() for b in blocks]
    assert block_dict(error_message(ValueError("x"), ref="AB12").blocks[0]) == error_message(
        ValueError("x"), ref="AB12").blocks[0].to_dict()


@pytest.mark.parametrize("bad", [
    lambda: SectionBlock(text="x" * 3001),  # text over 3000 characters
    lambda: ActionsBlock(elements=[ButtonElement(text="b", action_id="a", value="v" * 2001)]),  # value > 2000
    lambda: HeaderBlock(text="h" * 151),
])
def test_invalid_blocks_are_refused_like_slack_sdk_refuses_them(bad) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackObjectFormationError):
        bad().to_dict()
    with pytest.raises(SlackObjectFormationError):
        block_dict(bad())
