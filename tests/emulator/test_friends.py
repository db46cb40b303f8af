"""sns/group_get as Tencent's page describes it: lists, friend counts, To_Account, GroupName."""

from __future__ import annotations

import pytest

from tests.emulator.conftest import FRIEND_LISTS, Call
from timbot.emulator import Emulator


async def test_basic_request_lists_names_and_counts(shared_call: Call, shared_emulator: Emulator) -> None:
    answer = await shared_call(FRIEND_LISTS, {"From_Account": "leckie"})
    assert set(answer) == {
        "ResultItem",
        "CurrentSequence",
        "ActionStatus",
        "ErrorCode",
        "ErrorInfo",
        "ErrorDisplay",
    }
    assert (answer["ActionStatus"], answer["ErrorCode"], answer["ErrorDisplay"]) == ("OK", 0, "")
    items = answer["ResultItem"]
    assert len(items) == 32 == shared_emulator.data.showcase.user_friend_lists
    assert all(set(item) == {"GroupName", "FriendNumber"} for item in items)
    assert len({item["GroupName"] for item in items}) == 32
    assert isinstance(answer["CurrentSequence"], int) and answer["CurrentSequence"] >= 32
    assert 100 <= sum(item["FriendNumber"] for item in items)


async def test_need_friend_returns_to_account(shared_call: Call, shared_emulator: Emulator) -> None:
    answer = await shared_call(FRIEND_LISTS, {"From_Account": "leckie", "NeedFriend": "Need_Friend_Type_Yes"})
    friends: set[str] = set()
    for item in answer["ResultItem"]:
        assert len(item["To_Account"]) == item["FriendNumber"]
        assert all(friend in shared_emulator.data.user_index for friend in item["To_Account"])
        friends |= set(item["To_Account"])
    assert len(friends) == shared_emulator.data.showcase.user_friends and "leckie" not in friends


async def test_group_name_selects_lists_with_and_without_friends(shared_call: Call) -> None:
    everything = await shared_call(
        FRIEND_LISTS, {"From_Account": "leckie", "NeedFriend": "Need_Friend_Type_Yes"}
    )
    by_name = {item["GroupName"]: item for item in everything["ResultItem"]}
    wanted = list(by_name)[3:5]
    complete = await shared_call(
        FRIEND_LISTS, {"From_Account": "leckie", "NeedFriend": "Need_Friend_Type_Yes", "GroupName": wanted}
    )
    assert complete["ResultItem"] == [by_name[name] for name in wanted]  # the doc's "complete request"
    counts = await shared_call(
        FRIEND_LISTS, {"From_Account": "leckie", "GroupName": [*wanted, "no such list"]}
    )
    assert [(i["GroupName"], i["FriendNumber"]) for i in counts["ResultItem"]] == [
        (name, by_name[name]["FriendNumber"]) for name in wanted
    ]
    assert all("To_Account" not in i for i in counts["ResultItem"])


async def test_other_users_have_fewer_lists(shared_call: Call, shared_emulator: Emulator) -> None:
    sizes = []
    for user in shared_emulator.data.users[10:40]:
        answer = await shared_call(FRIEND_LISTS, {"From_Account": user})
        assert answer["ErrorCode"] == 0
        sizes.append(len(answer["ResultItem"]))
    assert 0 in sizes and max(sizes) <= 32 and len(set(sizes)) > 2


@pytest.mark.parametrize(("body", "code"), [
    ({"From_Account": "nobody_here"}, 30003),
    ({"From_Account": "leckie", "GroupName": [f"l{i}" for i in range(33)]}, 30001),
    ({"From_Account": ""}, 30001),
])  # fmt: skip
async def test_errors(shared_call: Call, body: dict[str, object], code: int) -> None:
    answer = await shared_call(FRIEND_LISTS, body)
    assert (answer["ActionStatus"], answer["ErrorCode"], answer["ErrorDisplay"]) == ("FAIL", code, "")
