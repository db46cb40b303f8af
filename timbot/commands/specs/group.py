"""``/im-group GROUP_ID [GROUP_ID ...]``: one group's card and its members, or a compact card per group.

Tencent: "Getting Group Details" (``group_open_http_svc/get_group_info``): at most 50 IDs a call, per-group
``ErrorCode`` in ``GroupInfo``, and 10018 when the answer would pass 1 MB (then the card alone, asked with the
basic-info filter, leaves the member list out).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

from timbot.commands import grammar
from timbot.commands.export import GROUP_COLUMNS, Cell, Chunk, Id, Stamp, error_cell, group_rows
from timbot.commands.follow import follows_of, group_follows, group_row, user_follows, user_row
from timbot.commands.queries import MAX_GROUP_IDS, GroupQuery
from timbot.commands.results import GroupCardsPage, GroupPage
from timbot.commands.spec import CommandSpec, TimApi, by_offset, offset_of, page_count, pager
from timbot.commands.state import PageState
from timbot.errors import TimApiError, UsageError
from timbot.i18n import N_, _
from timbot.tim.models import GroupInfo

__all__ = ["BASE_FIELDS", "CARDS_PER_PAGE", "MEMBERS_PER_PAGE", "SPEC"]

#: The usage (a message id: shown in the reader's language; the 500 is ``MAX_GROUP_IDS``).
USAGE = N_(
    "/im-group GROUP_ID [GROUP_ID ...] [--csv]\n"
    "  one group: its card and members; several (at most 500): a card each"
)
MEMBERS_PER_PAGE: Final = 20
CARDS_PER_PAGE: Final = 10
#: Every basic-info field (Tencent's ``GroupBaseInfoFilter``): asking for these alone leaves members out.
BASE_FIELDS: Final[tuple[str, ...]] = (
    "Type", "Name", "Introduction", "Notification", "FaceUrl", "Owner_Account", "CreateTime", "InfoSeq",
    "LastInfoTime", "LastMsgTime", "NextMsgSeq", "MemberNum", "MaxMemberNum", "ApplyJoinOption",
    "InviteJoinOption", "MuteAllMember",
)
_CARD_FIELDS: Final = (
    "Type", "Name", "Owner_Account", "MemberNum", "MaxMemberNum", "CreateTime", "LastMsgTime",
)
#: Tencent's "the answer would exceed 1 MB".
_TOO_LARGE: Final = 10018


def build(args: grammar.Args) -> GroupQuery:
    """``GROUP_ID [GROUP_ID ...]`` -> the query (repeats dropped)."""
    if not args.positional:
        raise UsageError(_("missing GROUP_ID"), usage=args.usage)
    ids = grammar.unique([grammar.group_id(args, token) for token in args.positional])
    if len(ids) > MAX_GROUP_IDS:
        problem = _("too many group IDs ({count}; at most {most})")
        raise UsageError(problem.format(count=len(ids), most=MAX_GROUP_IDS), usage=args.usage)
    return GroupQuery(group_ids=tuple(ids))


def command_line(query: GroupQuery) -> str:
    """The query as typed: ``/im-group ID ID``."""
    return " ".join(["/im-group", *(grammar.quote(gid) for gid in query.group_ids)])


async def _one(client: TimApi, state: PageState, query: GroupQuery) -> GroupPage:
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
            note = _("the member list is too large to fetch (over Tencent's 1 MB limit)")
    offset = offset_of(state)
    members = group.member_list
    nxt, prev = by_offset(state, MEMBERS_PER_PAGE, len(members))
    shown = list(members[offset : offset + MEMBERS_PER_PAGE])
    # the owner is shown with the card (page 1 or the first slice), the members on every page
    owner = [group.owner_account] if group.owner_account and group.error_code == 0 and offset == 0 else []
    users = [*owner, *(m.member_account for m in shown)]
    return GroupPage(header=command_line(query), **pager(state, nxt=nxt, prev=prev), group=group,
                     follows=follows_of((user, user_follows(user)) for user in users),
                     members=shown, member_offset=offset,
                     member_total=len(members), members_note=note,
                     pages=page_count(len(members), MEMBERS_PER_PAGE))


async def _cards(client: TimApi, state: PageState, query: GroupQuery) -> GroupCardsPage:
    offset = offset_of(state)
    ids = query.group_ids[offset : offset + CARDS_PER_PAGE]
    groups = await client.get_group_info(ids, group_base_info_filter=_CARD_FIELDS) if ids else []
    nxt, prev = by_offset(state, CARDS_PER_PAGE, len(query.group_ids))
    if nxt is not None and isinstance(nxt.query, GroupQuery):  # the cut (if any) applies to every page
        cut = nxt.query
        prev = prev.model_copy(update={"query": cut}) if prev is not None else None
        query = cut
    follows = follows_of((g.group_id, group_follows(g.group_id, g.type)) for g in groups if not g.error_code)
    return GroupCardsPage(header=command_line(query), **pager(state, nxt=nxt, prev=prev), groups=list(groups),
                          follows=follows,
                          first_index=offset, total_ids=len(query.group_ids) + query.dropped,
                          dropped=query.dropped, pages=page_count(len(query.group_ids), CARDS_PER_PAGE))


async def fetch(client: TimApi, state: PageState, query: GroupQuery) -> GroupPage | GroupCardsPage:
    """One ID: its card and a page of members; several: a page of cards."""
    if len(query.group_ids) + query.dropped > 1:
        return await _cards(client, state, query)
    return await _one(client, state, query)


#: The columns of a one-ID export: a row per member.
MEMBER_COLUMNS: Final = (
    "group_id", "member", "role", "joined", "last_message", "muted_until", "name_card", "error",
)


def csv_columns(query: GroupQuery) -> tuple[str, ...]:
    """One ID: a row per member; several: a row per group (as ``/im-groups``)."""
    return MEMBER_COLUMNS if len(query.group_ids) + query.dropped == 1 else GROUP_COLUMNS


async def csv_size(client: TimApi, query: GroupQuery) -> int | None:
    """Several IDs: one row each; one: the group's ``MemberNum``."""
    if len(query.group_ids) > 1:
        return len(query.group_ids)
    (group,) = await client.get_group_info(list(query.group_ids), group_base_info_filter=("MemberNum",))
    return group.member_num if group.error_code == 0 else None


async def csv_walk(client: TimApi, query: GroupQuery) -> AsyncIterator[Chunk]:
    """Several IDs: their cards; one: its members (all of them come in one ``get_group_info``)."""
    if len(query.group_ids) > 1:
        async for part in group_rows(client, query.group_ids, total=len(query.group_ids)):
            yield part
        return
    group_id = query.group_ids[0]
    (group,) = await client.get_group_info([group_id])
    if group.error_code:
        explanation = group.error_explanation
        if group.error_code == _TOO_LARGE:
            explanation = "the member list is too large to fetch (over Tencent's 1 MB limit)"
        row: tuple[Cell, ...] = (Id(group_id), None, None, None, None, None, None,
                                 error_cell(group.error_code, explanation))
        yield Chunk(rows=[row], total=1)
        return
    yield Chunk(rows=[(Id(group_id), Id(m.member_account), m.role, Stamp(m.join_time),
                       Stamp(m.last_send_msg_time), Stamp(m.mute_until), m.name_card, "")
                      for m in group.member_list], total=len(group.member_list))


SPEC = CommandSpec(
    name="/im-group",
    summary="Show a group's card and members, or the cards of several groups",
    usage=USAGE,
    flags={"csv": False},
    query=GroupQuery,
    build=build,
    command_line=command_line,
    fetch=fetch,
    csv_columns=csv_columns,
    csv_walk=csv_walk,
    csv_size=csv_size,
    rows=(group_row("several IDs: the groups' cards"), user_row("one ID: the group's owner and members")),
)
