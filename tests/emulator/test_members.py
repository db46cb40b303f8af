"""get_members as Tencent's page describes it: online members, Timestamp paging, Mark, the 1000 cap."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulator.conftest import MEMBERS, Call, fresh_emulator, make_call
from timbot.emulator import Emulator


async def _walk(call: Call, group_id: str, **extra: Any) -> tuple[list[dict[str, Any]], int]:
    members: list[dict[str, Any]] = []
    timestamp, pages = 0, 0
    while True:
        answer = await call(MEMBERS, {"GroupId": group_id, "Timestamp": timestamp, **extra})
        assert answer["ErrorCode"] == 0, answer
        assert list(answer) == ["ActionStatus", "ErrorInfo", "ErrorCode", "MemberList", "NextTimestamp"]
        members += answer["MemberList"]
        pages += 1
        if answer["NextTimestamp"] == 0:
            return members, pages
        timestamp = answer["NextTimestamp"]


async def test_walk_of_the_big_live_room_returns_the_1000_most_recent(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    showcase = shared_emulator.data.showcase
    assert showcase.live_room_online > 1000
    members, pages = await _walk(shared_call, showcase.live_room_id)
    assert pages == 2  # 500 + 500
    assert len(members) == 1000 == len({m["Member_Account"] for m in members})
    assert all(list(m) == ["Member_Account", "JoinTime", "NickName", "Avatar"] for m in members)
    times = [m["JoinTime"] for m in members]
    assert times == sorted(times, reverse=True)
    online = shared_emulator.data.online_members(shared_emulator.data.by_id[showcase.live_room_id])
    assert min(times) > max(m.join_time for m in online[1000:])  # the older ones are cut off


@pytest.mark.parametrize("page_size", [250, 37])
async def test_page_size_is_a_parameter(page_size: int) -> None:
    emulator = fresh_emulator(enforce_rate_limits=False, page_size=page_size)
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://tim") as client:
        room = next(g for g in emulator.data.groups if g.type == "AVChatRoom" and 300 < g.online < 900)
        members, pages = await _walk(make_call(client), room.group_id)
    assert len(members) == room.online == len({m["Member_Account"] for m in members})
    assert pages == -(-room.online // page_size)


async def test_mark_filter(shared_call: Call, shared_emulator: Emulator) -> None:
    showcase = shared_emulator.data.showcase
    data = shared_emulator.data
    room = data.by_id[showcase.live_room_id]
    assert showcase.live_room_marks and all(mark >= 1000 for mark in showcase.live_room_marks)
    mark = showcase.live_room_marks[0]
    members, _ = await _walk(shared_call, room.group_id, Mark=mark)
    expected = [m.account for m in data.online_members(room)[:1000] if mark in m.marks]
    assert [m["Member_Account"] for m in members] == expected and 0 < len(expected) < 1000
    assert (await _walk(shared_call, room.group_id, Mark=4242))[0] == []


async def test_small_rooms_answer_in_one_page(shared_call: Call, shared_emulator: Emulator) -> None:
    room = next(g for g in shared_emulator.data.groups if g.type == "AVChatRoom" and 0 < g.online < 500)
    answer = await shared_call(MEMBERS, {"GroupId": room.group_id, "Timestamp": 0})
    assert len(answer["MemberList"]) == room.online and answer["NextTimestamp"] == 0
    assert any(m["NickName"] for m in answer["MemberList"])


async def test_communities_are_supported_other_types_are_not(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    community = shared_emulator.data.showcase.community_group_id
    assert (await shared_call(MEMBERS, {"GroupId": community, "Timestamp": 0}))["ErrorCode"] == 0
    for kind in ("Public", "Private", "ChatRoom"):
        group = next(g for g in shared_emulator.data.groups if g.type == kind)
        answer = await shared_call(MEMBERS, {"GroupId": group.group_id, "Timestamp": 0})
        assert (answer["ActionStatus"], answer["ErrorCode"]) == ("FAIL", 10007)


async def test_missing_and_malformed_groups(shared_call: Call) -> None:
    assert (await shared_call(MEMBERS, {"GroupId": "@TGS#aNOSUCH99", "Timestamp": 0}))["ErrorCode"] == 10010
    assert (await shared_call(MEMBERS, {"GroupId": "@TGS#", "Timestamp": 0}))["ErrorCode"] == 10015


ONLINE = "group_open_http_svc/get_online_member_num"


async def test_the_online_count_counts_everyone_the_1000_cap_hides(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    showcase = shared_emulator.data.showcase
    answer = await shared_call(ONLINE, {"GroupId": showcase.live_room_id})
    assert answer["ErrorCode"] == 0 and answer["OnlineMemberNum"] == showcase.live_room_online > 1000
    not_live = await shared_call(ONLINE, {"GroupId": showcase.big_group_id})
    missing = await shared_call(ONLINE, {"GroupId": "@TGS#aNoSuchRoom"})
    assert (not_live["ErrorCode"], missing["ErrorCode"]) == (10007, 10010)
