"""Which language: a Slack locale, the terminal's LANG, --lang; the language follows the work into tasks."""

from __future__ import annotations

import asyncio

import pytest

from timbot.cli import terminal_language
from timbot.i18n import _, current, from_locale, language, ngettext, number, pick


@pytest.mark.parametrize(("locale", "lang"), [
    ("ja-JP", "ja"), ("ko-KR", "ko"), ("zh-CN", "zh"), ("zh-Hans-SG", "zh"), ("zh-Hans", "zh"),
    ("zh-TW", "en"), ("zh-Hant-HK", "en"), ("fr-FR", "en"), ("en-GB", "en"), ("en-US", "en"), ("", "en"),
    (None, "en"), ("pt-BR", "en"), ("JA-jp", "ja"),
])
def test_slack_locales(locale: str | None, lang: str) -> None:
    assert from_locale(locale) == lang


@pytest.mark.parametrize(("choices", "lang"), [
    (("ko", "ja", "zh_CN.UTF-8"), "ko"),            # --lang first
    ((None, "ja", "ko_KR.UTF-8"), "ja"),            # then TIMBOT_LANGUAGE
    ((None, None, "zh_CN.UTF-8"), "zh"),            # then the terminal
    ((None, "", "ja_JP.UTF-8"), "ja"),
    ((None, None, "C.UTF-8", "ko_KR.UTF-8"), "ko"),  # LC_ALL=C says nothing; LANG does
    ((None, None, "en_US.UTF-8", "ja_JP.UTF-8"), "en"),
    ((None, None, "fr_FR.UTF-8"), "en"),
    ((None, None, None), "en"),
])
def test_terminal_choice(choices: tuple[str | None, ...], lang: str) -> None:
    assert pick(*choices) == lang


def test_the_terminal_language_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TIMBOT_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert terminal_language() == "en"
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert terminal_language() == "ja" and terminal_language("zh") == "zh"
    monkeypatch.setenv("TIMBOT_LANGUAGE", "ko")
    assert terminal_language() == "ko"


def test_words_and_numbers_in_each_language() -> None:
    assert _("Next ▶") == "Next ▶" and number(1234567) == "1,234,567"
    with language("ja"):
        assert _("Next ▶") == "次へ ▶" and number(1234567) == "1,234,567"
        assert ngettext("{count} group", "{count} groups", 2).format(count=number(2)) == "グループ 2 件"
    with language("ko"):
        assert _("Details") == "상세 정보"
    with language("zh"):
        assert _("Friend lists") == "好友分组" and current() == "zh"
    with language("fr"):  # not one of ours: English
        assert current() == "en" and _("Share") == "Share"
    assert current() == "en"
    assert ngettext("{count} group", "{count} groups", 1) == "{count} group"


async def test_tasks_made_inside_keep_the_language() -> None:
    """Bolt's listener hands the work to a task: it answers in the language set when it was made, even
    after the listener has moved on (and another request's language does not leak into it)."""
    started = asyncio.Event()

    async def work() -> str:
        await started.wait()
        return _("Share")

    with language("ko"):
        korean = asyncio.create_task(work())
    with language("ja"):
        japanese = asyncio.create_task(work())
    started.set()
    assert await korean == "공유" and await japanese == "共有" and current() == "en"
