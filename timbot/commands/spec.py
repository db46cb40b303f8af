"""``CommandSpec``: everything that makes one slash command what it is, in one object; and what specs share.

A spec names the command, its flags and usage, its query model (whose ``cursor_kind`` says how it pages),
how text becomes a query (``build``), how a query is written back as the command (``command_line``), how a
page is fetched and laid out (``fetch``, returning one of the page types of :mod:`timbot.commands.results`),
and, for the follow menus and exports, which rows it shows and its CSV columns. The registry
(:mod:`timbot.commands.registry`) lists the specs; everything that lists commands derives from it.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Protocol, TypeVar

from timbot.commands.export import Chunk
from timbot.commands.grammar import Args
from timbot.commands.queries import FriendsQuery, GroupQuery, GroupsQuery, JoinedQuery, RoomQuery
from timbot.commands.results import Page, PagerButton
from timbot.commands.state import OffsetCursor, PageState, advance, encode, fit, previous
from timbot.i18n import N_, _
from timbot.tim.models import AppGroupList, AVMemberPage, FriendLists, GroupInfo, JoinedGroupList

__all__ = [
    "CANCEL_EXPORT",
    "CANCEL_LABEL",
    "EXPORT",
    "EXPORT_LABEL",
    "FOLLOW",
    "NEXT",
    "PAGER_ACTIONS",
    "PREV",
    "SHARE",
    "CommandSpec",
    "Row",
    "TimApi",
    "by_offset",
    "offset_of",
    "page_count",
    "pager",
]

Q = TypeVar("Q", GroupsQuery, GroupQuery, JoinedQuery, RoomQuery, FriendsQuery)

#: The ``action_id`` of the Next and Previous buttons (already in users' Slack history: never renamed), and of
#: the Share button (its value is the page's own state).
NEXT: Final = "timbot_next"
PREV: Final = "timbot_prev"
SHARE: Final = "timbot_share"
#: The ``action_id`` of every follow element (a row's button or menu, the page's follow select): its value
#: names the command to answer (:mod:`timbot.commands.follow`).
FOLLOW: Final = "timbot_follow"
#: The ``action_id`` of the Export CSV button (its value is page 1's state, encoded as a page button's) and of
#: the Cancel button on an export's progress message (its value names the export).
EXPORT: Final = "timbot_export"
CANCEL_EXPORT: Final = "timbot_export_cancel"
PAGER_ACTIONS: Final[tuple[str, ...]] = (NEXT, PREV, SHARE, FOLLOW, EXPORT, CANCEL_EXPORT)
#: The Export CSV button's label, and the Cancel button's on an export's progress message (English message
#: ids: translated where the buttons are made, with ``_``).
EXPORT_LABEL: Final = N_("Export CSV")
CANCEL_LABEL: Final = N_("Cancel")


@dataclass(frozen=True, kw_only=True)
class Row:
    """A kind of row a command's pages show, and the labels of the follow options it may get.

    Args:
        what: the rows, in words (``the groups listed``).
        names: what each row names: a ``group`` or a ``user``.
        labels: its follow options' labels (a group's ``Online members`` only for an AVChatRoom).
    """

    what: str
    names: str
    labels: tuple[str, ...]


class TimApi(Protocol):
    """The calls of ``timbot.tim.client.TimClient`` the specs use (a test fake can stand in)."""

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

    async def get_online_member_num(self, *, group_id: str) -> int: ...

    async def get_friend_lists(
        self, *, from_account: str, need_friend: bool = False, group_names: Sequence[str] | None = None
    ) -> FriendLists: ...


@dataclass(frozen=True, kw_only=True)
class CommandSpec(Generic[Q]):
    """One slash command.

    Args:
        name: the command as Slack sends it, e.g. ``/im-groups``.
        summary: one line saying what it answers (the manifest's description, the demo's list).
        usage: the usage text shown by ``help`` and under every usage error.
        flags: its flags: name -> whether the flag takes a value.
        query: its query model (the button value's ``q``; ``query.cursor_kind`` is how it pages).
        build: arguments -> query (raises ``UsageError``; no Tencent call).
        command_line: query -> the command a user would type (plain text), the header of its pages.
        fetch: ``(client, state, query) -> page``: one page from Tencent, with its buttons made.
        explains: what a Tencent code means for this command (English message ids), where the general
            explanation would send the user the wrong way (``/im-room`` on a group that is not a live room
            answers 10007, which elsewhere means a missing permission).
        rows: what the rows of its pages name and can be followed to (``timbot.commands.follow.Row``).
        csv_columns: query -> the header of its CSV export (the column names, ``error`` last).
        csv_walk: ``(client, query) -> chunks of rows``: the whole result, every page, in order (the rows'
            cells in the order of ``csv_columns``; see :mod:`timbot.commands.export`).
        csv_size: ``(client, query) -> rows``: the size of the export as Tencent counts it, before the
            walk (None when Tencent does not say); an answer the walk's first call reuses from the cache.
    """

    name: str
    summary: str
    usage: str
    flags: Mapping[str, bool]
    query: type[Q]
    build: Callable[[Args], Q]
    command_line: Callable[[Q], str]
    fetch: Callable[[TimApi, PageState, Q], Awaitable[Page]]
    explains: Mapping[int, str] = field(default_factory=dict)
    rows: tuple[Row, ...] = field(default=())
    csv_columns: Callable[[Q], tuple[str, ...]]
    csv_walk: Callable[[TimApi, Q], AsyncIterator[Chunk]]
    csv_size: Callable[[TimApi, Q], Awaitable[int | None]]

    @property
    def kind(self) -> str:
        """The query's ``kind`` (``groups``, ``group``...): how a button value names its command."""
        default: str = self.query.model_fields["kind"].default
        return default


def page_count(total: int, size: int) -> int:
    """How many pages of ``size`` hold ``total`` items (at least one)."""
    return max(1, math.ceil(total / size))


def offset_of(state: PageState) -> int:
    """The index of the first item of an offset-paged page."""
    return state.cursor.offset if isinstance(state.cursor, OffsetCursor) else 0


def by_offset(state: PageState, size: int, total: int) -> tuple[PageState | None, PageState | None]:
    """Next and previous states of an offset-paged page (the next one only while items remain).

    Args:
        state: the page shown.
        size: items per page.
        total: items in all.
    """
    offset = offset_of(state)
    nxt = fit(advance(state, OffsetCursor(offset=offset + size))) if offset + size < total else None
    prev = previous(state, OffsetCursor(offset=max(0, offset - size)))
    return nxt, prev


def pager(state: PageState, *, nxt: PageState | None, prev: PageState | None) -> dict[str, Any]:
    """What every page carries besides its results: the number and the Previous/Next buttons, encoded.

    Args:
        state: the page shown.
        nxt: the state Next leads to, if there is a next page.
        prev: the state Previous leads to, if there is a previous page.

    Returns:
        ``number``, ``buttons``, ``share`` (the page's own state, encoded, for the Share button) and, on the
        first page of an answer with more pages, ``export`` (the Export CSV button, page 1's state), as
        keyword arguments of a page type (the spec adds ``header``).
    """
    buttons = []
    if prev is not None:
        label = _("⏮ First page") if prev.page == 1 and state.page > 2 else _("◀ Previous")
        buttons.append(PagerButton(label=label, action_id=PREV, value=encode(prev)))
    if nxt is not None:
        buttons.append(PagerButton(label=_("Next ▶"), action_id=NEXT, value=encode(nxt), primary=True))
    share = PagerButton(label=_("Share"), action_id=SHARE, value=encode(state))
    export = (PagerButton(label=_(EXPORT_LABEL), action_id=EXPORT, value=share.value)
              if state.page == 1 and nxt is not None else None)
    return {"number": state.page, "buttons": tuple(buttons), "share": share, "export": export}
