"""Through the real app: each Slack user is answered in their locale's language (help, pages, buttons, follow
options, errors, refusals), a click in the clicker's, any other locale in English, TIMBOT_LANGUAGE for all."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.acceptance.blockkit import check_message
from tests.e2e.conftest import Stack, buttons, running_stack
from tests.e2e.test_follow import _follow
from tests.slack.fakes import TEAM
from timbot.emulator import Emulator

SCRIPTS = {"ja": re.compile(r"[\u3040-\u30ff]"), "ko": re.compile(r"[\uac00-\ud7af]"),
           "zh": re.compile(r"[\u4e00-\u9fff]")}
CJK = re.compile(r"[\u3040-\u30ff\uac00-\ud7af\u4e00-\u9fff]")
#: Slack users by the language their locale asks for.
USERS = {"ja": ("U0JAPAN", "ja-JP"), "ko": ("U0KOREA", "ko-KR"), "zh": ("U0CHINA", "zh-CN"),
         "fr": ("U0FRANCE", "fr-FR"), "en": ("U0ENGLAND", "en-GB")}


def _person(stack: Stack, lang: str, *, user: str | None = None, **extra: Any) -> str:
    """A Slack user of ``lang``'s locale (the checks cache each user: a guest needs an ID of its own)."""
    default, locale = USERS[lang]
    user = user or default
    stack.slack.users[user] = {"id": user, "team_id": TEAM, "locale": locale, "is_restricted": False, **extra}
    return user


def _chrome(message: dict[str, Any]) -> str:
    """timbot's own words on a page: the context's page count, the buttons, the follow options."""
    found: list[str] = []
    for block in message["blocks"]:
        if block["type"] == "context":
            found.append(block["elements"][-1]["text"])
        for element in [*block.get("elements", []), *([block["accessory"]] if "accessory" in block else [])]:
            if element.get("type") == "button":
                found.append(element["text"]["text"])
            found.extend(option["text"]["text"] for option in element.get("options", []))
    return "\n".join(found)


def _first_follow(message: dict[str, Any]) -> dict[str, Any]:
    element = next(b["accessory"] for b in message["blocks"] if "accessory" in b)
    return element if element["type"] == "button" else element["options"][0]


@pytest.mark.parametrize("lang", ["ja", "ko", "zh"])
def test_each_locale_reads_its_language(fresh: Stack, lang: str) -> None:
    user = _person(fresh, lang)
    english = fresh.answer(fresh.command("/im-groups", "--limit 5", user=_person(fresh, "en")))
    page = fresh.answer(fresh.command("/im-groups", "--limit 5", user=user))
    assert SCRIPTS[lang].search(_chrome(page)), _chrome(page)
    assert page["blocks"][0] == english["blocks"][0] and buttons(page) == buttons(english)  # data, values
    assert SCRIPTS[lang].search(page["text"])  # the fallback too
    # the help and a usage error (no Tencent call)
    calls = fresh.emulator.call_count
    usage = fresh.answer(fresh.command("/im-joined", "--bogus", user=user))
    helped = fresh.answer(fresh.command("/im-room", "help", user=user))
    assert fresh.emulator.call_count == calls
    assert SCRIPTS[lang].search(usage["blocks"][0]["text"]["text"]) and "--bogus" in usage["text"]
    assert "/im-room GROUP_ID [--mark N]" in helped["text"] and SCRIPTS[lang].search(helped["text"])
    # Next, as the same user; a follow option
    second = fresh.answer(fresh.click("timbot_next", buttons(page)["timbot_next"], user=user))
    assert second["replace_original"] is True and SCRIPTS[lang].search(_chrome(second))
    followed = fresh.answer(_follow(fresh, _first_follow(page), user=user))
    assert SCRIPTS[lang].search(followed["text"])
    # a Tencent error, on the card of a group that does not exist; a value that does not parse
    missing = fresh.answer(fresh.command("/im-group", "@TGS#nope", user=user))
    assert "10010: " in missing["text"] and SCRIPTS[lang].search(missing["text"].split("10010: ")[1])
    expired = fresh.answer(fresh.click("timbot_next", "not-a-real-value", user=user))
    assert expired["text"].startswith(":hourglass: ") and SCRIPTS[lang].search(expired["text"])
    for message in (page, usage, helped, second, followed, missing, expired):
        check_message(message)  # Block Kit's limits, in every language


def test_a_click_is_answered_in_the_clickers_language(fresh: Stack) -> None:
    page = fresh.answer(fresh.command("/im-groups", "--limit 5", user=_person(fresh, "ja")))
    korean = fresh.answer(fresh.click("timbot_next", buttons(page)["timbot_next"], user=_person(fresh, "ko")))
    assert SCRIPTS["ko"].search(_chrome(korean)) and not SCRIPTS["ja"].search(_chrome(korean))


def test_another_locale_reads_english(fresh: Stack) -> None:
    french = fresh.answer(fresh.command("/im-groups", "--limit 5", user=_person(fresh, "fr")))
    english = fresh.answer(fresh.command("/im-groups", "--limit 5", user=_person(fresh, "en")))
    assert french["blocks"] == english["blocks"] and french["text"] == english["text"]
    assert "page 1 of" in _chrome(french) and not CJK.search(_chrome(french))


def test_a_refusal_in_the_callers_language(fresh: Stack) -> None:
    guest = _person(fresh, "zh", user="U0GUESTZH", is_restricted=True)
    refused = fresh.answer(fresh.command("/im-groups", "", user=guest))
    assert refused["text"] == ":no_entry: 抱歉，此工作区的访客账号不能使用 timbot。"


def test_timbot_language_sets_it_for_everyone() -> None:
    with running_stack(Emulator(seed=0), timbot_language="ko") as stack:
        for lang in ("ja", "fr"):
            page = stack.answer(stack.command("/im-groups", "--limit 5", user=_person(stack, lang)))
            assert SCRIPTS["ko"].search(_chrome(page)) and not SCRIPTS["ja"].search(_chrome(page))
