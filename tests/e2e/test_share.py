"""Share: the page, as it is, posted visibly in the channel "shared by" its sharer, without buttons; the
private copy stays; TIMBOT_ALLOW_SHARE=false takes the button away (and a forged Share click is refused)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.acceptance.blockkit import check_message
from tests.e2e.conftest import Stack, buttons, running_stack, visible_text
from timbot.emulator import Emulator


def _without_chrome(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The blocks a reader compares: everything but the context (it gains "shared by"), the buttons and the
    rows' follow elements (the shared copy has none)."""
    return [{k: v for k, v in b.items() if k not in ("block_id", "accessory")} for b in message["blocks"]
            if b["type"] not in ("context", "actions")]


@pytest.mark.parametrize(("command", "text"), [
    ("/im-groups", "Public --limit 6"), ("/im-group", "@TGS#1HEXFL0E2"), ("/im-room", "@TGS#a8GR2rdB4"),
])
def test_share_posts_the_page_in_the_channel_without_buttons(stack: Stack, command: str, text: str) -> None:
    private = stack.answer(stack.command(command, text))
    value = buttons(private)["timbot_share"]
    before = len(stack.emulator.calls)
    shared = stack.answer(stack.click("timbot_share", value, user="U0ALICE"))
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    assert not any(block["type"] == "actions" or "accessory" in block for block in shared["blocks"])
    context = next(block for block in shared["blocks"] if block["type"] == "context")
    assert context["elements"][0]["text"] == "shared by <@U0ALICE>"
    assert _without_chrome(shared) == _without_chrome(private)  # the page as it is
    assert len(stack.emulator.calls) == before  # from the answer cache: no Tencent call
    # the one mention is the sharer's own (what "shared by @user" is in Slack); everything else is as checked
    rest = {**shared, "blocks": [b for b in shared["blocks"] if b is not context]}
    check_message({**rest, "text": shared["text"]})


def test_a_shared_hostile_name_pings_nobody(stack: Stack) -> None:
    private = stack.answer(stack.command("/im-group", "@TGS#1HEXFL0E2"))
    shared = stack.answer(stack.click("timbot_share", buttons(private)["timbot_share"]))
    text = visible_text(shared)
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text


def test_share_of_a_later_page_shares_that_page(stack: Stack) -> None:
    page_1 = stack.answer(stack.command("/im-joined", "leckie --limit 5"))
    page_2 = stack.answer(stack.click("timbot_next", buttons(page_1)["timbot_next"]))
    shared = stack.answer(stack.click("timbot_share", buttons(page_2)["timbot_share"]))
    assert "page 2 of" in shared["text"] and _without_chrome(shared) == _without_chrome(page_2)


def test_a_tampered_share_value_expires(stack: Stack) -> None:
    answer = stack.answer(stack.click("timbot_share", "eNqrVipTsjI0MzU1NzU"))
    assert answer["response_type"] == "ephemeral" and "this result has expired" in answer["text"]


@pytest.fixture(scope="module")
def no_share() -> Iterator[Stack]:
    with running_stack(Emulator(seed=0), timbot_allow_share=False) as running:
        yield running


def test_allow_share_false_removes_the_button_and_refuses_a_forged_click(no_share: Stack) -> None:
    private = no_share.answer(no_share.command("/im-groups", "--limit 5"))
    assert "timbot_share" not in buttons(private) and "timbot_next" in buttons(private)
    before = len(no_share.emulator.calls)
    refused = no_share.answer(no_share.click("timbot_share", buttons(private)["timbot_next"]))
    assert refused["response_type"] == "ephemeral" and "sharing answers is turned off" in refused["text"]
    assert len(no_share.emulator.calls) == before
