"""Button values already sitting in users' Slack history decode to the same page after any upgrade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from timbot.answer import answer_click, reply_command, reply_follow
from timbot.commands.follow import decode_follow
from timbot.commands.state import PageState, decode
from timbot.console.session import demo_client

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "button_values"
#: every value of every file: v1.json (the first release), v1-chunks.json (chunked /im-groups pages) and
#: v1-export.json (the Export CSV buttons: page 1's state, which the export walks from)
VALUES: list[dict[str, Any]] = [
    value for path in sorted(GOLDEN.glob("v*.json"))
    for value in json.loads(path.read_text("utf-8"))["values"]
]
#: the follow options' values (format f1): follow-f1.json
FOLLOWS: list[dict[str, Any]] = json.loads((GOLDEN / "follow-f1.json").read_text("utf-8"))["values"]


def test_every_command_and_cursor_kind_is_held() -> None:
    kinds = {(v["state"]["q"]["k"], v["state"]["c"]["k"]) for v in VALUES}
    assert kinds >= {("groups", "n"), ("groups", "c"), ("group", "o"), ("joined", "o"), ("room", "t"),
                     ("friends", "o")}
    assert {v["page"] for v in VALUES} >= {1, 2, 3}
    assert {v["action_id"] for v in VALUES} == {"timbot_next", "timbot_prev", "timbot_export"}


@pytest.mark.parametrize("golden", VALUES, ids=[v["name"] for v in VALUES])
def test_a_v1_value_decodes_to_the_same_state(golden: dict[str, Any]) -> None:
    state = decode(golden["value"])
    assert state == PageState.model_validate_json(json.dumps(golden["state"]))
    assert state.page == golden["page"]


@pytest.mark.parametrize("golden", VALUES, ids=[v["name"] for v in VALUES])
async def test_a_v1_value_answers_with_the_same_page(golden: dict[str, Any]) -> None:
    client, _ = demo_client()
    async with client:
        message = (await answer_click(client, golden["value"])).to_dict()
    assert message["blocks"][0]["text"]["text"] == golden["header"]
    assert f"page {golden['page']}" in message["text"], message["text"]
    assert ":hourglass:" not in message["text"]


def test_every_follow_kind_is_held() -> None:
    assert {v["value"].split("|")[1] for v in FOLLOWS} == {"d", "o", "j", "f"}
    assert any('"' in v["text"] for v in FOLLOWS) and any("&amp;" in v["text"] for v in FOLLOWS)


@pytest.mark.parametrize("golden", FOLLOWS, ids=[v["name"] for v in FOLLOWS])
async def test_an_f1_follow_value_answers_as_its_command_typed(golden: dict[str, Any]) -> None:
    assert decode_follow(golden["value"]) == (golden["command"], golden["text"])
    client, _ = demo_client()
    async with client:
        followed = await reply_follow(client, golden["value"])
        typed = await reply_command(client, golden["command"], golden["text"])
    assert followed.message.to_dict()["blocks"][0]["text"]["text"] == golden["header"]
    assert followed.exit_code == golden["exit_code"]
    assert followed.message.to_dict() == typed.message.to_dict()
