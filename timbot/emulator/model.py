"""The emulator's records: groups, members, live-room viewers, friend lists and the showcase entries."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["GROUP_TYPES", "FriendList", "Group", "Member", "OnlineMember", "Showcase"]

GROUP_TYPES: tuple[str, ...] = ("Public", "Private", "ChatRoom", "AVChatRoom", "BChatRoom", "Community")


@dataclass(slots=True)
class Group:
    """One group's basic info (members are generated on demand by :class:`DemoData`)."""

    index: int
    group_id: str
    type: str
    name: str
    introduction: str
    notification: str
    face_url: str
    create_time: int
    info_seq: int
    last_info_time: int
    last_msg_time: int
    next_msg_seq: int
    max_member_num: int
    apply_join_option: str
    invite_join_option: str
    mute_all_member: str
    app_defined_data: list[tuple[str, str]]
    cursor: int
    size: int
    online: int = 0
    support_topic: int = 0
    gross_topic_next_msg_seq: int = 0
    extra_members: list[int] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Whether a message was ever sent (inactive Private groups hide from joined lists)."""
        return self.last_msg_time > 0


@dataclass(slots=True, frozen=True)
class Member:
    """One group member as ``get_group_info`` reports it."""

    account: str
    role: str
    join_time: int
    msg_seq: int
    msg_flag: str
    last_send_msg_time: int
    mute_until: int
    name_card: str
    app_member_defined_data: tuple[tuple[str, str], ...]


@dataclass(slots=True, frozen=True)
class OnlineMember:
    """One online viewer of a live room as ``get_members`` reports it."""

    account: str
    join_time: int
    nick_name: str
    avatar: str
    marks: tuple[int, ...]


@dataclass(slots=True, frozen=True)
class FriendList:
    """One of a user's friend lists (``sns/group_get`` calls it a group)."""

    name: str
    friends: tuple[str, ...]


@dataclass(slots=True, frozen=True)
class Showcase:
    """Well-known demo entries that docs and tests can name, with the counts that go with them."""

    big_group_id: str
    big_group_members: int
    big_group_ids: tuple[str, ...]
    live_room_id: str
    live_room_online: int
    live_room_marks: tuple[int, ...]
    hostile_group_id: str
    hostile_group_ids: tuple[str, ...]
    custom_group_id: str
    community_group_id: str
    inactive_group_id: str
    user: str
    user_groups: int
    user_friend_lists: int
    user_friends: int
    type_counts: dict[str, int]
