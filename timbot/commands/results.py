"""The page types ``fetch_page`` produces and the renderer lays out: one per layout, plain data."""

from __future__ import annotations

from dataclasses import dataclass

from timbot.commands.queries import FriendsQuery, GroupQuery, GroupsQuery, JoinedQuery, RoomQuery
from timbot.commands.state import PageState
from timbot.tim.models import AVMember, GroupInfo, GroupMember, JoinedGroup

__all__ = [
    "FriendListsPage",
    "FriendsPage",
    "GroupCardsPage",
    "GroupPage",
    "GroupsPage",
    "JoinedPage",
    "NamedList",
    "Page",
    "RoomPage",
]


@dataclass(frozen=True, kw_only=True)
class _Page:
    """What every page has: its state, its number, and the states its buttons lead to."""

    state: PageState
    next_state: PageState | None
    prev_state: PageState | None

    @property
    def number(self) -> int:
        """The page number, from 1."""
        return self.state.page


@dataclass(frozen=True, kw_only=True)
class GroupsPage(_Page):
    """``/im-groups``: one page of group IDs; ``total`` is Tencent's ``TotalCount``."""

    query: GroupsQuery
    group_ids: list[str]
    total: int
    pages: int


@dataclass(frozen=True, kw_only=True)
class GroupPage(_Page):
    """``/im-group`` with one ID: the card (page 1) and a slice of the members.

    ``members_note`` says why members are missing (too large to fetch); ``member_offset`` is the index of
    the first member shown.
    """

    query: GroupQuery
    group: GroupInfo
    members: list[GroupMember]
    member_offset: int
    member_total: int
    members_note: str | None
    pages: int


@dataclass(frozen=True, kw_only=True)
class GroupCardsPage(_Page):
    """``/im-group`` with several IDs: compact cards of the IDs on this page (per-group errors kept)."""

    query: GroupQuery
    groups: list[GroupInfo]
    first_index: int
    total_ids: int
    pages: int


@dataclass(frozen=True, kw_only=True)
class JoinedPage(_Page):
    """``/im-joined``: one ``Limit``/``Offset`` page of the groups a user has joined."""

    query: JoinedQuery
    groups: list[JoinedGroup]
    offset: int
    total: int
    pages: int


@dataclass(frozen=True, kw_only=True)
class RoomPage(_Page):
    """``/im-room``: a slice of the online members (Tencent gives no total)."""

    query: RoomQuery
    members: list[AVMember]


@dataclass(frozen=True, kw_only=True)
class FriendListsPage(_Page):
    """``/im-friends USER``: the user's lists with their friend counts (one page)."""

    query: FriendsQuery
    lists: list[tuple[str, int]]


@dataclass(frozen=True, kw_only=True)
class NamedList:
    """One named list on a ``/im-friends USER NAME ...`` page: ``friends`` are those on this page."""

    name: str
    found: bool
    friend_number: int
    friends: list[str]
    first_index: int


@dataclass(frozen=True, kw_only=True)
class FriendsPage(_Page):
    """``/im-friends USER NAME ...``: the named lists, their friends paged together."""

    query: FriendsQuery
    lists: list[NamedList]
    total_friends: int
    pages: int


Page = GroupsPage | GroupPage | GroupCardsPage | JoinedPage | RoomPage | FriendListsPage | FriendsPage
