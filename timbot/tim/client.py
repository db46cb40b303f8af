"""``TimClient``: the five Tencent Cloud Chat REST calls, typed, batched and walked page by page."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from timbot.errors import TimApiError, TimProtocolError
from timbot.tim.auth import AdminSigAuth
from timbot.tim.cache import SingleFlightCache
from timbot.tim.callpath import CallPath
from timbot.tim.models import (
    AppGroupList,
    AVMember,
    AVMemberPage,
    FriendLists,
    GroupInfo,
    JoinedGroup,
    JoinedGroupList,
)
from timbot.tim.pacing import Pacer

if TYPE_CHECKING:
    from timbot.settings import Settings

__all__ = ["TimClient"]

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

APPID_GROUP_LIST = "group_open_http_svc/get_appid_group_list"
JOINED_GROUP_LIST = "group_open_http_svc/get_joined_group_list"
GROUP_INFO = "group_open_http_svc/get_group_info"
AV_MEMBERS = "group_open_avchatroom_http_svc/get_members"
FRIEND_LISTS = "sns/group_get"
GROUP_INFO_BATCH = 50
#: Default bound of the answer cache: 8 MiB of response bodies.
CACHE_BYTES = 8 * 2**20


class TimClient:
    """The Tencent Cloud Chat REST client the commands use; callers never sleep or retry.

    Args:
        sdkappid: the Chat application's SDKAppID.
        secret_key: the application's key (signs the admin UserSig; never logged).
        base_url: ``https://{domain}`` of the app's data centre (or an emulator).
        admin: the app admin account sent as ``identifier``.
        transport: an httpx transport (tests, the in-process emulator); default is real HTTP.
        cache_ttl: seconds a successful answer is reused; 0 disables the cache.
        cache_size: the most answers cached.
        cache_bytes: the most bytes of answers cached (the JSON bodies are kept as bytes and parsed
            for each caller); each answer counts at least ``cache_bytes / cache_size``.
        timeout: seconds per HTTP try (above Tencent's own 3 s).
        max_tries: tries in all for transient failures.
        backoff: base seconds of the jittered exponential backoff between transient tries.
        rate_limit_wait: first wait after a rate-limit code (at least 1 s against Tencent).
        rate_limit_budget: the most seconds spent waiting on rate-limit codes for one call.
        list_rate: calls per second allowed to ``get_appid_group_list`` (Tencent: 1).
        other_rate: calls per second allowed to each of the other four APIs (Tencent: 200).
        sleep: coroutine used for backoff and rate-limit waits (injectable for tests).
    """

    def __init__(
        self,
        *,
        sdkappid: int,
        secret_key: str | SecretStr,
        base_url: str,
        admin: str = "administrator",
        transport: httpx.AsyncBaseTransport | None = None,
        cache_ttl: float = 30.0,
        cache_size: int = 2048,
        cache_bytes: int = CACHE_BYTES,
        timeout: float = 5.0,
        max_tries: int = 3,
        backoff: float = 0.2,
        rate_limit_wait: float = 1.0,
        rate_limit_budget: float = 10.0,
        list_rate: float = 1.0,
        other_rate: float = 200.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        key = secret_key if isinstance(secret_key, SecretStr) else SecretStr(secret_key)
        auth = AdminSigAuth(sdkappid=sdkappid, secret_key=key, identifier=admin)
        http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            # small, all kept alive: httpcore checks every pooled connection on each request, and
            # closes idle ones to open new ones whenever it holds more than it keeps alive. Idle ones are
            # dropped after 4 s, before servers that close at 5 s (uvicorn, many proxies) do: reusing a
            # connection the server is closing fails the request with a ReadError and costs a retry
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16, keepalive_expiry=4.0),
            headers={"Accept": "application/json"},
        )
        # sliding windows of 1 s plus a margin (jitter between here and Tencent): bursts under the limit
        # leave at once, and no window ever holds more calls than Tencent allows
        paced = (JOINED_GROUP_LIST, GROUP_INFO, AV_MEMBERS)
        pacers = {e: Pacer(rate_per_second=other_rate, margin=0.05) for e in paced}
        pacers[APPID_GROUP_LIST] = Pacer(  # one call at a time, 1/list_rate s (plus a margin) apart
            rate_per_second=list_rate, window=1 / list_rate, margin=min(0.05, 0.1 / list_rate)
        )
        least = cache_bytes / cache_size  # so that at most cache_size answers are kept
        self.region_hint = f"requests go to {httpx.URL(base_url).host or base_url}"
        self._path = CallPath(
            http=http,
            auth=auth,
            secret_key=key,
            pacers=pacers,
            default_pacer=Pacer(rate_per_second=other_rate, margin=0.05),  # sns/group_get and anything else
            cache=SingleFlightCache(
                maxsize=cache_bytes, ttl=cache_ttl, getsizeof=lambda raw: max(len(raw), least)
            ),
            timeout=timeout,
            max_tries=max_tries,
            backoff=backoff,
            rate_limit_wait=rate_limit_wait,
            rate_limit_budget=rate_limit_budget,
            sleep=sleep,
            region_hint=self.region_hint,
        )
        self.auth = auth

    @property
    def calls_made(self) -> int:
        """HTTP requests sent so far (each try counts; cache hits and shared calls do not)."""
        return self._path.calls_made

    @classmethod
    def from_settings(
        cls, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> TimClient:
        """Build the client from ``Settings`` (SDKAppID, key, region or base URL, admin, cache TTL).

        Raises:
            ConfigError: naming the first required variable that is missing.
        """
        settings.require("tim_sdkappid", "tim_secret_key")
        assert settings.tim_sdkappid is not None and settings.tim_secret_key is not None
        return cls(
            sdkappid=settings.tim_sdkappid,
            secret_key=settings.tim_secret_key,
            base_url=settings.tim_url,
            admin=settings.tim_admin,
            transport=transport,
            cache_ttl=settings.timbot_cache_ttl,
        )

    async def aclose(self) -> None:
        """Cancel calls in flight and close the HTTP connections."""
        await self._path.aclose()

    async def __aenter__(self) -> TimClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def call(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST ``body`` to ``/v4/{endpoint}`` through the call path and return the JSON answer.

        Args:
            endpoint: ``service/command``, e.g. ``sns/group_get``.
            body: the JSON object to send (``{}`` when there are no fields).

        Raises:
            TimApiError, TimTransportError, TimProtocolError.
        """
        return await self._path.call(endpoint, body)

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

    # -- the three cursor styles -----------------------------------------------------------------------

    async def iter_appid_groups(
        self, *, group_type: str | None = None, limit: int = 10000
    ) -> AsyncIterator[str]:
        """Every group ID of the app (``Next`` until 0), paced at Tencent's 1 call per second.

        Args:
            group_type: only this type; limit: IDs per call.
        """
        cursor = 0
        while True:
            page = await self.get_appid_group_list(group_type=group_type, limit=limit, next=cursor)
            for group_id in page.group_ids:
                yield group_id
            if page.next == 0:
                return
            if page.next == cursor:
                raise TimProtocolError("the Next cursor did not move", endpoint=APPID_GROUP_LIST)
            cursor = page.next

    async def iter_joined_groups(
        self, *, member_account: str, limit: int = 100, **filters: Any
    ) -> AsyncIterator[JoinedGroup]:
        """Every group ``member_account`` has joined (``Offset`` until ``TotalCount``).

        Args:
            member_account: the user.
            limit: groups per call.
            filters: any other keyword of :meth:`get_joined_group_list` (type, flags, response filters).
        """
        offset = 0
        while True:
            page = await self.get_joined_group_list(
                member_account=member_account, limit=limit, offset=offset, **filters
            )
            for group in page.groups:
                yield group
            offset += len(page.groups)
            if not page.groups or offset >= page.total_count:
                return

    async def iter_av_members(self, *, group_id: str, mark: int | None = None) -> AsyncIterator[AVMember]:
        """Every online member of an audio-video group (``Timestamp`` until ``NextTimestamp`` is 0).

        Args:
            group_id: the AVChatRoom group; mark: only members with this mark.
        """
        timestamp = 0
        while True:
            page = await self.get_members(group_id=group_id, timestamp=timestamp, mark=mark)
            for member in page.members:
                yield member
            if page.next_timestamp == 0:
                return
            if page.next_timestamp == timestamp:
                raise TimProtocolError("the NextTimestamp cursor did not move", endpoint=AV_MEMBERS)
            timestamp = page.next_timestamp


def _filters(**named: Sequence[str] | None) -> dict[str, list[str]]:
    """The ``ResponseFilter`` object: only the filters the caller gave."""
    return {name: list(values) for name, values in named.items() if values is not None}
