"""``/im-groups [TYPE] [--limit N]``: the app's groups with their names, paged inside chunks of one big call.

Tencent: "Getting All Groups in an App" (``group_open_http_svc/get_appid_group_list``) gives up to 10,000 IDs
a call at 1 call a second, with ``Next`` (0 when the list ends) and ``TotalCount``; "Getting Group Profiles"
(``get_group_info``, 50 IDs a call) gives each page's names, types and member counts (the basic fields only,
so no member list). Page 1 asks for its own IDs only (the first answer comes as fast as Tencent gives 20 IDs);
from page 2 on, a chunk of :data:`CHUNK` IDs is fetched once, from page 1's ``Next``, and kept in the answer
cache, and the pages inside it are served from there: paging through a chunk costs no list call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

from timbot.commands import grammar
from timbot.commands.export import GROUP_COLUMNS, Chunk, group_rows
from timbot.commands.follow import follows_of, group_follows, group_row
from timbot.commands.queries import GroupsQuery
from timbot.commands.results import GroupsPage
from timbot.commands.spec import CommandSpec, TimApi, page_count, pager
from timbot.commands.state import ChunkCursor, NextCursor, PageState, advance, fit, previous
from timbot.errors import TimError
from timbot.i18n import N_
from timbot.tim.models import GroupInfo

__all__ = ["CHUNK", "ROW_FIELDS", "SPEC"]

#: The usage (a message id: shown in the reader's language).
USAGE = N_(
    "/im-groups [TYPE] [--limit N] [--csv]\n"
    "  the app's groups with their names, N per page (default 20, at most 100)\n"
    "  TYPE: Public, Private (Work), ChatRoom (Meeting), AVChatRoom (Live), BChatRoom, Community"
)
#: IDs asked for in one ``get_appid_group_list`` (Tencent allows 10,000), rounded down to whole pages.
CHUNK: Final = 1000
#: IDs asked for in one ``get_appid_group_list`` of an export (Tencent's most).
WALK_CHUNK: Final = 10_000
#: What each row shows of its group (``get_group_info``'s ``GroupBaseInfoFilter``: no member list).
ROW_FIELDS: Final = ("Name", "Type", "MemberNum")


def build(args: grammar.Args) -> GroupsQuery:
    """``[TYPE] [--limit N]`` -> the query."""
    limit = grammar.number(args, "limit", 1, 100) or 20
    grammar.only(args, 1)
    kind = grammar.group_type(args, args.positional[0]) if args.positional else None
    return GroupsQuery(group_type=kind, limit=limit)


def command_line(query: GroupsQuery) -> str:
    """The query as typed: ``/im-groups Public --limit 6``."""
    parts = ["/im-groups", query.group_type or "", f"--limit {query.limit}" if query.limit != 20 else ""]
    return " ".join(part for part in parts if part)


def _where(state: PageState) -> tuple[int, int]:
    """The chunk the page is in (its ``Next``) and the page's offset in it. A value sent before chunks
    carries its page's own ``Next``: the chunk starts there."""
    cursor = state.cursor
    if isinstance(cursor, ChunkCursor):
        return cursor.next, cursor.offset
    if isinstance(cursor, NextCursor):
        return cursor.next, 0
    return 0, 0


async def _rows(client: TimApi, ids: list[str]) -> tuple[dict[str, GroupInfo], str | None]:
    """Each ID's basic info, or why there is none (the page then shows the IDs alone)."""
    if not ids:
        return {}, None
    try:
        infos = await client.get_group_info(ids, group_base_info_filter=ROW_FIELDS)
    except TimError as exc:
        return {}, exc.user_text()
    return {info.group_id: info for info in infos}, None


async def fetch(client: TimApi, state: PageState, query: GroupsQuery) -> GroupsPage:
    """One page of groups: its IDs from the (cached) chunk, their names from one ``get_group_info``."""
    start, offset = _where(state)
    first = isinstance(state.cursor, ChunkCursor) and state.cursor == ChunkCursor()
    size = query.limit if first else query.limit * max(1, CHUNK // query.limit)
    chunk = await client.get_appid_group_list(group_type=query.group_type, limit=size, next=start)
    ids = list(chunk.group_ids[offset : offset + query.limit])
    if offset + query.limit < len(chunk.group_ids):
        nxt: PageState | None = fit(advance(state, ChunkCursor(next=start, offset=offset + query.limit)))
    elif chunk.next not in (0, start) and chunk.group_ids:
        nxt = fit(advance(state, ChunkCursor(next=chunk.next)))
    else:
        nxt = None
    infos, missing = await _rows(client, ids)
    pages = max(page_count(chunk.total_count, query.limit), state.page)
    follows = follows_of((gid, group_follows(gid, infos[gid].type if gid in infos else None)) for gid in ids)
    return GroupsPage(header=command_line(query), **pager(state, nxt=nxt, prev=previous(state)),
                      group_type=query.group_type, group_ids=ids, total=chunk.total_count, infos=infos,
                      names_missing=missing, pages=pages, follows=follows)


def csv_columns(query: GroupsQuery) -> tuple[str, ...]:
    """A row per group: its ID, name, type, member count, maximum, owner, creation time, error."""
    return GROUP_COLUMNS


async def csv_size(client: TimApi, query: GroupsQuery) -> int:
    """Tencent's ``TotalCount`` (the walk's first call, answered from the cache)."""
    first = await client.get_appid_group_list(group_type=query.group_type, limit=WALK_CHUNK, next=0)
    return first.total_count


async def csv_walk(client: TimApi, query: GroupsQuery) -> AsyncIterator[Chunk]:
    """Every group: :data:`WALK_CHUNK` IDs a list call (``Next`` until 0), their info 50 a call."""
    start, first = 0, True
    while True:
        chunk = await client.get_appid_group_list(group_type=query.group_type, limit=WALK_CHUNK, next=start)
        if first:  # the size first, so that a result over the bound is refused before any info call
            yield Chunk(rows=[], total=chunk.total_count)
            first = False
        async for part in group_rows(client, chunk.group_ids):
            yield part
        if chunk.next in (0, start) or not chunk.group_ids:
            return
        start = chunk.next


SPEC = CommandSpec(
    name="/im-groups",
    summary="List the Chat app's groups, optionally of one type",
    usage=USAGE,
    flags={"limit": True, "csv": False},
    query=GroupsQuery,
    build=build,
    command_line=command_line,
    fetch=fetch,
    csv_columns=csv_columns,
    csv_walk=csv_walk,
    csv_size=csv_size,
    rows=(group_row("the groups listed"),),
)
