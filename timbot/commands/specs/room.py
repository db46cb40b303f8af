"""``/im-room GROUP_ID [--mark N]``: the online members of a live room (AVChatRoom), newest first.

Tencent: "Getting the Online Member List of a Live Streaming Group"
(``group_open_avchatroom_http_svc/get_members``), paged by ``Timestamp``/``NextTimestamp`` (0 at the end),
optionally only the members marked ``Mark``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Final

from timbot.commands import grammar
from timbot.commands.export import Chunk, Id, Stamp
from timbot.commands.follow import follows_of, user_follows, user_row
from timbot.commands.queries import RoomQuery
from timbot.commands.results import RoomPage
from timbot.commands.spec import CommandSpec, TimApi, pager
from timbot.commands.state import PageState, TimeCursor, advance, fit, previous
from timbot.errors import TimError, UsageError
from timbot.i18n import N_, _

#: The usage (a message id: shown in the reader's language).
USAGE = N_(
    "/im-room GROUP_ID [--mark N] [--csv]\n"
    "  the online members of an audio-video group (with --mark, only those marked N)"
)
ROOM_PER_PAGE: Final = 25
_ROOM_FIELDS: Final = ("Name", "Type", "MemberNum")


def build(args: grammar.Args) -> RoomQuery:
    """``GROUP_ID [--mark N]`` -> the query."""
    if not args.positional:
        raise UsageError(_("missing GROUP_ID"), usage=args.usage)
    grammar.only(args, 1)
    mark = grammar.number(args, "mark", 0, 2**31 - 1)
    return RoomQuery(group_id=grammar.group_id(args, args.positional[0]), mark=mark)


def command_line(query: RoomQuery) -> str:
    """The query as typed: ``/im-room @TGS#a8GR2rdB4 --mark 1000``."""
    mark = f"--mark {query.mark}" if query.mark is not None else ""
    parts = ["/im-room", grammar.quote(query.group_id), mark]
    return " ".join(part for part in parts if part)


async def _online(client: TimApi, query: RoomQuery) -> int | None:
    """How many are online, as Tencent counts them (``get_online_member_num``; None when it does not say:
    the members still show). ``get_members`` lists only the latest 1,000, so they cannot be counted."""
    try:
        return await client.get_online_member_num(group_id=query.group_id)
    except TimError:
        return None


async def _name(client: TimApi, query: RoomQuery) -> str | None:
    """The room's name (None when Tencent does not give it: the count and members still show)."""
    try:
        (group,) = await client.get_group_info([query.group_id], group_base_info_filter=_ROOM_FIELDS)
    except TimError:
        return None
    return group.name if group.error_code == 0 else None


async def fetch(client: TimApi, state: PageState, query: RoomQuery) -> RoomPage:
    """A slice of one Tencent page of members; Next moves inside it, then to ``NextTimestamp``. The page
    also says the room's name and how many are online (one call each, cached like every answer)."""
    cursor = state.cursor if isinstance(state.cursor, TimeCursor) else TimeCursor()
    answer = await client.get_members(group_id=query.group_id, timestamp=cursor.timestamp, mark=query.mark)
    online, name = await asyncio.gather(_online(client, query), _name(client, query))
    end = cursor.skip + ROOM_PER_PAGE
    if end < len(answer.members):
        nxt: PageState | None = fit(advance(state, TimeCursor(timestamp=cursor.timestamp, skip=end)))
    elif answer.next_timestamp not in (0, cursor.timestamp):
        nxt = fit(advance(state, TimeCursor(timestamp=answer.next_timestamp)))
    else:
        nxt = None
    members = list(answer.members[cursor.skip : end])
    return RoomPage(header=command_line(query), **pager(state, nxt=nxt, prev=previous(state)),
                    mark=query.mark, members=members, name=name, online=online,
                    follows=follows_of((m.member_account, user_follows(m.member_account)) for m in members))


#: The columns of a row per online member.
CSV_COLUMNS: Final = ("member", "nick_name", "joined", "error")


def csv_columns(query: RoomQuery) -> tuple[str, ...]:
    """A row per online member."""
    return CSV_COLUMNS


async def csv_size(client: TimApi, query: RoomQuery) -> None:
    """Tencent lists the members without a count of the list (the online count is another number)."""
    return None


async def csv_walk(client: TimApi, query: RoomQuery) -> AsyncIterator[Chunk]:
    """Every online member, ``Timestamp`` / ``NextTimestamp`` until 0."""
    timestamp = 0
    while True:
        answer = await client.get_members(group_id=query.group_id, timestamp=timestamp, mark=query.mark)
        yield Chunk(rows=[(Id(m.member_account), m.nick_name, Stamp(m.join_time), "")
                          for m in answer.members])
        if answer.next_timestamp in (0, timestamp) or not answer.members:
            return
        timestamp = answer.next_timestamp


SPEC = CommandSpec(
    name="/im-room",
    summary="List the online members of an audio-video group (live room)",
    usage=USAGE,
    flags={"mark": True, "csv": False},
    query=RoomQuery,
    build=build,
    command_line=command_line,
    fetch=fetch,
    csv_columns=csv_columns,
    csv_walk=csv_walk,
    csv_size=csv_size,
    rows=(user_row("the online members"),),
    explains={
        10007: N_("this group is not a live room (AVChatRoom), so it has no online member list; "
                  "/im-group shows its card and members"),
    },
)
