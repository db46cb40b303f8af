"""The Tencent endpoints timbot calls, over :class:`DemoData`, as Tencent's REST API pages describe them.

Each handler takes the parsed JSON body and returns the answer's fields (without the envelope), or
raises :class:`ApiError` with the code Tencent documents for that API. The pages (Tencent Cloud Chat,
Server APIs, RESTful APIs):

- ``group_open_http_svc/get_appid_group_list``: "Getting All Groups in an App",
  https://www.tencentcloud.com/document/product/1047/34960
- ``group_open_http_svc/get_joined_group_list``: "Getting the Groups a User Has Joined",
  https://www.tencentcloud.com/document/product/1047/34925
- ``group_open_http_svc/get_group_info``: "Getting Group Profiles",
  https://www.tencentcloud.com/document/product/1047/34961
- ``group_open_avchatroom_http_svc/get_members``: "Getting the List of Online Members in Audio-Video
  Group", https://www.tencentcloud.com/document/product/1047/50293
- ``sns/group_get``: "Pulling Lists" (friend lists), https://www.tencentcloud.com/document/product/1047/40123
- ``group_open_http_svc/get_online_member_num``: "Getting the Number of Online Users in an Audio-Video
  Group", https://www.tencentcloud.com/document/product/1047/38521
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from typing import Any

from timbot.emulator.data import DemoData
from timbot.emulator.fields import ApiError, Fields
from timbot.emulator.model import GROUP_TYPES, Group, Member

__all__ = ["ENDPOINTS", "GROUP_INFO_MAX", "MEMBERS_CAP", "Handler", "base_info", "valid_group_id"]

GROUP_INFO_MAX = 50
MEMBERS_CAP = 1000  # get_members returns at most the 1000 most recently joined online members
APPID_LIMIT_MAX = 10000
JOINED_LIMIT_MAX = 5000
FRIEND_LISTS_MAX = 32
NEED_FRIEND = "Need_Friend_Type_Yes"
_MEMBER_FIELDS = ("Role", "JoinTime", "MsgSeq", "MsgFlag", "LastSendMsgTime", "MuteUntil", "NameCard")
_SELF_FIELDS = ("Role", "JoinTime", "MsgFlag", "MsgSeq", "MuteUntil")
_OLD_NAMES = {"ShutUpAllMember": "MuteAllMember", "ShutUpUntil": "MuteUntil"}

Handler = Callable[[DemoData, Mapping[str, Any], int], dict[str, Any]]


def valid_group_id(group_id: str) -> bool:
    """Whether a string is a well-formed group ID (printable ASCII, at most 48 bytes, a full ``@TGS#`` ID)."""
    if not group_id or len(group_id) > 48 or not all(0x20 <= ord(c) <= 0x7E for c in group_id):
        return False
    return not group_id.startswith("@TGS#") or len(group_id) >= 9


def _group_type(fields: Fields) -> str | None:
    value = fields.string("GroupType", choices=(*GROUP_TYPES, ""))
    return value or None


def base_info(data: DemoData, group: Group) -> dict[str, Any]:
    """All basic-info fields of a group, with Tencent's names, in the documented order."""
    info: dict[str, Any] = {
        "Type": group.type,
        "Name": group.name,
        "Appid": data.sdkappid,
        "Introduction": group.introduction,
        "Notification": group.notification,
        "FaceUrl": group.face_url,
        "Owner_Account": data.owner(group),
        "CreateTime": group.create_time,
        "InfoSeq": group.info_seq,
        "LastInfoTime": group.last_info_time,
        "LastMsgTime": group.last_msg_time,
        "NextMsgSeq": group.next_msg_seq,
        "MemberNum": len(data.member_indices(group)),
        "MaxMemberNum": group.max_member_num,
        "ApplyJoinOption": group.apply_join_option,
        "InviteJoinOption": group.invite_join_option,
        "MuteAllMember": group.mute_all_member,
    }
    if group.type == "Community":
        info["SupportTopic"] = group.support_topic
        info["GrossTopicNextMsgSeq"] = group.gross_topic_next_msg_seq
    return info


def _pick(source: Mapping[str, Any], wanted: list[str]) -> dict[str, Any]:
    picked: dict[str, Any] = {}
    for name in wanted:
        key = _OLD_NAMES.get(name, name)
        if key in source:
            picked[name] = source[key]
    return picked


def _key_values(
    pairs: tuple[tuple[str, str], ...] | list[tuple[str, str]], keys: list[str] | None
) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs if keys is None or k in keys]


def get_appid_group_list(data: DemoData, body: Mapping[str, Any], page_size: int) -> dict[str, Any]:
    """``group_open_http_svc/get_appid_group_list``: ``Limit``/``Next`` over all groups, ``GroupType``."""
    fields = Fields(body, bad_code=10004)
    limit = fields.integer("Limit", lo=0, hi=APPID_LIMIT_MAX) or APPID_LIMIT_MAX
    after = fields.integer("Next", lo=0) or 0
    kind = _group_type(fields)
    pool = [g for g in data.groups if kind is None or g.type == kind]
    start = bisect.bisect_right([g.cursor for g in pool], after) if after else 0
    page = pool[start : start + limit]
    more = start + limit < len(pool)
    return {
        "TotalCount": len(pool),
        "GroupIdList": [{"GroupId": g.group_id} for g in page],
        "Next": page[-1].cursor if more and page else 0,
    }


def _self_info(member: Member, wanted: list[str], group: Group, topics: bool) -> dict[str, Any]:
    full = {
        "Role": member.role,
        "JoinTime": member.join_time,
        "MsgFlag": member.msg_flag,
        "MsgSeq": member.msg_seq,
        "MuteUntil": member.mute_until,
    }
    info = _pick(full, [name for name in wanted if _OLD_NAMES.get(name, name) in _SELF_FIELDS])
    if topics:
        info["GrossTopicReadSeq"] = max(0, group.gross_topic_next_msg_seq - 1 - member.msg_seq % 3)
    return info


def get_joined_group_list(data: DemoData, body: Mapping[str, Any], page_size: int) -> dict[str, Any]:
    """``group_open_http_svc/get_joined_group_list``: a user's groups, ``Limit``/``Offset``, filters."""
    fields = Fields(body, bad_code=10004)
    account = fields.string("Member_Account", required=True)
    limit = fields.integer("Limit", lo=0, hi=JOINED_LIMIT_MAX) or None
    offset = fields.integer("Offset", lo=0) or 0
    kind = _group_type(fields)
    huge, inactive, topics = (
        fields.flag(n) for n in ("WithHugeGroups", "WithNoActiveGroups", "SupportTopic")
    )
    if topics and kind != "Community":
        raise fields.fail("SupportTopic", "needs GroupType Community")
    response_filter = fields.obj("ResponseFilter")
    base_filter = response_filter.strings("GroupBaseInfoFilter") if response_filter else None
    self_filter = response_filter.strings("SelfInfoFilter") if response_filter else None
    if account not in data.user_index:
        raise ApiError(10019, f"Member_Account {account} does not exist")
    chosen = [
        (group, position)
        for group, position in data.joined_index.get(data.user_index[account], [])
        if (kind is None or group.type == kind)
        and (huge or group.type != "AVChatRoom")
        and (inactive or group.type != "Private" or group.active)
        and (not topics or group.support_topic)
    ]
    page = chosen[offset : offset + limit] if limit else chosen[offset:]
    items = []
    for group, position in page:
        item: dict[str, Any] = {"GroupId": group.group_id}
        if base_filter:
            item.update(_pick(base_info(data, group), base_filter))
        if topics:
            item.update(
                {
                    "Type": group.type,
                    "SupportTopic": group.support_topic,
                    "GrossTopicNextMsgSeq": group.gross_topic_next_msg_seq,
                }
            )
        if self_filter or topics:
            item["SelfInfo"] = _self_info(data.member(group, position), self_filter or [], group, topics)
        items.append(item)
    return {"TotalCount": len(chosen), "GroupIdList": items}


def _member_entry(member: Member, wanted: list[str] | None, keys: list[str] | None) -> dict[str, Any]:
    full: dict[str, Any] = {
        "Member_Account": member.account,
        "Role": member.role,
        "JoinTime": member.join_time,
        "MsgSeq": member.msg_seq,
        "MsgFlag": member.msg_flag,
        "LastSendMsgTime": member.last_send_msg_time,
        "MuteUntil": member.mute_until,
        "NameCard": member.name_card,
    }
    entry = (
        full
        if wanted is None
        else {
            "Member_Account": member.account,
            **_pick(full, [name for name in wanted if _OLD_NAMES.get(name, name) in _MEMBER_FIELDS]),
        }
    )
    if wanted is None or keys is not None:
        entry["AppMemberDefinedData"] = _key_values(member.app_member_defined_data, keys)
    return entry


def get_group_info(data: DemoData, body: Mapping[str, Any], page_size: int) -> dict[str, Any]:
    """``group_open_http_svc/get_group_info``: up to 50 groups, filters, a per-group ``ErrorCode``."""
    fields = Fields(body, bad_code=10004)
    group_ids = fields.strings("GroupIdList", required=True, max_items=GROUP_INFO_MAX)
    assert group_ids is not None
    response_filter = fields.obj("ResponseFilter")
    filtered = response_filter is not None
    base_filter = response_filter.strings("GroupBaseInfoFilter") if response_filter else None
    member_filter = response_filter.strings("MemberInfoFilter") if response_filter else None
    group_keys = response_filter.strings("AppDefinedDataFilter_Group") if response_filter else None
    member_keys = response_filter.strings("AppDefinedDataFilter_GroupMember") if response_filter else None
    answers = []
    for group_id in group_ids:
        if not valid_group_id(group_id):
            answers.append({"GroupId": group_id, "ErrorCode": 10015, "ErrorInfo": "invalid GroupId"})
            continue
        group = data.by_id.get(group_id)
        if group is None:
            answers.append(
                {
                    "GroupId": group_id,
                    "ErrorCode": 10010,
                    "ErrorInfo": "group does not exist or has been dismissed",
                }
            )
            continue
        answer: dict[str, Any] = {"GroupId": group_id, "ErrorCode": 0, "ErrorInfo": ""}
        base = base_info(data, group)
        answer.update(_pick(base, base_filter or []) if filtered else base)
        if not filtered or group_keys is not None:
            answer["AppDefinedData"] = _key_values(group.app_defined_data, group_keys)
        if not filtered or member_filter is not None or member_keys is not None:
            wanted = (member_filter or []) if filtered else None
            answer["MemberList"] = [_member_entry(m, wanted, member_keys) for m in data.members(group)]
        answers.append(answer)
    return {"GroupInfo": answers}


def _live_group(data: DemoData, group_id: str | None) -> Group:
    """The group a live-room call names: 10015 for a malformed ID, 10010 for one that does not exist."""
    assert group_id is not None  # a required field: Fields raised 10004 already
    if not valid_group_id(group_id):
        raise ApiError(10015, f"invalid GroupId {group_id}")
    group = data.by_id.get(group_id)
    if group is None:
        raise ApiError(10010, f"group {group_id} does not exist or has been dismissed")
    return group


def get_members(data: DemoData, body: Mapping[str, Any], page_size: int) -> dict[str, Any]:
    """``group_open_avchatroom_http_svc/get_members``: online members, ``Timestamp`` paging, ``Mark``."""
    fields = Fields(body, bad_code=10004)
    group_id = fields.string("GroupId", required=True)
    timestamp = fields.integer("Timestamp", required=True, lo=0)
    mark = fields.integer("Mark", lo=0)
    group = _live_group(data, group_id)
    if group.type not in ("AVChatRoom", "Community"):
        raise ApiError(10007, f"get_members supports audio-video groups only, not {group.type}")
    online = data.online_members(group)[:MEMBERS_CAP]
    chosen = [
        m for m in online if (mark is None or mark in m.marks) and (not timestamp or m.join_time < timestamp)
    ]
    page = chosen[:page_size]
    return {
        "MemberList": [
            {
                "Member_Account": m.account,
                "JoinTime": m.join_time,
                "NickName": m.nick_name,
                "Avatar": m.avatar,
            }
            for m in page
        ],
        "NextTimestamp": page[-1].join_time if len(chosen) > page_size else 0,
    }


def get_online_member_num(data: DemoData, body: Mapping[str, Any], page_size: int) -> dict[str, Any]:
    """``group_open_http_svc/get_online_member_num``: how many are online in a live room (all of them, not
    only the latest 1000 that ``get_members`` lists)."""
    group = _live_group(data, Fields(body, bad_code=10004).string("GroupId", required=True))
    if group.type != "AVChatRoom":
        raise ApiError(10007, f"only AVChatRoom groups have an online count, not {group.type}")
    return {"OnlineMemberNum": len(data.online_members(group))}


def group_get(data: DemoData, body: Mapping[str, Any], page_size: int) -> dict[str, Any]:
    """``sns/group_get``: a user's friend lists, with ``To_Account`` on ``NeedFriend``."""
    fields = Fields(body, bad_code=30001)
    account = fields.string("From_Account", required=True)
    need_friend = fields.string("NeedFriend") == NEED_FRIEND
    wanted = fields.strings("GroupName", max_items=FRIEND_LISTS_MAX)
    if account not in data.user_index:
        raise ApiError(30003, f"From_Account {account} does not exist")
    lists, sequence = data.friend_lists(account)
    if wanted is not None:
        by_name = {fl.name: fl for fl in lists}
        lists = [by_name[name] for name in dict.fromkeys(wanted) if name in by_name]
    items = []
    for friend_list in lists:
        item: dict[str, Any] = {"GroupName": friend_list.name, "FriendNumber": len(friend_list.friends)}
        if need_friend:
            item["To_Account"] = list(friend_list.friends)
        items.append(item)
    return {"ResultItem": items, "CurrentSequence": sequence}


ENDPOINTS: dict[str, Handler] = {
    "group_open_http_svc/get_appid_group_list": get_appid_group_list,
    "group_open_http_svc/get_joined_group_list": get_joined_group_list,
    "group_open_http_svc/get_group_info": get_group_info,
    "group_open_avchatroom_http_svc/get_members": get_members,
    "sns/group_get": group_get,
    "group_open_http_svc/get_online_member_num": get_online_member_num,
}
