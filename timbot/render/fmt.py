"""Dates as Slack date tokens, counts and a query written back as the command a user typed."""

from __future__ import annotations

from datetime import UTC, datetime

from timbot.commands.queries import FriendsQuery, GroupQuery, GroupsQuery, JoinedQuery, Query, RoomQuery

__all__ = ["command_line", "date", "plural"]

_MAX_TS = 253_402_300_799  # 9999-12-31T23:59:59Z


def date(ts: int, *, zero: str = "never") -> str:
    """Return a Slack date token for Unix seconds (``zero`` for 0, the number itself if out of range).

    Args:
        ts: Unix seconds, UTC.
        zero: what 0 means here ("never", "not muted").
    """
    if ts == 0:
        return zero
    if not 0 < ts <= _MAX_TS:
        return str(ts)
    fallback = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"<!date^{ts}^{{date_short_pretty}} {{time}}|{fallback}>"


def plural(count: int, noun: str) -> str:
    """Return ``"1 group"`` / ``"1,234 groups"``.

    Args:
        count: how many.
        noun: the singular noun.
    """
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def command_line(query: Query) -> str:
    """Return the query as the command a user would type (plain text, not escaped).

    Args:
        query: a parsed query.
    """
    if isinstance(query, GroupsQuery):
        parts = ["/im-groups", query.group_type or ""]
        parts.append(f"--limit {query.limit}" if query.limit != 20 else "")
    elif isinstance(query, GroupQuery):
        parts = ["/im-group", *query.group_ids]
    elif isinstance(query, JoinedQuery):
        parts = ["/im-joined", query.user_id, f"--type {query.group_type}" if query.group_type else "",
                 "--huge" if query.huge else "", "--inactive" if query.inactive else "",
                 "--topics" if query.topics else "", f"--limit {query.limit}" if query.limit != 20 else ""]
    elif isinstance(query, RoomQuery):
        parts = ["/im-room", query.group_id, f"--mark {query.mark}" if query.mark is not None else ""]
    else:
        assert isinstance(query, FriendsQuery)
        parts = ["/im-friends", query.user_id, *query.list_names]
    return " ".join(part for part in parts if part)
