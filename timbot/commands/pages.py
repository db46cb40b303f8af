"""Fetch one page of a query from Tencent: ``fetch_page(client, state) -> Page``, a type per layout."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final, Protocol

from timbot.commands.queries import FriendsQuery, GroupQuery, GroupsQuery, JoinedQuery, RoomQuery
from timbot.commands.results import (
    FriendListsPage,
    FriendsPage,
    GroupCardsPage,
    GroupPage,
    GroupsPage,
    JoinedPage,
    NamedList,
    Page,
    RoomPage,
)
from timbot.commands.state import (
    NextCursor,
    OffsetCursor,
    PageState,
    TimeCursor,
    advance,
    fit,
    previous,
)
from timbot.errors import TimApiError
from timbot.tim.models import (
    AppGroupList,
    AVMemberPage,
    FriendLists,
    GroupInfo,
    JoinedGroupList,
)

__all__ = [
    "BASE_FIELDS",
    "CARDS_PER_PAGE",
    "FRIENDS_PER_PAGE",
    "MEMBERS_PER_PAGE",
    "ROOM_PER_PAGE",
    "TimApi",
    "fetch_page",
]

MEMBERS_PER_PAGE: Final = 20
CARDS_PER_PAGE: Final = 10
ROOM_PER_PAGE: Final = 25
FRIENDS_PER_PAGE: Final = 40
#: Every basic-info field (tim-api.md §4): asking for these alone leaves the member list out.
BASE_FIELDS: Final[tuple[str, ...]] = (
    "Type", "Name", "Introduction", "Notification", "FaceUrl", "Owner_Account", "CreateTime", "InfoSeq",
    "LastInfoTime", "LastMsgTime", "NextMsgSeq", "MemberNum", "MaxMemberNum", "ApplyJoinOption",
    "InviteJoinOption", "MuteAllMember",
)
_CARD_FIELDS: Final = (
    "Type", "Name", "Owner_Account", "MemberNum", "MaxMemberNum", "CreateTime", "LastMsgTime",
)
_JOINED_FIELDS: Final = ("Type", "Name", "MemberNum", "MaxMemberNum")
_TOO_LARGE: Final = 10018


class TimApi(Protocol):
    """The five calls of ``timbot.tim.client.TimClient`` that the pages use."""

    async def get_appid_group_list(
        self, *, group_type: str | None = None, limit: int | None = None, next: int = 0
    ) -> AppGroupList: ...

    async def get_joined_group_list(
        self, *, member_account: str, limit: int | None = None, offset: int | None = None,
        group_type: str | None = None, with_huge_groups: bool = False, with_no_active_groups: bool = False,
        support_topic: bool = False, group_base_info_filter: Sequence[str] | None = None,
        self_info_filter: Sequence[str] | None = None,
    ) -> JoinedGroupList: ...

    async def get_group_info(
        self, group_ids: Sequence[str], *, group_base_info_filter: Sequence[str] | None = None,
        member_info_filter: Sequence[str] | None = None,
        app_defined_data_filter_group: Sequence[str] | None = None,
        app_defined_data_filter_group_member: Sequence[str] | None = None,
    ) -> list[GroupInfo]: ...

    async def get_members(
        self, *, group_id: str, timestamp: int = 0, mark: int | None = None
    ) -> AVMemberPage: ...

    async def get_friend_lists(
        self, *, from_account: str, need_friend: bool = False, group_names: Sequence[str] | None = None
    ) -> FriendLists: ...




def _pages(total: int, size: int) -> int:
    return max(1, math.ceil(total / size))


def _offset(state: PageState) -> int:
    return state.cursor.offset if isinstance(state.cursor, OffsetCursor) else 0


def _by_offset(state: PageState, size: int, total: int) -> tuple[PageState | None, PageState | None]:
    """Next and previous states of an offset-paged page (the next one only while items remain)."""
    offset = _offset(state)
    nxt = fit(advance(state, OffsetCursor(offset=offset + size))) if offset + size < total else None
    prev = previous(state, OffsetCursor(offset=max(0, offset - size)))
    return nxt, prev


async def _groups(client: TimApi, state: PageState, query: GroupsQuery) -> GroupsPage:
    cursor = state.cursor.next if isinstance(state.cursor, NextCursor) else 0
    answer = await client.get_appid_group_list(group_type=query.group_type, limit=query.limit, next=cursor)
    more = answer.next != 0 and answer.next != cursor and bool(answer.group_ids)
    nxt = fit(advance(state, NextCursor(next=answer.next))) if more else None
    return GroupsPage(state=state, next_state=nxt, prev_state=previous(state), query=query,
                      group_ids=list(answer.group_ids), total=answer.total_count,
                      pages=max(_pages(answer.total_count, query.limit), state.page))


async def _one_group(client: TimApi, state: PageState, query: GroupQuery) -> GroupPage:
    group_id = query.group_ids[0]
    note: str | None = None
    try:
        group = (await client.get_group_info([group_id]))[0]
    except TimApiError as exc:
        if exc.code != _TOO_LARGE:
            raise
        group = GroupInfo(group_id=group_id, error_code=_TOO_LARGE)
    if group.error_code == _TOO_LARGE:
        group = (await client.get_group_info([group_id], group_base_info_filter=BASE_FIELDS))[0]
        if group.error_code == 0:
            note = "the member list is too large to fetch (over Tencent's 1 MB limit)"
    offset = _offset(state)
    members = group.member_list
    nxt, prev = _by_offset(state, MEMBERS_PER_PAGE, len(members))
    return GroupPage(state=state, next_state=nxt, prev_state=prev, query=query, group=group,
                     members=list(members[offset : offset + MEMBERS_PER_PAGE]), member_offset=offset,
                     member_total=len(members), members_note=note,
                     pages=_pages(len(members), MEMBERS_PER_PAGE))


async def _group_cards(client: TimApi, state: PageState, query: GroupQuery) -> GroupCardsPage:
    offset = _offset(state)
    ids = query.group_ids[offset : offset + CARDS_PER_PAGE]
    groups = await client.get_group_info(ids, group_base_info_filter=_CARD_FIELDS) if ids else []
    nxt, prev = _by_offset(state, CARDS_PER_PAGE, len(query.group_ids))
    if nxt is not None and isinstance(nxt.query, GroupQuery):  # the cut (if any) applies to every page
        cut = nxt.query
        prev = prev.model_copy(update={"query": cut}) if prev is not None else None
        query = cut
    return GroupCardsPage(state=state, next_state=nxt, prev_state=prev, query=query, groups=list(groups),
                          first_index=offset, total_ids=len(query.group_ids) + query.dropped,
                          pages=_pages(len(query.group_ids), CARDS_PER_PAGE))


async def _joined(client: TimApi, state: PageState, query: JoinedQuery) -> JoinedPage:
    offset = _offset(state)
    answer = await client.get_joined_group_list(
        member_account=query.user_id, limit=query.limit, offset=offset, group_type=query.group_type,
        with_huge_groups=query.huge, with_no_active_groups=query.inactive, support_topic=query.topics,
        group_base_info_filter=_JOINED_FIELDS, self_info_filter=("Role", "JoinTime"),
    )
    nxt, prev = _by_offset(state, query.limit, answer.total_count)
    return JoinedPage(state=state, next_state=nxt, prev_state=prev, query=query, groups=list(answer.groups),
                      offset=offset, total=answer.total_count,
                      pages=max(_pages(answer.total_count, query.limit), state.page))


async def _room(client: TimApi, state: PageState, query: RoomQuery) -> RoomPage:
    cursor = state.cursor if isinstance(state.cursor, TimeCursor) else TimeCursor()
    answer = await client.get_members(group_id=query.group_id, timestamp=cursor.timestamp, mark=query.mark)
    end = cursor.skip + ROOM_PER_PAGE
    if end < len(answer.members):
        nxt: PageState | None = fit(advance(state, TimeCursor(timestamp=cursor.timestamp, skip=end)))
    elif answer.next_timestamp not in (0, cursor.timestamp):
        nxt = fit(advance(state, TimeCursor(timestamp=answer.next_timestamp)))
    else:
        nxt = None
    return RoomPage(state=state, next_state=nxt, prev_state=previous(state), query=query,
                    members=list(answer.members[cursor.skip : end]))


async def _friends(client: TimApi, state: PageState, query: FriendsQuery) -> FriendListsPage | FriendsPage:
    if not query.list_names:
        answer = await client.get_friend_lists(from_account=query.user_id)
        return FriendListsPage(state=state, next_state=None, prev_state=None, query=query,
                               lists=[(item.group_name, item.friend_number) for item in answer.items])
    answer = await client.get_friend_lists(from_account=query.user_id, need_friend=True,
                                           group_names=query.list_names)
    found = {item.group_name: item for item in answer.items if item.group_name in query.list_names}
    if any(item.to_account is None and item.friend_number > 0 for item in found.values()):
        # Tencent's page: NeedFriend only works without GroupName; ask for all, keep the named lists.
        everything = await client.get_friend_lists(from_account=query.user_id, need_friend=True)
        found = {item.group_name: item for item in everything.items if item.group_name in query.list_names}
    offset = _offset(state)
    lists: list[NamedList] = []
    start = 0
    for name in query.list_names:
        item = found.get(name)
        friends = list(item.to_account or []) if item is not None else []
        low, high = max(offset - start, 0), min(offset + FRIENDS_PER_PAGE - start, len(friends))
        on_page = friends[low:high] if high > low else []
        if on_page or offset == 0:
            lists.append(NamedList(name=name, found=item is not None, friends=on_page, first_index=low,
                                   friend_number=item.friend_number if item is not None else 0))
        start += len(friends)
    nxt, prev = _by_offset(state, FRIENDS_PER_PAGE, start)
    return FriendsPage(state=state, next_state=nxt, prev_state=prev, query=query, lists=lists,
                       total_friends=start, pages=_pages(start, FRIENDS_PER_PAGE))


async def fetch_page(client: TimApi, state: PageState) -> Page:
    """Fetch the page ``state`` points at.

    Args:
        client: the Tencent client (``TimClient`` or anything with its five calls).
        state: the page to fetch (from ``first_state`` or a decoded button value).

    Raises:
        TimError: when Tencent does not give the data (per-group errors stay on their cards instead).
    """
    query = state.query
    if isinstance(query, GroupsQuery):
        return await _groups(client, state, query)
    if isinstance(query, GroupQuery):
        if len(query.group_ids) + query.dropped > 1:
            return await _group_cards(client, state, query)
        return await _one_group(client, state, query)
    if isinstance(query, JoinedQuery):
        return await _joined(client, state, query)
    if isinstance(query, RoomQuery):
        return await _room(client, state, query)
    return await _friends(client, state, query)
