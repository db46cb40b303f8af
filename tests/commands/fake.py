"""A small typed fake of the five TimClient calls, answering from the JSON examples of Tencent's API pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from timbot.errors import TimApiError
from timbot.tim.codes import explain
from timbot.tim.models import AppGroupList, AVMemberPage, FriendLists, GroupInfo, JoinedGroupList

# From Tencent's get_group_info page ("Basic format" sample response).
SEED_GROUP: dict[str, Any] = {
    "GroupId": "@TGS#2J4SZEAEL", "ErrorCode": 0, "ErrorInfo": "", "Type": "Public", "Name": "MyFirstGroup",
    "Appid": 1400001001, "Introduction": "TestGroup", "Notification": "TestGroup",
    "FaceUrl": "http://this.is.face.url", "Owner_Account": "leckie", "CreateTime": 1426976500,
    "LastInfoTime": 1426976500, "LastMsgTime": 1426976600, "NextMsgSeq": 1234, "MemberNum": 2,
    "MaxMemberNum": 50, "ApplyJoinOption": "FreeAccess", "MuteAllMember": "On",
    "AppDefinedData": [
        {"Key": "GroupTestData1", "Value": "xxxx"}, {"Key": "GroupTestData2", "Value": "abc\u0000\u0001"},
    ],
    "MemberList": [
        {"Member_Account": "leckie", "Role": "Owner", "JoinTime": 1425976500, "MsgSeq": 1233,
         "MsgFlag": "AcceptAndNotify", "LastSendMsgTime": 1425976500, "MuteUntil": 1431069882},
        {"Member_Account": "peter", "Role": "Member", "JoinTime": 1425976500, "MsgSeq": 1233,
         "MsgFlag": "AcceptAndNotify", "LastSendMsgTime": 1425976500, "MuteUntil": 0},
    ],
}


@dataclass
class FakeTim:
    """Answers the five calls from in-memory data and records every call (name, keyword arguments)."""

    group_ids: list[str] = field(default_factory=lambda: [f"@TGS#{i:09d}" for i in range(45)])
    groups: dict[str, dict[str, Any]] = field(default_factory=lambda: {SEED_GROUP["GroupId"]: SEED_GROUP})
    joined: list[dict[str, Any]] = field(default_factory=list)
    room: list[dict[str, Any]] = field(default_factory=list)
    room_page: int = 500
    friend_lists: dict[str, list[str]] = field(default_factory=dict)
    drop_to_account_with_names: bool = False
    raise_code: int | None = None
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def _maybe_fail(self) -> None:
        """Answer ``raise_code`` as the client raises it: with the code's own kind and explanation."""
        if self.raise_code is not None:
            meaning = explain(self.raise_code)
            raise TimApiError(self.raise_code, explanation=meaning.explanation, kind=meaning.kind)

    async def get_appid_group_list(
        self, *, group_type: str | None = None, limit: int | None = None, next: int = 0
    ) -> AppGroupList:
        self.calls.append(("get_appid_group_list", {"group_type": group_type, "limit": limit, "next": next}))
        self._maybe_fail()
        limit = limit or 10000
        start = next // 7  # an opaque cursor like Tencent's
        page = self.group_ids[start : start + limit]
        more = start + limit < len(self.group_ids)
        return AppGroupList.model_validate({
            "ActionStatus": "OK", "ErrorCode": 0, "TotalCount": len(self.group_ids),
            "GroupIdList": [{"GroupId": g} for g in page], "Next": (start + limit) * 7 if more else 0})

    async def get_joined_group_list(self, *, member_account: str, limit: int | None = None,
                                    offset: int | None = None, group_type: str | None = None,
                                    with_huge_groups: bool = False, with_no_active_groups: bool = False,
                                    support_topic: bool = False,
                                    group_base_info_filter: Sequence[str] | None = None,
                                    self_info_filter: Sequence[str] | None = None) -> JoinedGroupList:
        self.calls.append(("get_joined_group_list", {
            "member_account": member_account, "limit": limit, "offset": offset, "group_type": group_type,
            "with_huge_groups": with_huge_groups, "with_no_active_groups": with_no_active_groups,
            "support_topic": support_topic, "group_base_info_filter": group_base_info_filter,
            "self_info_filter": self_info_filter}))
        self._maybe_fail()
        start = offset or 0
        page = self.joined[start : start + (limit or len(self.joined))]
        return JoinedGroupList.model_validate(
            {"ActionStatus": "OK", "ErrorCode": 0, "TotalCount": len(self.joined), "GroupIdList": page})

    async def get_group_info(self, group_ids: Sequence[str], *,
                             group_base_info_filter: Sequence[str] | None = None,
                             member_info_filter: Sequence[str] | None = None,
                             app_defined_data_filter_group: Sequence[str] | None = None,
                             app_defined_data_filter_group_member: Sequence[str] | None = None,
                             ) -> list[GroupInfo]:
        self.calls.append(("get_group_info", {"group_ids": list(group_ids),
                                              "group_base_info_filter": group_base_info_filter}))
        self._maybe_fail()
        out = []
        for gid in group_ids:
            data = self.groups.get(gid)
            if data is None:
                out.append(GroupInfo.model_validate({"GroupId": gid, "ErrorCode": 10010, "ErrorInfo": "no"}))
            elif data.get("ErrorCode") == 10018 and group_base_info_filter is not None:
                small = {k: v for k, v in data.items() if k != "MemberList"}
                out.append(GroupInfo.model_validate({**small, "ErrorCode": 0}))
            else:
                out.append(GroupInfo.model_validate(data))
        return out

    async def get_members(
        self, *, group_id: str, timestamp: int = 0, mark: int | None = None
    ) -> AVMemberPage:
        self.calls.append(("get_members", {"group_id": group_id, "timestamp": timestamp, "mark": mark}))
        self._maybe_fail()
        start = timestamp // 3
        page = self.room[start : start + self.room_page]
        more = start + self.room_page < len(self.room)
        return AVMemberPage.model_validate({"ActionStatus": "OK", "ErrorCode": 0, "MemberList": page,
                                           "NextTimestamp": (start + self.room_page) * 3 if more else 0})

    async def get_online_member_num(self, *, group_id: str) -> int:
        self.calls.append(("get_online_member_num", {"group_id": group_id}))
        self._maybe_fail()
        return len(self.room)

    async def get_friend_lists(self, *, from_account: str, need_friend: bool = False,
                               group_names: Sequence[str] | None = None) -> FriendLists:
        self.calls.append(("get_friend_lists", {"from_account": from_account, "need_friend": need_friend,
                                                "group_names": list(group_names) if group_names else None}))
        self._maybe_fail()
        items = []
        for name, friends in self.friend_lists.items():
            if group_names and name not in group_names:
                continue
            item: dict[str, Any] = {"GroupName": name, "FriendNumber": len(friends)}
            if need_friend and not (group_names and self.drop_to_account_with_names):
                item["To_Account"] = friends
            items.append(item)
        return FriendLists.model_validate({"ActionStatus": "OK", "ErrorCode": 0, "ResultItem": items,
                                          "CurrentSequence": 2})
