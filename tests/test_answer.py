"""The one mapping from an error to a reply: each class's words, audit outcome and exit code, and anything
nobody decided about logged with the ref the user is shown."""

from __future__ import annotations

import logging
import re

import pytest

from tests.commands.fake import FakeTim
from timbot.answer import failure, reply_click, reply_command
from timbot.errors import (
    AccessDenied,
    ConfigError,
    ExpiredError,
    TimApiError,
    TimbotError,
    TimError,
    TimProtocolError,
    TimTransportError,
    UsageError,
    UserSigError,
)


@pytest.mark.parametrize(("exc", "outcome", "exit_code", "words"), [
    (UsageError("unknown flag --x", usage="/im-groups [TYPE]"), "usage", 2, ":x: unknown flag --x"),
    (ExpiredError("bad base64"), "expired", 2, ":hourglass: this result has expired; run the command again."),
    (ConfigError("TIM_SDKAPPID", "is required but not set"), "config", 2, "TIM_SDKAPPID: is required"),
    (AccessDenied("guest accounts cannot use timbot"), "refused", 1, ":no_entry: guest accounts cannot"),
    (UserSigError("bad signature"), "usersig", 1, "the UserSig does not verify (bad signature)"),
    (TimApiError(10010, explanation="the group does not exist or was dismissed"), "tim:10010", 1,
     ":warning: 10010: the group does not exist or was dismissed"),
    (TimTransportError("HTTP 502 at https://h/v4/x?usersig=SIGVALUE&sdkappid=1"), "tim:transport", 1,
     "could not be reached (HTTP 502 at https://h/v4/x…)"),
    (TimProtocolError("not JSON"), "tim:protocol", 1, "cannot read (not JSON)"),
    (TimError(), "tim", 1, "did not give the data"),
])
def test_each_error_class_decides_its_words_outcome_and_exit_code(
    exc: TimbotError, outcome: str, exit_code: int, words: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, "timbot.answer"):
        failed = failure(exc, what="test")
    assert (failed.outcome, failed.exit_code, failed.page) == (outcome, exit_code, False)
    assert words in failed.message.text and "SIGVALUE" not in failed.message.text
    assert caplog.records == []  # an expected error is not an incident


class Unmapped(TimbotError):
    """A new error class whose author forgot to give it words."""


@pytest.mark.parametrize("exc", [Unmapped("internal detail"), RuntimeError("xoxb-secret-token")])
def test_an_error_nobody_decided_about_is_logged_with_the_ref_the_user_sees(
    exc: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise exc
    except Exception as raised:
        with caplog.at_level(logging.ERROR, "timbot.answer"):
            failed = failure(raised, what="command /im-groups")
    match = re.search(r"something went wrong \(ref ([0-9A-F]{6})\)", failed.message.text)
    assert match is not None, failed.message.text
    ref = match.group(1)
    assert failed.outcome == f"error:{ref}" and failed.exit_code == 1
    (record,) = caplog.records
    assert ref in record.getMessage() and "command /im-groups" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is exc  # the traceback is in the log
    assert "internal detail" not in failed.message.text and "xoxb" not in failed.message.text


async def test_reply_answers_or_maps_without_raising() -> None:
    fake = FakeTim()
    ok = await reply_command(fake, "/im-groups", "--limit 5")
    assert ok.page and ok.outcome == "ok" and ok.exit_code == 0
    bad = await reply_command(fake, "/im-groups", "--limit 0")
    assert not bad.page and bad.outcome == "usage" and "--limit must be" in bad.message.text
    expired = await reply_click(fake, "not-a-value")
    assert expired.outcome == "expired" and expired.exit_code == 2 and not expired.page


async def test_a_page_that_only_shows_tencents_error_is_a_page_with_its_code() -> None:
    answered = await reply_command(FakeTim(), "/im-group", "@TGS#nope")
    assert answered.page and answered.outcome == "tim:10010" and answered.exit_code == 1
    assert "10010: the group does not exist" in answered.message.text
    assert answered.message.text.count("10010") == 1  # said once: on the card, not again in the context
