"""Every command in every language: help and the first page in the reader's script, the data and the values
as in English, Block Kit's limits held; a usage error and Tencent's errors in each language."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.render.checker import check
from timbot.answer import Reply, reply_click, reply_command
from timbot.commands.pages import help_page
from timbot.commands.queries import HelpQuery
from timbot.commands.registry import SPECS
from timbot.commands.results import GroupsPage, PagerButton
from timbot.console.session import demo_client
from timbot.emulator import Emulator
from timbot.errors import TimApiError, TimTransportError
from timbot.i18n import language
from timbot.render import error_message, render_page
from timbot.tim.client import TimClient

#: The script each language is written in (kana for Japanese: han alone could be Chinese).
SCRIPTS = {"ja": re.compile(r"[\u3040-\u30ff]"), "ko": re.compile(r"[\uac00-\ud7af]"),
           "zh": re.compile(r"[\u4e00-\u9fff]")}
CJK = re.compile(r"[\u3040-\u30ff\uac00-\ud7af\u4e00-\u9fff]")
OTHERS = ["ja", "ko", "zh"]
CODE = re.compile(r"`[^`]*`")


@pytest.fixture
async def demo() -> AsyncIterator[tuple[TimClient, Emulator]]:
    client, emulator = demo_client()
    async with client:
        yield client, emulator


def _commands(emulator: Emulator) -> list[tuple[str, str]]:
    show = emulator.data.showcase
    ids = " ".join(show.big_group_ids[:3])
    return [
        ("/im-groups", ""), ("/im-groups", "AVChatRoom --limit 5"), ("/im-group", show.big_group_id),
        ("/im-group", f"{ids} @TGS#nope"), ("/im-joined", f"{show.user} --huge"),
        ("/im-room", show.live_room_id), ("/im-friends", show.user),
    ]


def _words(message: dict[str, Any]) -> str:
    """What timbot writes on a page (not the data): the last context element (counts and the page number),
    the buttons, the follow options and the select's placeholder."""
    found: list[str] = []
    for block in message["blocks"]:
        if block["type"] == "context":
            found.append(block["elements"][-1]["text"])
        elements = [*block.get("elements", []), *([block["accessory"]] if "accessory" in block else [])]
        for element in elements:
            if element.get("type") == "button":
                found.append(element["text"]["text"])
            for option in element.get("options", []):
                found.append(option["text"]["text"].split(" · ")[0])
            if "placeholder" in element:
                found.append(element["placeholder"]["text"])
    return "\n".join(found)


def _values(message: dict[str, Any]) -> list[str]:
    """Every button and option value, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "value" in node and isinstance(node["value"], str):
                found.append(node["value"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    return found


async def _answer(client: TimClient, command: str, text: str, lang: str) -> tuple[Reply, dict[str, Any]]:
    with language(lang):
        reply = await reply_command(client, command, text, share=True)
    return reply, check(reply.message)


async def test_first_pages_in_each_language(demo: tuple[TimClient, Emulator]) -> None:
    client, emulator = demo
    for command, text in _commands(emulator):
        english, en = await _answer(client, command, text, "en")
        assert english.page, (command, text)
        assert not CJK.search(_words(en)), (command, _words(en))
        for lang in OTHERS:
            reply, message = await _answer(client, command, text, lang)
            where = f"{lang} {command} {text}"
            assert reply.page and reply.outcome == english.outcome, where
            words = _words(message)
            assert SCRIPTS[lang].search(words), (where, words)
            assert not re.search(r"\b(page|Next|Previous|Share|Details|members?)\b", words), (where, words)
            # the header is the command as typed; the data, the IDs and every value as in English
            assert message["blocks"][0] == en["blocks"][0], where
            assert CODE.findall(str(message["blocks"])) == CODE.findall(str(en["blocks"])), where
            assert _values(message) == _values(en), where
            assert len(message["blocks"]) == len(en["blocks"]), where


async def test_next_page_is_answered_in_the_clickers_language(demo: tuple[TimClient, Emulator]) -> None:
    """A value carries no language: whoever clicks reads the page in their own."""
    client, _ = demo
    with language("ja"):
        first = (await reply_command(client, "/im-groups", "--limit 5")).message.to_dict()
    (nxt,) = [e["value"] for block in first["blocks"] if block["type"] == "actions"
              for e in block["elements"] if e.get("action_id") == "timbot_next"]
    with language("ko"):
        second = (await reply_click(client, nxt)).message.to_dict()
    assert SCRIPTS["ko"].search(_words(second)) and not SCRIPTS["ja"].search(_words(second))
    with language("en"):
        again = (await reply_click(client, nxt)).message.to_dict()
    assert "page 2 of" in _words(again)


@pytest.mark.parametrize("lang", OTHERS)
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_help_in_each_language(lang: str, spec: Any) -> None:
    with language(lang):
        message = check(render_page(help_page(HelpQuery(command=spec.name))))
    usage = message["blocks"][1]["text"]["text"]
    syntax = spec.usage.splitlines()[0]  # the grammar line: command, flags and arguments never change
    assert usage.startswith(f"```{syntax}\n") and message["blocks"][0]["text"]["text"] == f"*{spec.name}*"
    assert SCRIPTS[lang].search(usage.removeprefix(f"```{syntax}")), usage
    for flag in re.findall(r"--[a-z]+", spec.usage):
        assert flag in usage


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "--limit must be a whole number from 1 to 100, not 500"),
    ("ja", "--limit は 1～100 の整数で指定してください（500 は使えません）"),
    ("ko", "--limit 값은 1~100 사이의 정수여야 합니다(입력값: 500)"),
    ("zh", "--limit 必须是 1 到 100 之间的整数，而不是 500"),
])
async def test_a_usage_error_in_each_language(
    demo: tuple[TimClient, Emulator], lang: str, words: str
) -> None:
    client, emulator = demo
    before = emulator.call_count
    reply, message = await _answer(client, "/im-groups", "--limit 500", lang)
    assert reply.outcome == "usage" and emulator.call_count == before  # no Tencent call
    assert message["blocks"][0]["text"]["text"] == f":x: {words}"
    usage = message["blocks"][1]["text"]["text"]
    assert usage.startswith("```/im-groups [TYPE] [--limit N] [--csv]\n")
    assert lang == "en" or SCRIPTS[lang].search(usage)


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "10010: the group does not exist or was dismissed"),
    ("ja", "10010: グループが存在しないか解散されました"),
    ("ko", "10010: 그룹이 없거나 해산되었습니다"),
    ("zh", "10010: 群组不存在或已解散"),
])
async def test_tencent_errors_in_each_language(
    demo: tuple[TimClient, Emulator], lang: str, words: str
) -> None:
    client, emulator = demo
    reply, message = await _answer(client, "/im-group", "@TGS#nope", lang)  # the group's own code: its card
    assert reply.outcome == "tim:10010" and words in str(message["blocks"])
    emulator.faults.error(60008, times=None, endpoint="get_appid_group_list")  # the whole command fails
    reply, message = await _answer(client, "/im-groups", "", lang)
    emulator.faults.clear()
    assert reply.outcome == "tim:60008"
    text = message["blocks"][0]["text"]["text"]
    assert text.startswith(":warning: 60008: ") and (lang == "en" or SCRIPTS[lang].search(text)), text


@pytest.mark.parametrize("lang", OTHERS)
def test_every_tencent_code_and_error_reads_in_each_language(lang: str) -> None:
    from timbot.tim.codes import CODES, explain

    for code, entry in [*CODES.items(), (99999, explain(99999))]:
        with language(lang):
            text = error_message(TimApiError(code, explanation=entry.explanation, host="x.example")).text
        assert text.startswith(f":warning: {code}: "), text
        assert SCRIPTS[lang].search(text.removeprefix(":warning:")), text
    with language(lang):
        assert SCRIPTS[lang].search(error_message(TimTransportError("HTTP 502")).text)
        assert SCRIPTS[lang].search(error_message(RuntimeError("boom"), ref="AB12").text)


@pytest.mark.parametrize("lang", ["en", *OTHERS])
def test_limits_hold_at_their_edges_in_each_language(lang: str) -> None:
    """100 rows with long names and IDs, huge counts: packed into one follow select, inside every limit."""
    from timbot.commands.follow import group_follows
    from timbot.tim.models import GroupInfo

    ids = [f"@TGS#_{'&<>' * 19}{i:03d}" for i in range(100)]
    with language(lang):
        infos = {gid: GroupInfo.model_validate({"GroupId": gid, "Name": "名" * 300, "Type": "AVChatRoom",
                                                "MemberNum": 10**9}) for gid in ids}
        follows = {gid: group_follows(gid, "AVChatRoom") for gid in ids[:60]}
        nxt = PagerButton(label="x", action_id="timbot_next", value="v" * 2000, primary=True)
        page = GroupsPage(header="/im-groups " + "x" * 300, number=10**6, buttons=(nxt,),
                          group_type="AVChatRoom", group_ids=ids, total=10**12, pages=10**10, infos=infos,
                          follows=follows)
        message = check(render_page(page, share=False))
    assert len(message["blocks"]) <= 50
    assert lang == "en" or SCRIPTS[lang].search(_words(message))
