"""``TencentCalls``: the five Tencent Cloud Chat REST calls, typed, batched and walked page by page."""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from timbot.errors import TimApiError, TimProtocolError
from timbot.tim.models import (
    AppGroupList,
    AVMemberPage,
    FriendLists,
    GroupInfo,
    JoinedGroupList,
    OnlineCount,
)

__all__ = [
    "APPID_GROUP_LIST",
    "AV_MEMBERS",
    "FRIEND_LISTS",
    "GROUP_INFO",
    "GROUP_INFO_BATCH",
    "JOINED_GROUP_LIST",
    "ONLINE_COUNT",
    "TencentCalls",
]

log = logging.getLogger("timbot.tim.client")
M = TypeVar("M", bound=BaseModel)

APPID_GROUP_LIST = "group_open_http_svc/get_appid_group_list"
JOINED_GROUP_LIST = "group_open_http_svc/get_joined_group_list"
GROUP_INFO = "group_open_http_svc/get_group_info"
AV_MEMBERS = "group_open_avchatroom_http_svc/get_members"
ONLINE_COUNT = "group_open_http_svc/get_online_member_num"
FRIEND_LISTS = "sns/group_get"
GROUP_INFO_BATCH = 50


class TencentCalls(ABC):
    """The typed calls, the ``get_group_info`` batching and the cursor walks, over one raw :meth:`call`.

    Each method builds Tencent's request body, sends it through :meth:`call` and parses the answer into
    the models of :mod:`timbot.tim.models`; :class:`timbot.tim.client.TimClient` supplies the call path.
    """

    @abstractmethod
    async def call(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to ``/v4/{endpoint}`` and return Tencent's checked JSON answer.

        Args:
            endpoint: ``service/command``, e.g. ``sns/group_get``.
            body: the JSON object to send (``{}`` when there are no fields).

        Raises:
            TimApiError, TimTransportError, TimProtocolError.
        """

    def _parse(self, model: type[M], endpoint: str, data: dict[str, Any]) -> M:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            detail = f"unexpected fields ({exc.error_count()} problems)"
            raise TimProtocolError(detail, endpoint=endpoint) from None

    # -- the five APIs ---------------------------------------------------------------------------------

    async def get_appid_group_list(
        self, *, group_type: str | None = None, limit: int | None = None, next: int = 0
    ) -> AppGroupList:
        """One page of the app's group IDs (``Next`` cursor; Tencent allows 1 call per second).

        Args:
            group_type: only this type (``Public``, ``Private``, ``ChatRoom``, ``AVChatRoom``, ...).
            limit: at most this many IDs (Tencent: 10000 at most and by default).
            next: the cursor from the previous page; 0 for the first page.
        """
        body: dict[str, Any] = {}
        if limit is not None:
            body["Limit"] = limit
        if limit is not None or next:
            body["Next"] = next
        if group_type is not None:
            body["GroupType"] = group_type
        return self._parse(AppGroupList, APPID_GROUP_LIST, await self.call(APPID_GROUP_LIST, body))

    async def get_joined_group_list(
        self,
        *,
        member_account: str,
        limit: int | None = None,
        offset: int | None = None,
        group_type: str | None = None,
        with_huge_groups: bool = False,
        with_no_active_groups: bool = False,
        support_topic: bool = False,
        group_base_info_filter: Sequence[str] | None = None,
        self_info_filter: Sequence[str] | None = None,
    ) -> JoinedGroupList:
        """One ``Limit``/``Offset`` page of the groups ``member_account`` has joined.

        Args:
            member_account: the user whose groups to list.
            limit: page size (all groups when omitted); offset: groups to skip.
            group_type: only this type; support_topic: only topic-enabled communities.
            with_huge_groups: include AVChatRoom groups; with_no_active_groups: include inactive Work groups.
            group_base_info_filter: basic-info fields to return; self_info_filter: the user's own fields.
        """
        body: dict[str, Any] = {"Member_Account": member_account}
        for name, value in (("Limit", limit), ("Offset", offset), ("GroupType", group_type)):
            if value is not None:
                body[name] = value
        for name, flag in (
            ("WithHugeGroups", with_huge_groups),
            ("WithNoActiveGroups", with_no_active_groups),
            ("SupportTopic", support_topic),
        ):
            if flag:
                body[name] = 1
        filters = _filters(GroupBaseInfoFilter=group_base_info_filter, SelfInfoFilter=self_info_filter)
        if filters:
            body["ResponseFilter"] = filters
        return self._parse(JoinedGroupList, JOINED_GROUP_LIST, await self.call(JOINED_GROUP_LIST, body))

    async def get_group_info(
        self,
        group_ids: Sequence[str],
        *,
        group_base_info_filter: Sequence[str] | None = None,
        member_info_filter: Sequence[str] | None = None,
        app_defined_data_filter_group: Sequence[str] | None = None,
        app_defined_data_filter_group_member: Sequence[str] | None = None,
    ) -> list[GroupInfo]:
        """Details of any number of groups, in the order asked; each keeps its own ``error_code``.

        Asks 50 groups per call (batches run concurrently, paced) and halves a batch whose answer would
        be over Tencent's 1 MB (10018); a single group still too big comes back with ``error_code`` 10018.

        Args:
            group_ids: the groups, in the order the result should have.
            group_base_info_filter: basic-info fields to return (all when omitted).
            member_info_filter: member fields to return (members are listed only when given).
            app_defined_data_filter_group: custom group fields to return.
            app_defined_data_filter_group_member: custom member fields to return.
        """
        ids = list(group_ids)
        filters = _filters(
            GroupBaseInfoFilter=group_base_info_filter,
            MemberInfoFilter=member_info_filter,
            AppDefinedDataFilter_Group=app_defined_data_filter_group,
            AppDefinedDataFilter_GroupMember=app_defined_data_filter_group_member,
        )
        batches = [ids[i : i + GROUP_INFO_BATCH] for i in range(0, len(ids), GROUP_INFO_BATCH)]
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._group_info_batch(batch, filters)) for batch in batches]
        except ExceptionGroup as failed:  # callers expect a TimError, not a group of them
            raise failed.exceptions[0] from None
        found: dict[str, GroupInfo] = {}
        for task in tasks:
            found.update(task.result())
        missing = [group_id for group_id in ids if group_id not in found]
        if missing:
            raise TimProtocolError(
                f"{len(missing)} asked groups missing from the answer", endpoint=GROUP_INFO
            )
        return [found[group_id] for group_id in ids]

    async def _group_info_batch(self, ids: list[str], filters: dict[str, list[str]]) -> dict[str, GroupInfo]:
        body: dict[str, Any] = {"GroupIdList": ids}
        if filters:
            body["ResponseFilter"] = filters
        try:
            data = await self.call(GROUP_INFO, body)
        except TimApiError as exc:
            if exc.code != 10018:
                raise
            if len(ids) == 1:
                own = {"GroupId": ids[0], "ErrorCode": 10018, "ErrorInfo": exc.info or exc.explanation}
                return {ids[0]: GroupInfo.model_validate(own)}
            log.info("tim %s: 10018 for %d groups, halving the batch", GROUP_INFO, len(ids))
            half = len(ids) // 2
            first = await self._group_info_batch(ids[:half], filters)
            return first | await self._group_info_batch(ids[half:], filters)
        groups = data.get("GroupInfo")
        if not isinstance(groups, list):
            raise TimProtocolError("the body has no GroupInfo list", endpoint=GROUP_INFO)
        parsed = [self._parse(GroupInfo, GROUP_INFO, item) for item in groups]
        return {info.group_id: info for info in parsed}

    async def get_members(
        self, *, group_id: str, timestamp: int = 0, mark: int | None = None
    ) -> AVMemberPage:
        """One page of the online members of an audio-video group (``Timestamp`` cursor).

        Args:
            group_id: the AVChatRoom group.
            timestamp: 0 first, then the previous page's ``next_timestamp``.
            mark: only members tagged with this mark (custom marks are >= 1000).
        """
        body: dict[str, Any] = {"GroupId": group_id, "Timestamp": timestamp}
        if mark is not None:
            body["Mark"] = mark
        return self._parse(AVMemberPage, AV_MEMBERS, await self.call(AV_MEMBERS, body))

    async def get_online_member_num(self, *, group_id: str) -> int:
        """How many are online in a live room (AVChatRoom), counted by Tencent every 10 s.

        Args:
            group_id: the AVChatRoom group.
        """
        answer = await self.call(ONLINE_COUNT, {"GroupId": group_id})
        return self._parse(OnlineCount, ONLINE_COUNT, answer).online_member_num

    async def get_friend_lists(
        self, *, from_account: str, need_friend: bool = False, group_names: Sequence[str] | None = None
    ) -> FriendLists:
        """A user's friend lists (``sns/group_get``; Tencent calls them groups).

        Args:
            from_account: the user whose lists to read.
            need_friend: also return the friends in each list (``Need_Friend_Type_Yes``).
            group_names: only these lists (at most 32).
        """
        body: dict[str, Any] = {"From_Account": from_account}
        if need_friend:
            body["NeedFriend"] = "Need_Friend_Type_Yes"
        if group_names is not None:
            body["GroupName"] = list(group_names)
        return self._parse(FriendLists, FRIEND_LISTS, await self.call(FRIEND_LISTS, body))


def _filters(**named: Sequence[str] | None) -> dict[str, list[str]]:
    """The ``ResponseFilter`` object: only the filters the caller gave."""
    return {name: list(values) for name, values in named.items() if values is not None}
