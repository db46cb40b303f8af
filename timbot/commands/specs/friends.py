"""``/im-friends USER_ID [LIST_NAME ...]``: a user's friend lists and their counts, or the named lists.

Tencent: "Pulling Lists" (``sns/group_get``): every list with its ``FriendNumber``; with ``NeedFriend`` the
friends too, which Tencent gives only when no ``GroupName`` is asked for (so named lists are picked here).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

from timbot.commands import grammar
from timbot.commands.export import Cell, Chunk, Id
from timbot.commands.follow import follows_of, user_follows, user_row
from timbot.commands.queries import MAX_LIST_NAMES, FriendsQuery
from timbot.commands.results import FriendListsPage, FriendsPage, NamedList
from timbot.commands.spec import CommandSpec, TimApi, by_offset, offset_of, page_count, pager
from timbot.commands.state import PageState
from timbot.errors import UsageError
from timbot.i18n import N_, _

#: The usage (a message id: shown in the reader's language; the 32 is ``MAX_LIST_NAMES``).
USAGE = N_(
    "/im-friends USER_ID [LIST_NAME ...] [--csv]\n"
    "  a user's friend lists with their counts;\n"
    "  named lists (at most 32) with their friends"
)
FRIENDS_PER_PAGE: Final = 40


def build(args: grammar.Args) -> FriendsQuery:
    """``USER_ID [LIST_NAME ...]`` -> the query (repeated names dropped)."""
    user = grammar.user_id(args)
    names = grammar.unique(args.positional[1:])
    for name in names:
        grammar.list_name(args, name)
    if len(names) > MAX_LIST_NAMES:
        problem = _("too many list names ({count}; at most {most})")
        raise UsageError(problem.format(count=len(names), most=MAX_LIST_NAMES), usage=args.usage)
    return FriendsQuery(user_id=user, list_names=tuple(names))


def command_line(query: FriendsQuery) -> str:
    """The query as typed: ``/im-friends leckie Family Work``."""
    return " ".join(["/im-friends", query.user_id, *(grammar.quote(name) for name in query.list_names)])


async def fetch(client: TimApi, state: PageState, query: FriendsQuery) -> FriendListsPage | FriendsPage:
    """No names: the lists and their counts (one page). Names: their friends, paged together."""
    if not query.list_names:
        answer = await client.get_friend_lists(from_account=query.user_id)
        return FriendListsPage(header=command_line(query), **pager(state, nxt=None, prev=None),
                               lists=[(item.group_name, item.friend_number) for item in answer.items])
    answer = await client.get_friend_lists(from_account=query.user_id, need_friend=True,
                                           group_names=query.list_names)
    found = {item.group_name: item for item in answer.items if item.group_name in query.list_names}
    if any(item.to_account is None and item.friend_number > 0 for item in found.values()):
        # NeedFriend only works without GroupName: ask for all, keep the named lists.
        everything = await client.get_friend_lists(from_account=query.user_id, need_friend=True)
        found = {item.group_name: item for item in everything.items if item.group_name in query.list_names}
    offset = offset_of(state)
    everyone = [list(found[name].to_account or []) if name in found else [] for name in query.list_names]
    total = sum(len(friends) for friends in everyone)
    lists: list[NamedList] = []
    start = 0
    for name, friends in zip(query.list_names, everyone, strict=True):
        item = found.get(name)
        low, high = max(offset - start, 0), min(offset + FRIENDS_PER_PAGE - start, len(friends))
        on_page = friends[low:high] if high > low else []
        # a list is shown where its friends are and an empty one where it falls in the order, so no list is
        # left as a heading with no names under it at the foot of a page; a name Tencent does not know is
        # said on page 1, with the answer's first words
        end = offset + FRIENDS_PER_PAGE
        here = offset <= start < end or (start == total and end >= total)
        if on_page or (item is not None and not friends and here) or (item is None and offset == 0):
            lists.append(NamedList(name=name, found=item is not None, friends=on_page, first_index=low,
                                   friend_number=item.friend_number if item is not None else 0))
        start += len(friends)
    nxt, prev = by_offset(state, FRIENDS_PER_PAGE, total)
    follows = follows_of((f, user_follows(f)) for named in lists for f in named.friends)
    return FriendsPage(header=command_line(query), **pager(state, nxt=nxt, prev=prev), lists=lists,
                       total_friends=total, pages=page_count(total, FRIENDS_PER_PAGE), follows=follows)


#: The columns of a row per friend in a list (an empty list: one row without a friend).
CSV_COLUMNS: Final = ("list", "friend", "error")
#: The ``error`` of a named list the user does not have.
NO_LIST: Final = "no friend list of that name"


def csv_columns(query: FriendsQuery) -> tuple[str, ...]:
    """A row per friend of each list (every list, or the named ones)."""
    return CSV_COLUMNS


async def csv_size(client: TimApi, query: FriendsQuery) -> None:
    """The walk is one call; its answer says the size."""
    return None


async def csv_walk(client: TimApi, query: FriendsQuery) -> AsyncIterator[Chunk]:
    """Every friend of every list (or of the named lists, in their order), from one ``sns/group_get``."""
    answer = await client.get_friend_lists(from_account=query.user_id, need_friend=True)
    found = {item.group_name: item for item in answer.items}
    names = query.list_names or tuple(item.group_name for item in answer.items)
    rows: list[tuple[Cell, ...]] = []
    for name in names:
        item = found.get(name)
        if item is None:
            rows.append((name, None, NO_LIST))
            continue
        friends = item.to_account or []
        rows.extend((name, Id(friend), "") for friend in friends)
        if not friends:
            rows.append((name, None, ""))
    yield Chunk(rows=rows, total=len(rows))


SPEC = CommandSpec(
    name="/im-friends",
    summary="Show a user's friend lists, or the friends in named lists",
    usage=USAGE,
    flags={"csv": False},
    query=FriendsQuery,
    build=build,
    command_line=command_line,
    fetch=fetch,
    csv_columns=csv_columns,
    csv_walk=csv_walk,
    csv_size=csv_size,
    rows=(user_row("the friends in the named lists"),),
    explains={
        30003: N_("the user does not exist in this app; check the UserID"),
        30001: N_("Tencent refused the request; check the UserID and the list names"),
    },
)
