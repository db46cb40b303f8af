"""``/im-groups [TYPE] [--limit N]``: the app's group IDs, paged by Tencent's ``Next`` cursor.

Tencent: "Getting All Groups in an App" (``group_open_http_svc/get_appid_group_list``), which pages with
``Limit``/``Next`` (0 when the list ends) and reports ``TotalCount``.
"""

from __future__ import annotations

from timbot.commands import grammar
from timbot.commands.queries import GroupsQuery
from timbot.commands.results import GroupsPage
from timbot.commands.spec import CommandSpec, TimApi, page_count, pager
from timbot.commands.state import NextCursor, PageState, advance, fit, previous

USAGE = (
    "/im-groups [TYPE] [--limit N]\n"
    "  the app's group IDs, N per page (default 20, at most 100)\n"
    "  TYPE: Public, Private (Work), ChatRoom (Meeting), AVChatRoom (Live), BChatRoom, Community"
)


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


async def fetch(client: TimApi, state: PageState, query: GroupsQuery) -> GroupsPage:
    """One page of IDs from the page's ``Next`` cursor."""
    cursor = state.cursor.next if isinstance(state.cursor, NextCursor) else 0
    answer = await client.get_appid_group_list(group_type=query.group_type, limit=query.limit, next=cursor)
    more = answer.next != 0 and answer.next != cursor and bool(answer.group_ids)
    nxt = fit(advance(state, NextCursor(next=answer.next))) if more else None
    return GroupsPage(header=command_line(query), **pager(state, nxt=nxt, prev=previous(state)),
                      group_type=query.group_type, group_ids=list(answer.group_ids), total=answer.total_count,
                      pages=max(page_count(answer.total_count, query.limit), state.page))


SPEC = CommandSpec(
    name="/im-groups",
    summary="List the Chat app's groups, optionally of one type",
    usage=USAGE,
    flags={"limit": True},
    query=GroupsQuery,
    build=build,
    command_line=command_line,
    fetch=fetch,
)
