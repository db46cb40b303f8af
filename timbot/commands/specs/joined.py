"""``/im-joined USER_ID [--type TYPE] [--huge] [--inactive] [--topics] [--limit N]``: a user's groups.

Tencent: "Getting the Groups a User Has Joined" (``group_open_http_svc/get_joined_group_list``), paged with
``Limit``/``Offset`` up to ``TotalCount``; AVChatRoom groups only with ``WithHugeGroups``, inactive Private
groups only with ``WithNoActiveGroups``, topic-enabled communities with ``SupportTopic``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

from timbot.commands import grammar
from timbot.commands.export import Chunk, Id, Stamp
from timbot.commands.follow import follows_of, group_follows, group_row
from timbot.commands.queries import JoinedQuery
from timbot.commands.results import JoinedPage
from timbot.commands.spec import CommandSpec, TimApi, by_offset, offset_of, page_count, pager
from timbot.commands.state import PageState
from timbot.errors import UsageError
from timbot.i18n import N_, _
from timbot.tim.models import JoinedGroupList

#: The usage (a message id: shown in the reader's language).
USAGE = N_(
    "/im-joined USER_ID [--type TYPE] [--huge] [--inactive] [--topics] [--limit N] [--csv]\n"
    "  the groups a user has joined; --huge adds AVChatRoom (live) groups (--type AVChatRoom implies it),\n"
    "  --inactive adds inactive Private groups, --topics (with --type Community) only topic-enabled\n"
    "  communities"
)
_FIELDS: Final = ("Type", "Name", "MemberNum", "MaxMemberNum")


def build(args: grammar.Args) -> JoinedQuery:
    """``USER_ID`` and the flags -> the query."""
    limit = grammar.number(args, "limit", 1, 100) or 20
    user = grammar.user_id(args)
    grammar.only(args, 1)
    kind = grammar.group_type(args, args.flags["type"] or "") if "type" in args.flags else None
    if "topics" in args.flags and kind != "Community":
        raise UsageError(_("--topics needs --type Community"), usage=args.usage)
    # Tencent leaves live rooms out unless asked for huge groups: --type AVChatRoom alone would list none
    huge = "huge" in args.flags or kind == "AVChatRoom"
    return JoinedQuery(user_id=user, group_type=kind, huge=huge,
                       inactive="inactive" in args.flags, topics="topics" in args.flags,
                       limit=limit)


def command_line(query: JoinedQuery) -> str:
    """The query as typed: ``/im-joined leckie --type Public --limit 5``."""
    parts = ["/im-joined", query.user_id, f"--type {query.group_type}" if query.group_type else "",
             "--huge" if query.huge else "", "--inactive" if query.inactive else "",
             "--topics" if query.topics else "", f"--limit {query.limit}" if query.limit != 20 else ""]
    return " ".join(part for part in parts if part)


async def fetch(client: TimApi, state: PageState, query: JoinedQuery) -> JoinedPage:
    """One ``Limit``/``Offset`` page, with the user's role and join time in each group."""
    offset = offset_of(state)
    answer = await client.get_joined_group_list(
        member_account=query.user_id, limit=query.limit, offset=offset, group_type=query.group_type,
        with_huge_groups=query.huge, with_no_active_groups=query.inactive, support_topic=query.topics,
        group_base_info_filter=_FIELDS, self_info_filter=("Role", "JoinTime"),
    )
    nxt, prev = by_offset(state, query.limit, answer.total_count)
    return JoinedPage(header=command_line(query), **pager(state, nxt=nxt, prev=prev),
                      groups=list(answer.groups), offset=offset, total=answer.total_count,
                      pages=max(page_count(answer.total_count, query.limit), state.page),
                      follows=follows_of((g.group_id, group_follows(g.group_id, g.type))
                                         for g in answer.groups))


#: Groups asked for in one ``get_joined_group_list`` of an export.
WALK_PAGE: Final = 1000
#: The columns of a row per joined group.
CSV_COLUMNS: Final = ("group_id", "name", "type", "member_count", "max_members", "role", "joined", "error")


def csv_columns(query: JoinedQuery) -> tuple[str, ...]:
    """A row per group joined, with the user's role and join time."""
    return CSV_COLUMNS


async def _walk_page(client: TimApi, query: JoinedQuery, offset: int) -> JoinedGroupList:
    return await client.get_joined_group_list(
        member_account=query.user_id, limit=WALK_PAGE, offset=offset, group_type=query.group_type,
        with_huge_groups=query.huge, with_no_active_groups=query.inactive, support_topic=query.topics,
        group_base_info_filter=_FIELDS, self_info_filter=("Role", "JoinTime"),
    )


async def csv_size(client: TimApi, query: JoinedQuery) -> int:
    """Tencent's ``TotalCount`` (the walk's first call, answered from the cache)."""
    return (await _walk_page(client, query, 0)).total_count


async def csv_walk(client: TimApi, query: JoinedQuery) -> AsyncIterator[Chunk]:
    """Every group joined, ``Limit``/``Offset`` until ``TotalCount``."""
    offset = 0
    while True:
        answer = await _walk_page(client, query, offset)
        rows = [(Id(g.group_id), g.name, g.type, g.member_num, g.max_member_num,
                 g.self_info.role if g.self_info else None,
                 Stamp(g.self_info.join_time) if g.self_info else None, "") for g in answer.groups]
        yield Chunk(rows=list(rows), total=answer.total_count if offset == 0 else None)
        offset += len(answer.groups)
        if not answer.groups or offset >= answer.total_count:
            return


SPEC = CommandSpec(
    name="/im-joined",
    summary="List the groups a user has joined",
    usage=USAGE,
    flags={"type": True, "huge": False, "inactive": False, "topics": False, "limit": True,
           "csv": False},
    query=JoinedQuery,
    build=build,
    command_line=command_line,
    fetch=fetch,
    csv_columns=csv_columns,
    csv_walk=csv_walk,
    csv_size=csv_size,
    rows=(group_row("the groups the user has joined"),),
    explains={
        10019: N_("the user does not exist in this app; check the UserID"),
        70107: N_("the user does not exist in this app; check the UserID"),
    },
)
