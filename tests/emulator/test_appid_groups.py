"""get_appid_group_list as Tencent's page describes it: Limit, the Next cursor, GroupType, TotalCount."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.emulator.conftest import APPID_LIST, Call
from timbot.emulator import GROUP_TYPES, Emulator


async def test_empty_body_returns_every_group_in_one_answer(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    answer = await shared_call(APPID_LIST, {})
    assert list(answer) == ["ActionStatus", "ErrorInfo", "ErrorCode", "TotalCount", "GroupIdList", "Next"]
    ids = [item["GroupId"] for item in answer["GroupIdList"]]
    assert all(list(item) == ["GroupId"] for item in answer["GroupIdList"])
    assert ids == [g.group_id for g in shared_emulator.data.groups]
    assert answer["TotalCount"] == len(ids) >= 2000
    assert answer["Next"] == 0


@pytest.mark.parametrize("group_type", [None, *GROUP_TYPES])
async def test_walk_with_a_small_limit_sees_every_group_once(
    shared_call: Call, shared_emulator: Emulator, group_type: str | None
) -> None:
    expected = [g.group_id for g in shared_emulator.data.groups if group_type in (None, g.type)]
    limit = 97 if group_type is None else 17
    body: dict[str, object] = {"Limit": limit, "Next": 0}
    if group_type:
        body["GroupType"] = group_type
    seen: list[str] = []
    cursors: list[int] = []
    while True:
        answer = await shared_call(APPID_LIST, body)
        assert answer["ErrorCode"] == 0
        assert answer["TotalCount"] == len(expected)  # Limit and Next never change TotalCount
        page = [item["GroupId"] for item in answer["GroupIdList"]]
        assert len(page) <= limit
        seen += page
        if answer["Next"] == 0:
            break
        assert len(page) == limit
        cursors.append(answer["Next"])
        body["Next"] = answer["Next"]
    assert seen == expected
    assert len(set(seen)) == len(seen)
    assert cursors == sorted(cursors) and all(
        c > 2**32 for c in cursors
    )  # opaque, large, like the page's 4454685361


async def test_group_type_filter_and_counts(shared_call: Call, shared_emulator: Emulator) -> None:
    counts = Counter(g.type for g in shared_emulator.data.groups)
    assert set(counts) == set(GROUP_TYPES)
    for group_type in GROUP_TYPES:
        answer = await shared_call(APPID_LIST, {"GroupType": group_type, "Limit": 5})
        assert answer["TotalCount"] == counts[group_type]
        for item in answer["GroupIdList"]:
            assert shared_emulator.data.by_id[item["GroupId"]].type == group_type


@pytest.mark.parametrize(
    "body", [{"GroupType": "Work"}, {"GroupType": "public"}, {"Limit": 10001}, {"Limit": -5}]
)
async def test_invalid_parameters_answer_10004(shared_call: Call, body: dict[str, object]) -> None:
    answer = await shared_call(APPID_LIST, body)
    assert (answer["ActionStatus"], answer["ErrorCode"]) == ("FAIL", 10004)


async def test_limit_10000_is_the_maximum_and_the_default(shared_call: Call) -> None:
    assert (await shared_call(APPID_LIST, {"Limit": 10000}))["ErrorCode"] == 0
    assert len((await shared_call(APPID_LIST, {"Limit": 10000}))["GroupIdList"]) == len(
        (await shared_call(APPID_LIST, {}))["GroupIdList"]
    )


async def test_a_next_past_the_end_gives_an_empty_last_page(shared_call: Call) -> None:
    answer = await shared_call(APPID_LIST, {"Next": 2**62})
    assert (answer["GroupIdList"], answer["Next"], answer["ErrorCode"]) == ([], 0, 0)
    assert answer["TotalCount"] > 0
