"""Typed responses of the five Tencent Cloud Chat APIs (pydantic; unknown fields tolerated).

Attribute names are snake_case; Tencent's spellings (and their old variants, e.g. ``ShutUpAllMember``
for ``MuteAllMember``) are accepted on input. Nothing here does I/O.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "AVMember",
    "AVMemberPage",
    "AppGroupList",
    "Envelope",
    "FriendList",
    "FriendLists",
    "GroupInfo",
    "GroupMember",
    "JoinedGroup",
    "JoinedGroupList",
    "KeyValue",
    "SelfInfo",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class Envelope(_Model):
    """The fields every answer carries."""

    action_status: str = Field(default="", alias="ActionStatus")
    error_code: int = Field(default=0, alias="ErrorCode")
    error_info: str = Field(default="", alias="ErrorInfo")
    error_display: str = Field(default="", alias="ErrorDisplay")
    request_id: str = Field(default="", alias="RequestId")


class KeyValue(_Model):
    """One custom field (``AppDefinedData`` / ``AppMemberDefinedData``); the value may be binary."""

    key: str = Field(alias="Key")
    value: str = Field(default="", alias="Value")


class AppGroupList(Envelope):
    """``get_appid_group_list``: one page of group IDs; ``next == 0`` means the walk is done."""

    total_count: int = Field(default=0, alias="TotalCount")
    group_ids: list[str] = Field(default_factory=list, alias="GroupIdList")
    next: int = Field(default=0, alias="Next")

    @field_validator("group_ids", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [item["GroupId"] if isinstance(item, dict) else item for item in value]
        return value


class GroupMember(_Model):
    """A member as ``get_group_info`` returns it (``MemberList``)."""

    member_account: str = Field(default="", validation_alias=AliasChoices("Member_Account", "Account"))
    role: str = Field(default="", alias="Role")
    join_time: int = Field(default=0, alias="JoinTime")
    msg_seq: int = Field(default=0, alias="MsgSeq")
    msg_flag: str = Field(default="", alias="MsgFlag")
    last_send_msg_time: int = Field(default=0, alias="LastSendMsgTime")
    mute_until: int = Field(default=0, validation_alias=AliasChoices("MuteUntil", "ShutUpUntil"))
    name_card: str = Field(default="", alias="NameCard")
    online_status: str = Field(default="", alias="OnlineStatus")
    app_member_defined_data: list[KeyValue] = Field(default_factory=list, alias="AppMemberDefinedData")


class _GroupBase(_Model):
    """The basic-info fields shared by ``get_group_info`` and ``get_joined_group_list``."""

    group_id: str = Field(alias="GroupId")
    type: str = Field(default="", alias="Type")
    name: str = Field(default="", alias="Name")
    appid: int = Field(default=0, alias="Appid")
    introduction: str = Field(default="", alias="Introduction")
    notification: str = Field(default="", alias="Notification")
    face_url: str = Field(default="", alias="FaceUrl")
    owner_account: str = Field(default="", alias="Owner_Account")
    create_time: int = Field(default=0, alias="CreateTime")
    info_seq: int = Field(default=0, alias="InfoSeq")
    last_info_time: int = Field(default=0, alias="LastInfoTime")
    last_msg_time: int = Field(default=0, alias="LastMsgTime")
    next_msg_seq: int = Field(default=0, alias="NextMsgSeq")
    member_num: int | None = Field(default=None, alias="MemberNum")
    max_member_num: int | None = Field(default=None, alias="MaxMemberNum")
    apply_join_option: str = Field(default="", alias="ApplyJoinOption")
    invite_join_option: str = Field(default="", alias="InviteJoinOption")
    mute_all_member: str = Field(
        default="", validation_alias=AliasChoices("MuteAllMember", "ShutUpAllMember")
    )
    support_topic: int = Field(default=0, alias="SupportTopic")
    gross_topic_next_msg_seq: int = Field(default=0, alias="GrossTopicNextMsgSeq")
    app_defined_data: list[KeyValue] = Field(default_factory=list, alias="AppDefinedData")


class GroupInfo(_GroupBase):
    """``get_group_info``: one group, with its own ``error_code`` (0 when the group was found)."""

    error_code: int = Field(default=0, alias="ErrorCode")
    error_info: str = Field(default="", alias="ErrorInfo")
    member_list: list[GroupMember] = Field(default_factory=list, alias="MemberList")

    @property
    def error_explanation(self) -> str:
        """What ``error_code`` means, in words for a Slack user (empty when the group was found)."""
        from timbot.tim.codes import explain

        return explain(self.error_code).explanation if self.error_code else ""


class SelfInfo(_Model):
    """The queried user's own membership in a joined group."""

    role: str = Field(default="", alias="Role")
    join_time: int = Field(default=0, alias="JoinTime")
    msg_flag: str = Field(default="", alias="MsgFlag")
    msg_seq: int = Field(default=0, alias="MsgSeq")
    gross_topic_read_seq: int = Field(default=0, alias="GrossTopicReadSeq")
    mute_until: int = Field(default=0, validation_alias=AliasChoices("MuteUntil", "ShutUpUntil"))


class JoinedGroup(_GroupBase):
    """``get_joined_group_list``: one group the user has joined, with the user's ``self_info``."""

    self_info: SelfInfo | None = Field(default=None, alias="SelfInfo")


class JoinedGroupList(Envelope):
    """``get_joined_group_list``: one ``Limit``/``Offset`` page; ``total_count`` ignores the paging."""

    total_count: int = Field(default=0, alias="TotalCount")
    groups: list[JoinedGroup] = Field(default_factory=list, alias="GroupIdList")


class AVMember(_Model):
    """``get_members``: one online member of an audio-video group."""

    member_account: str = Field(default="", alias="Member_Account")
    join_time: int = Field(default=0, alias="JoinTime")
    nick_name: str = Field(default="", alias="NickName")
    avatar: str = Field(default="", alias="Avatar")


class AVMemberPage(Envelope):
    """``get_members``: one page; ``next_timestamp == 0`` means the walk is done."""

    members: list[AVMember] = Field(default_factory=list, alias="MemberList")
    next_timestamp: int = Field(default=0, alias="NextTimestamp")


class OnlineCount(Envelope):
    """``get_online_member_num``: how many are online in a live room."""

    online_member_num: int = Field(default=0, alias="OnlineMemberNum")


class FriendList(_Model):
    """``sns/group_get``: one friend list (Tencent calls it a group) and, if asked, its friends."""

    group_name: str = Field(default="", alias="GroupName")
    friend_number: int = Field(default=0, alias="FriendNumber")
    to_account: list[str] | None = Field(default=None, alias="To_Account")


class FriendLists(Envelope):
    """``sns/group_get``: the user's lists; ``current_sequence`` is a version counter, not a count."""

    items: list[FriendList] = Field(default_factory=list, alias="ResultItem")
    current_sequence: int = Field(default=0, alias="CurrentSequence")
