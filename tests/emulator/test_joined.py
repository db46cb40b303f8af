"""get_joined_group_list as Tencent's page describes it: paging, type, huge/inactive/topic flags, filters."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.conftest import JOINED, Call
from timbot.emulator import Emulator


def _truth(emulator: Emulator, user: str, **flags: Any) -> list[str]:
    """The user's groups as the page defines them, from the generated data."""
    data = emulator.data
    groups = [g for g, _ in data.joined_index[data.user_index[user]]]
    return [
        g.group_id
        for g in groups
        if (flags.get("kind") in (None, g.type))
        and (flags.get("huge") or g.type != "AVChatRoom")
        and (flags.get("inactive") or g.type != "Private" or g.active)
        and (not flags.get("topics") or g.support_topic)
    ]


async def test_basic_request_returns_group_ids_only(shared_call: Call, shared_emulator: Emulator) -> None:
    answer = await shared_call(JOINED, {"Member_Account": "leckie"})
    assert list(answer) == ["ActionStatus", "ErrorInfo", "ErrorCode", "TotalCount", "GroupIdList"]
    expected = _truth(shared_emulator, "leckie")
    assert answer["TotalCount"] == len(expected) >= 100
    assert [item["GroupId"] for item in answer["GroupIdList"]] == expected
    assert all(list(item) == ["GroupId"] for item in answer["GroupIdList"])


async def test_hidden_by_default_are_live_rooms_and_inactive_private_groups(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    data = shared_emulator.data
    plain = await shared_call(
        JOINED, {"Member_Account": "leckie", "ResponseFilter": {"GroupBaseInfoFilter": ["Type"]}}
    )
    assert "AVChatRoom" not in {item["Type"] for item in plain["GroupIdList"]}
    assert all(data.by_id[i["GroupId"]].active for i in plain["GroupIdList"] if i["Type"] == "Private")
    everything = await shared_call(
        JOINED, {"Member_Account": "leckie", "WithHugeGroups": 1, "WithNoActiveGroups": 1}
    )
    assert everything["TotalCount"] == len(data.joined_index[0]) == data.showcase.user_groups
    assert everything["TotalCount"] > plain["TotalCount"]
    ids = {item["GroupId"] for item in everything["GroupIdList"]}
    assert any(data.by_id[i].type == "AVChatRoom" for i in ids)
    assert any(data.by_id[i].type == "Private" and not data.by_id[i].active for i in ids)
    huge = await shared_call(JOINED, {"Member_Account": "leckie", "WithHugeGroups": 1})
    assert huge["TotalCount"] == len(_truth(shared_emulator, "leckie", huge=True))


@pytest.mark.parametrize("limit", [1, 7, 50])
async def test_limit_offset_walk_sees_every_group_once(
    shared_call: Call, shared_emulator: Emulator, limit: int
) -> None:
    expected = _truth(shared_emulator, "leckie", huge=True, inactive=True)
    seen: list[str] = []
    offset = 0
    while True:
        body = {
            "Member_Account": "leckie",
            "Limit": limit,
            "Offset": offset,
            "WithHugeGroups": 1,
            "WithNoActiveGroups": 1,
        }
        answer = await shared_call(JOINED, body)
        assert answer["TotalCount"] == len(expected)  # Limit and Offset never change it
        assert len(answer["GroupIdList"]) <= limit
        seen += [item["GroupId"] for item in answer["GroupIdList"]]
        offset += limit
        if offset >= answer["TotalCount"]:
            break
    assert seen == expected


async def test_group_type_filter(shared_call: Call, shared_emulator: Emulator) -> None:
    for kind in ("Public", "Private", "ChatRoom", "Community"):
        answer = await shared_call(JOINED, {"Member_Account": "leckie", "GroupType": kind})
        assert [i["GroupId"] for i in answer["GroupIdList"]] == _truth(shared_emulator, "leckie", kind=kind)
        assert answer["TotalCount"] >= 1
    assert (await shared_call(JOINED, {"Member_Account": "leckie", "GroupType": "Meeting"}))[
        "ErrorCode"
    ] == 10004


async def test_topic_communities(shared_call: Call, shared_emulator: Emulator) -> None:
    body = {"Member_Account": "leckie", "GroupType": "Community", "SupportTopic": 1}
    answer = await shared_call(JOINED, body)
    expected = _truth(shared_emulator, "leckie", kind="Community", topics=True)
    assert [i["GroupId"] for i in answer["GroupIdList"]] == expected and expected
    for item in answer["GroupIdList"]:
        assert item["Type"] == "Community" and item["SupportTopic"] == 1
        assert item["GrossTopicNextMsgSeq"] >= 1 and set(item["SelfInfo"]) == {"GrossTopicReadSeq"}
    refused = await shared_call(JOINED, {"Member_Account": "leckie", "SupportTopic": 1})
    assert (refused["ErrorCode"], "SupportTopic" in refused["ErrorInfo"]) == (10004, True)


async def test_response_filters(shared_call: Call, shared_emulator: Emulator) -> None:
    body = {
        "Member_Account": "leckie",
        "Limit": 10,
        "ResponseFilter": {
            "GroupBaseInfoFilter": ["Type", "Name", "Introduction", "Notification"],
            "SelfInfoFilter": ["Role", "JoinTime"],
        },
    }
    answer = await shared_call(JOINED, body)
    assert len(answer["GroupIdList"]) == 10
    for item in answer["GroupIdList"]:
        assert set(item) == {"GroupId", "Type", "Name", "Introduction", "Notification", "SelfInfo"}
        assert set(item["SelfInfo"]) == {"Role", "JoinTime"}
        assert item["SelfInfo"]["Role"] in ("Owner", "Admin", "Member")
        assert item["Name"] == shared_emulator.data.by_id[item["GroupId"]].name
    roles = await shared_call(
        JOINED, {"Member_Account": "leckie", "ResponseFilter": {"SelfInfoFilter": ["Role"]}}
    )
    assert {"Owner", "Member"} <= {i["SelfInfo"]["Role"] for i in roles["GroupIdList"]}


async def test_every_user_has_consistent_membership(shared_call: Call, shared_emulator: Emulator) -> None:
    data = shared_emulator.data
    user = data.users[123]
    answer = await shared_call(JOINED, {"Member_Account": user, "WithHugeGroups": 1, "WithNoActiveGroups": 1,
                                        "ResponseFilter": {"SelfInfoFilter": ["Role"]}})  # fmt: skip
    assert answer["TotalCount"] >= 1
    for item in answer["GroupIdList"]:
        group = data.by_id[item["GroupId"]]
        members = {m.account: m.role for m in data.members(group)}
        assert members[user] == item["SelfInfo"]["Role"]


@pytest.mark.parametrize(("body", "code"), [
    ({"Member_Account": "nobody_here"}, 10019),
    ({"Member_Account": ""}, 10004),
    ({"Member_Account": "leckie", "Limit": 5001}, 10004),
    ({"Member_Account": "leckie", "Offset": -1}, 10004),
])  # fmt: skip
async def test_errors(shared_call: Call, body: dict[str, Any], code: int) -> None:
    answer = await shared_call(JOINED, body)
    assert (answer["ActionStatus"], answer["ErrorCode"]) == ("FAIL", code)
