"""get_group_info as Tencent's page describes it: fields, filters, per-group codes, 50 IDs, the 1 MB limit."""

from __future__ import annotations

import json

from tests.emulator.conftest import GROUP_INFO, Call
from timbot.emulator import Emulator
from timbot.emulator.model import Group

BASE_FIELDS = [
    "Type", "Name", "Appid", "Introduction", "Notification", "FaceUrl", "Owner_Account", "CreateTime",
    "InfoSeq", "LastInfoTime", "LastMsgTime", "NextMsgSeq", "MemberNum", "MaxMemberNum", "ApplyJoinOption",
    "InviteJoinOption", "MuteAllMember",
]  # fmt: skip
MEMBER_FIELDS = [
    "Member_Account", "Role", "JoinTime", "MsgSeq", "MsgFlag", "LastSendMsgTime", "MuteUntil", "NameCard",
    "AppMemberDefinedData",
]  # fmt: skip


def _small_groups(emulator: Emulator, count: int) -> list[Group]:
    return [g for g in emulator.data.groups if 3 <= g.size <= 40 and g.type == "Public"][:count]


async def test_basic_request_returns_all_basic_info_members_and_custom_data(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    group = next(g for g in _small_groups(shared_emulator, 50) if g.app_defined_data)
    answer = await shared_call(GROUP_INFO, {"GroupIdList": [group.group_id]})
    (info,) = answer["GroupInfo"]
    assert list(info)[:3] == ["GroupId", "ErrorCode", "ErrorInfo"]
    assert (info["GroupId"], info["ErrorCode"], info["ErrorInfo"]) == (group.group_id, 0, "")
    assert set(BASE_FIELDS) <= set(info)
    assert info["Type"] == "Public" and info["Name"] == group.name and info["Appid"] == 1400000000
    assert info["ApplyJoinOption"] in ("FreeAccess", "NeedPermission", "DisableApply")
    assert info["MuteAllMember"] in ("On", "Off")
    assert info["AppDefinedData"] == [{"Key": k, "Value": v} for k, v in group.app_defined_data]
    members = info["MemberList"]
    assert info["MemberNum"] == len(members) >= 3
    assert all(list(m) == MEMBER_FIELDS for m in members)
    roles = [m["Role"] for m in members]
    assert roles[0] == "Owner" and roles.count("Owner") == 1 and set(roles) <= {"Owner", "Admin", "Member"}
    assert info["Owner_Account"] == members[0]["Member_Account"]
    assert len({m["Member_Account"] for m in members}) == len(members)
    assert all(m["JoinTime"] >= info["CreateTime"] for m in members)
    assert all(m["MsgFlag"] in ("AcceptAndNotify", "AcceptNotNotify", "Discard") for m in members)


async def test_filters_return_only_the_fields_asked_for(shared_call: Call, shared_emulator: Emulator) -> None:
    group = next(g for g in _small_groups(shared_emulator, 50) if len(g.app_defined_data) >= 2)
    body = {
        "GroupIdList": [group.group_id],
        "ResponseFilter": {
            "GroupBaseInfoFilter": ["Type", "Name", "Introduction", "Notification"],
            "MemberInfoFilter": ["Account", "Role"],
            "AppDefinedDataFilter_Group": ["Region"],
            "AppDefinedDataFilter_GroupMember": ["Level"],
        },
    }
    (info,) = (await shared_call(GROUP_INFO, body))["GroupInfo"]
    assert set(info) == {"GroupId", "ErrorCode", "ErrorInfo", "Type", "Name", "Introduction", "Notification",
                         "AppDefinedData", "MemberList"}  # fmt: skip
    assert [kv["Key"] for kv in info["AppDefinedData"]] == ["Region"]
    for member in info["MemberList"]:
        assert set(member) == {"Member_Account", "Role", "AppMemberDefinedData"}
        assert all(kv["Key"] == "Level" for kv in member["AppMemberDefinedData"])
    assert any(member["AppMemberDefinedData"] for member in info["MemberList"])


async def test_a_base_filter_alone_drops_members_and_custom_data(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    group = _small_groups(shared_emulator, 1)[0]
    body = {
        "GroupIdList": [group.group_id],
        "ResponseFilter": {"GroupBaseInfoFilter": ["MemberNum", "ShutUpAllMember"]},
    }
    (info,) = (await shared_call(GROUP_INFO, body))["GroupInfo"]
    assert set(info) == {
        "GroupId",
        "ErrorCode",
        "ErrorInfo",
        "MemberNum",
        "ShutUpAllMember",
    }  # old spelling kept
    assert info["MemberNum"] == len(shared_emulator.data.member_indices(group))


async def test_per_group_error_codes(shared_call: Call, shared_emulator: Emulator) -> None:
    good = shared_emulator.data.groups[3].group_id
    ids = [good, "@TGS#2NOSUCHGRP", "", "@TGS#", "x" * 49, "caf\u00e9", good]
    answer = await shared_call(GROUP_INFO, {"GroupIdList": ids})
    assert (answer["ActionStatus"], answer["ErrorCode"]) == ("OK", 0)
    infos = answer["GroupInfo"]
    assert [i["GroupId"] for i in infos] == ids  # in the order asked, duplicates included
    assert [i["ErrorCode"] for i in infos] == [0, 10010, 10015, 10015, 10015, 10015, 0]
    assert all(i["ErrorInfo"] for i in infos if i["ErrorCode"])
    assert set(infos[1]) == {"GroupId", "ErrorCode", "ErrorInfo"}


async def test_fifty_ids_at_most(shared_call: Call, shared_emulator: Emulator) -> None:
    ids = [g.group_id for g in _small_groups(shared_emulator, 51)]
    assert len(ids) == 51
    filter_ = {"GroupBaseInfoFilter": ["Name"]}
    answer = await shared_call(GROUP_INFO, {"GroupIdList": ids[:50], "ResponseFilter": filter_})
    assert answer["ErrorCode"] == 0 and len(answer["GroupInfo"]) == 50
    answer = await shared_call(GROUP_INFO, {"GroupIdList": ids, "ResponseFilter": filter_})
    assert (answer["ActionStatus"], answer["ErrorCode"]) == ("FAIL", 10004)
    assert "GroupIdList" in answer["ErrorInfo"]


async def test_answers_over_one_megabyte_are_refused_with_10018(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    showcase = shared_emulator.data.showcase
    big = list(showcase.big_group_ids)
    assert len(big) >= 2 and showcase.big_group_members >= 2000
    single = await shared_call(GROUP_INFO, {"GroupIdList": [showcase.big_group_id]})
    assert single["ErrorCode"] == 0
    assert len(single["GroupInfo"][0]["MemberList"]) == showcase.big_group_members
    batch = big + [g.group_id for g in shared_emulator.data.groups[: 50 - len(big)]]
    refused = await shared_call(GROUP_INFO, {"GroupIdList": batch})
    assert (refused["ActionStatus"], refused["ErrorCode"]) == ("FAIL", 10018)
    assert "GroupInfo" not in refused
    no_members = await shared_call(
        GROUP_INFO, {"GroupIdList": batch, "ResponseFilter": {"GroupBaseInfoFilter": ["Name"]}}
    )
    assert no_members["ErrorCode"] == 0 and len(no_members["GroupInfo"]) == 50


async def test_binary_custom_data_survives_json(shared_call: Call, shared_emulator: Emulator) -> None:
    group = next(g for g in shared_emulator.data.groups if ("Blob", "abc\u0000\u0001") in g.app_defined_data)
    body = {"GroupIdList": [group.group_id], "ResponseFilter": {"AppDefinedDataFilter_Group": ["Blob"]}}
    (info,) = (await shared_call(GROUP_INFO, body))["GroupInfo"]
    assert info["AppDefinedData"] == [{"Key": "Blob", "Value": "abc\u0000\u0001"}]


async def test_hostile_names_come_back_verbatim(shared_call: Call, shared_emulator: Emulator) -> None:
    ids = list(shared_emulator.data.showcase.hostile_group_ids)
    body = {"GroupIdList": ids, "ResponseFilter": {"GroupBaseInfoFilter": ["Name"]}}
    names = [info["Name"] for info in (await shared_call(GROUP_INFO, body))["GroupInfo"]]
    for hostile in (
        "<!channel>",
        "<@U123>",
        "<!subteam^S123>",
        "<https://evil.example|click>",
        "&amp; & <b>bold</b>",
    ):
        assert hostile in names
    assert any("\u200b" in n for n in names) and any("\u202e" in n for n in names)
    assert max(len(n.encode()) for n in names) > 200
    assert json.dumps(names)  # all plain strings


async def test_live_rooms_and_communities_report_their_type(
    shared_call: Call, shared_emulator: Emulator
) -> None:
    showcase = shared_emulator.data.showcase
    body = {"GroupIdList": [showcase.live_room_id, showcase.community_group_id],
            "ResponseFilter": {"GroupBaseInfoFilter": ["Type", "SupportTopic"]}}  # fmt: skip
    live, community = (await shared_call(GROUP_INFO, body))["GroupInfo"]
    assert live["Type"] == "AVChatRoom" and live["GroupId"].startswith("@TGS#")
    assert community == {"GroupId": showcase.community_group_id, "ErrorCode": 0, "ErrorInfo": "",
                         "Type": "Community", "SupportTopic": 1}  # fmt: skip
    assert community["GroupId"].startswith("@TGS#_")
