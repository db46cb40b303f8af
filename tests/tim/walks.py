"""The three cursor walks (``Next``, ``Offset``, ``Timestamp``) over the client's typed calls, for the tests
that walk every page Tencent (or the emulator) gives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from timbot.errors import TimProtocolError
from timbot.tim.calls import APPID_GROUP_LIST, AV_MEMBERS, TencentCalls
from timbot.tim.models import AVMember, JoinedGroup


async def iter_appid_groups(
    client: TencentCalls, *, group_type: str | None = None, limit: int = 10000
) -> AsyncIterator[str]:
    """Every group ID of the app (``Next`` until 0), paced at Tencent's 1 call per second.

    Args:
        group_type: only this type; limit: IDs per call.
    """
    cursor = 0
    while True:
        page = await client.get_appid_group_list(group_type=group_type, limit=limit, next=cursor)
        for group_id in page.group_ids:
            yield group_id
        if page.next == 0:
            return
        if page.next == cursor:
            raise TimProtocolError("the Next cursor did not move", endpoint=APPID_GROUP_LIST)
        cursor = page.next

async def iter_joined_groups(
    client: TencentCalls, *, member_account: str, limit: int = 100, **filters: Any
) -> AsyncIterator[JoinedGroup]:
    """Every group ``member_account`` has joined (``Offset`` until ``TotalCount``).

    Args:
        member_account: the user.
        limit: groups per call.
        filters: any other keyword of :meth:`get_joined_group_list` (type, flags, response filters).
    """
    offset = 0
    while True:
        page = await client.get_joined_group_list(
            member_account=member_account, limit=limit, offset=offset, **filters
        )
        for group in page.groups:
            yield group
        offset += len(page.groups)
        if not page.groups or offset >= page.total_count:
            return


async def iter_av_members(
    client: TencentCalls, *, group_id: str, mark: int | None = None
) -> AsyncIterator[AVMember]:
    """Every online member of an audio-video group (``Timestamp`` until ``NextTimestamp`` is 0).

    Args:
        group_id: the AVChatRoom group; mark: only members with this mark.
    """
    timestamp = 0
    while True:
        page = await client.get_members(group_id=group_id, timestamp=timestamp, mark=mark)
        for member in page.members:
            yield member
        if page.next_timestamp == 0:
            return
        if page.next_timestamp == timestamp:
            raise TimProtocolError("the NextTimestamp cursor did not move", endpoint=AV_MEMBERS)
        timestamp = page.next_timestamp
