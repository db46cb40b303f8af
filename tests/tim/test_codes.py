"""The error-code table: every documented code has the right kind and words a Slack user understands."""

from __future__ import annotations

import pytest

from timbot.tim.codes import CODES, KINDS, explain

# Every code of Tencent's "Error Codes" page and of its UserSig page, plus the codes each API's page lists.
DOCUMENTED = [
    60002, 60003, 60004, 60005, 60006, 60007, 60008, 60009, 60010, 60011, 60012, 60013, 60014, 60015,
    60016, 60017, 60018, 60019, 60020, 60021, 80001, 80002, 70001, 70002, 70003, 70005, 70009, 70013,
    70014, 70016, 70020, 70050, 70051, 70052, 70107, 70114, 70169, 70202, 70206, 70398, 70402, 70403,
    70500, 71000, 10001, 10002, 10003, 10004, 10005, 10006, 10007, 10008, 10009, 10010, 10011, 10012,
    10013, 10014, 10015, 10016, 10017, 10018, 10019, 10021, 10023, 10025, 10026, 30001, 30002, 30003,
    30004, 30005, 30006, 30007, 30008, 30010, 30011, 20004, 20005,
]  # fmt: skip
TRANSIENT = {10002, 30006, 30007, 60008, 60013, 60014, 70169, 70202, 70500, 20004, 20005, 10008}
RATE_LIMIT = {60007, 60011, 60018, 60019, 10006, 10023, 70050}
SIG = {70001, 70052, 60004, 60005}


@pytest.mark.parametrize("code", DOCUMENTED)
def test_every_documented_code_is_known_with_one_line_of_plain_words(code: int) -> None:
    entry = CODES[code]
    assert entry.kind in KINDS
    assert entry.explanation and "\n" not in entry.explanation and len(entry.explanation) < 120
    assert "<" not in entry.explanation and "*" not in entry.explanation  # no markup in the words


def test_kinds_follow_the_retry_policy() -> None:
    for code in DOCUMENTED:
        expected = (
            "transient" if code in TRANSIENT else
            "rate_limit" if code in RATE_LIMIT else
            "sig" if code in SIG else "fatal"
        )  # fmt: skip
        assert CODES[code].kind == expected, code


def test_explanations_users_see() -> None:
    assert CODES[10010].explanation == "the group does not exist or was dismissed"
    assert "group ID is invalid" in CODES[10015].explanation
    assert "1 MB" in CODES[10018].explanation
    assert "GroupType" in CODES[10004].explanation or "group type" in CODES[10004].explanation


@pytest.mark.parametrize("code", [70016, 70020])
def test_wrong_region_codes_name_the_region_settings(code: int) -> None:
    text = explain(code).explanation
    assert "TIM_REGION" in text and "TIM_BASE_URL" in text


def test_unknown_code_is_fatal_with_a_generic_text_naming_it() -> None:
    entry = explain(123456)
    assert entry.kind == "fatal"
    assert "123456" in entry.explanation
    assert explain(10010) is CODES[10010]
