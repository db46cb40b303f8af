"""Command text -> typed query (pure): the grammar of design.md §1, every bad input a ``UsageError``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, cast

from pydantic import ValidationError

from timbot.commands.queries import (
    COMMANDS,
    MAX_GROUP_IDS,
    MAX_LIST_NAMES,
    CommandName,
    FriendsQuery,
    GroupQuery,
    GroupsQuery,
    GroupType,
    HelpQuery,
    JoinedQuery,
    Query,
    RoomQuery,
)
from timbot.errors import UsageError

__all__ = ["USAGE", "normalise_type", "parse", "unescape"]

USAGE: Final[dict[str, str]] = {
    "/im-groups": (
        "/im-groups [TYPE] [--limit N]\n"
        "  the app's group IDs, N per page (default 20, at most 100)\n"
        "  TYPE: Public, Private (Work), ChatRoom (Meeting), AVChatRoom (Live), BChatRoom, Community"
    ),
    "/im-group": (
        "/im-group GROUP_ID [GROUP_ID ...]\n"
        f"  one group: its card and members; several (at most {MAX_GROUP_IDS}): a card each"
    ),
    "/im-joined": (
        "/im-joined USER_ID [--type TYPE] [--huge] [--inactive] [--topics] [--limit N]\n"
        "  the groups a user has joined; --huge adds AVChatRoom groups, --inactive adds inactive\n"
        "  Private groups, --topics (with --type Community) only topic-enabled communities"
    ),
    "/im-room": (
        "/im-room GROUP_ID [--mark N]\n"
        "  the online members of an audio-video group (with --mark, only those marked N)"
    ),
    "/im-friends": (
        "/im-friends USER_ID [LIST_NAME ...]\n"
        "  a user's friend lists with their counts;\n"
        f"  named lists (at most {MAX_LIST_NAMES}) with their friends"
    ),
}

_TYPES: Final[dict[str, GroupType]] = {
    "public": "Public",
    "private": "Private",
    "work": "Private",
    "chatroom": "ChatRoom",
    "meeting": "ChatRoom",
    "avchatroom": "AVChatRoom",
    "live": "AVChatRoom",
    "bchatroom": "BChatRoom",
    "community": "Community",
}
_USER_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_GROUP_ID = re.compile(r"[\x21-\x7e]{1,64}")
_LIST_NAME = re.compile(r"[^\s\x00-\x1f\x7f]{1,30}")
_MAX_TEXT = 40_000
_MAX_TOKENS = 2_000

#: Flags per command: name -> takes a value.
_FLAGS: Final[dict[str, dict[str, bool]]] = {
    "/im-groups": {"limit": True},
    "/im-group": {},
    "/im-joined": {"type": True, "huge": False, "inactive": False, "topics": False, "limit": True},
    "/im-room": {"mark": True},
    "/im-friends": {},
}


def unescape(text: str) -> str:
    """Undo Slack's escaping of a command's text (``&lt;`` ``&gt;`` and, last, ``&amp;``).

    Args:
        text: the text as Slack sent it.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def normalise_type(value: str) -> GroupType | None:
    """Return Tencent's wire name for a group type or alias (case-insensitive), or None.

    Args:
        value: what the user typed, e.g. ``work`` or ``AVChatRoom``.
    """
    return _TYPES.get(value.lower())


def _show(token: str) -> str:
    return token if len(token) <= 40 else token[:40] + "..."


@dataclass
class _Args:
    positional: list[str] = field(default_factory=list)
    flags: dict[str, str | None] = field(default_factory=dict)


def _split(command: str, tokens: list[str]) -> _Args:
    """Split tokens into positional arguments and flags; raise on unknown, repeated or valueless flags."""
    usage = USAGE[command]
    known = _FLAGS[command]
    args = _Args()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if not token.startswith("--"):
            args.positional.append(token)
            continue
        name, eq, inline = token[2:].partition("=")
        if name not in known:
            raise UsageError(f"unknown flag --{_show(name)}", usage=usage)
        if name in args.flags:
            raise UsageError(f"--{name} is given twice", usage=usage)
        if not known[name]:
            if eq:
                raise UsageError(f"--{name} takes no value", usage=usage)
            args.flags[name] = None
            continue
        if eq:
            value = inline
        elif i < len(tokens) and not tokens[i].startswith("--"):
            value = tokens[i]
            i += 1
        else:
            value = ""
        if not value:
            raise UsageError(f"--{name} needs a value", usage=usage)
        args.flags[name] = value
    return args


def _int(command: str, flag: str, value: str, low: int, high: int) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 10 or not low <= int(value) <= high:
        raise UsageError(f"--{flag} must be a whole number from {low} to {high}, not {_show(value)}",
                         usage=USAGE[command])
    return int(value)


def _type(command: str, value: str) -> GroupType:
    wire = normalise_type(value)
    if wire is None:
        raise UsageError(f"unknown group type {_show(value)}", usage=USAGE[command])
    return wire


def _user(command: str, args: _Args) -> str:
    if not args.positional:
        raise UsageError("missing USER_ID", usage=USAGE[command])
    user = args.positional[0]
    if not _USER_ID.fullmatch(user):
        raise UsageError(f"malformed user ID {_show(user)} (letters, digits, _ and -, at most 32)",
                         usage=USAGE[command])
    return user


def _group_id(command: str, token: str) -> str:
    if not _GROUP_ID.fullmatch(token) or (len(token) > 48 and not token.startswith("@TGS#_")):
        raise UsageError(f"malformed group ID {_show(token)} (printable ASCII, at most 48 characters)",
                         usage=USAGE[command])
    return token


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _build(command: str, args: _Args) -> Query:
    usage = USAGE[command]
    pos, flags = args.positional, args.flags
    limit = _int(command, "limit", flags["limit"] or "", 1, 100) if "limit" in flags else 20
    if command == "/im-groups":
        if len(pos) > 1:
            raise UsageError(f"unexpected argument {_show(pos[1])}", usage=usage)
        return GroupsQuery(group_type=_type(command, pos[0]) if pos else None, limit=limit)
    if command == "/im-group":
        if not pos:
            raise UsageError("missing GROUP_ID", usage=usage)
        ids = _unique([_group_id(command, token) for token in pos])
        if len(ids) > MAX_GROUP_IDS:
            raise UsageError(f"too many group IDs ({len(ids)}; at most {MAX_GROUP_IDS})", usage=usage)
        return GroupQuery(group_ids=tuple(ids))
    if command == "/im-joined":
        user = _user(command, args)
        if len(pos) > 1:
            raise UsageError(f"unexpected argument {_show(pos[1])}", usage=usage)
        group_type = _type(command, flags["type"] or "") if "type" in flags else None
        if "topics" in flags and group_type != "Community":
            raise UsageError("--topics needs --type Community", usage=usage)
        return JoinedQuery(user_id=user, group_type=group_type, huge="huge" in flags,
                           inactive="inactive" in flags, topics="topics" in flags, limit=limit)
    if command == "/im-room":
        if not pos:
            raise UsageError("missing GROUP_ID", usage=usage)
        if len(pos) > 1:
            raise UsageError(f"unexpected argument {_show(pos[1])}", usage=usage)
        mark = _int(command, "mark", flags["mark"] or "", 0, 2**31 - 1) if "mark" in flags else None
        return RoomQuery(group_id=_group_id(command, pos[0]), mark=mark)
    user = _user(command, args)
    names = _unique(pos[1:])
    for name in names:
        if not _LIST_NAME.fullmatch(name) or len(name.encode()) > 30:
            raise UsageError(f"malformed list name {_show(name)} (at most 30 bytes)", usage=usage)
    if len(names) > MAX_LIST_NAMES:
        raise UsageError(f"too many list names ({len(names)}; at most {MAX_LIST_NAMES})", usage=usage)
    return FriendsQuery(user_id=user, list_names=tuple(names))


def parse(command: str, text: str) -> Query | HelpQuery:
    """Parse one slash command into its typed query.

    Args:
        command: the command as Slack sends it, e.g. ``/im-groups``.
        text: the arguments as Slack sends them (escaped: ``&amp;`` ``&lt;`` ``&gt;``).

    Raises:
        UsageError: for any input that does not follow the command's grammar (no Tencent call is made).
    """
    if command not in USAGE:
        raise UsageError(f"unknown command {_show(command)}", usage="\n".join(USAGE[c] for c in COMMANDS))
    usage = USAGE[command]
    if len(text) > _MAX_TEXT:
        raise UsageError("the text is too long", usage=usage)
    if "<" in text or ">" in text:
        raise UsageError("Slack turned part of the text into a mention or link (<...>); "
                         "type IDs as plain text", usage=usage)
    tokens = unescape(text).split()
    if len(tokens) > _MAX_TOKENS:
        raise UsageError(f"too many arguments ({len(tokens)})", usage=usage)
    if tokens == ["help"] or "--help" in tokens or "-h" in tokens:
        return HelpQuery(command=cast(CommandName, command))
    args = _split(command, tokens)
    try:
        return _build(command, args)
    except ValidationError as exc:  # a rule only the model knows; should not happen after the checks above
        raise UsageError(exc.errors()[0]["msg"], usage=usage) from exc
