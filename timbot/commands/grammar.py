"""The pieces every command's grammar is made of (pure): tokens, flags, and checks of IDs, numbers and types.

Each spec (:mod:`timbot.commands.specs`) builds its query from an :class:`Args`; every rule broken raises
``UsageError`` with that command's usage, so bad input costs no Tencent call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from timbot.commands.queries import GroupType
from timbot.commands.results import DOUBLE_QUOTES as _DOUBLE
from timbot.commands.results import SINGLE_QUOTES as _SINGLE
from timbot.commands.results import quote
from timbot.errors import UsageError
from timbot.i18n import _

__all__ = [
    "Args",
    "Quoted",
    "group_id",
    "group_type",
    "is_group_id",
    "is_user_id",
    "list_name",
    "normalise_type",
    "number",
    "only",
    "quote",
    "show",
    "split",
    "tokens",
    "unescape",
    "unique",
    "user_id",
]

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
#: printable ASCII; a custom ID may hold spaces inside (``vip lounge-30``), never at its ends
_GROUP_ID = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?")
_LIST_NAME = re.compile(r"[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]{0,28}[^\s\x00-\x1f\x7f])?")
#: The quotes that open an argument, with the ones that may close it (Slack's clients on macOS and iOS type
#: the typographic ones for ``"`` and ``'``).
_CLOSERS: Final[dict[str, str]] = {**dict.fromkeys(_DOUBLE, _DOUBLE), **dict.fromkeys(_SINGLE, _SINGLE)}
#: The dashes smart punctuation makes of ``--`` (em dash, en dash) or of ``-`` before a second one.
_DASHES: Final = ("—", "–", "−", "‒", "―")
_MAX_TEXT = 40_000
_MAX_TOKENS = 2_000


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


def show(token: str) -> str:
    """A token as quoted back in an error: at most 40 characters."""
    return token if len(token) <= 40 else token[:40] + "..."


def tokens(text: str, *, usage: str) -> list[str]:
    """Split a command's text (as Slack sends it) into its arguments.

    Args:
        text: the escaped text.
        usage: the command's usage, for the errors.

    Raises:
        UsageError: the text is too long, holds a mention or link, or has too many arguments.
    """
    if len(text) > _MAX_TEXT:
        raise UsageError(_("the text is too long"), usage=usage)
    if "<" in text or ">" in text:
        raise UsageError(_("Slack turned part of the text into a mention or link (<...>); "
                           "type IDs as plain text"), usage=usage)
    found = _split_quoted(unescape(text), usage=usage)
    if len(found) > _MAX_TOKENS:
        raise UsageError(_("too many arguments ({count})").format(count=len(found)), usage=usage)
    return found


class Quoted(str):
    """An argument that was typed in quotes: always positional, even if it starts with ``--``."""

    __slots__ = ()


def _split_quoted(text: str, *, usage: str) -> list[str]:
    """Split on whitespace; a quote at the start of an argument (or right after ``--flag=``) holds spaces
    until its closing quote; a smart dash at the start of an argument is ``--``."""
    found: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        token = ""
        if text[i] in _DASHES or (text[i] == "-" and text[i + 1 : i + 2] in _DASHES):  # —limit: --limit
            i += 1
            while i < n and text[i] in (*_DASHES, "-"):
                i += 1
            token = "--"
        while i < n and not text[i].isspace():
            opens = text[i] in _CLOSERS and (token == "" or (token.startswith("--") and token.endswith("=")))
            if not opens:
                token += text[i]
                i += 1
                continue
            closers = _CLOSERS[text[i]]
            end = next((j for j in range(i + 1, n) if text[j] in closers), -1)
            if end < 0:
                raise UsageError(_("a quote is not closed: {text}").format(text=show(text[i:])), usage=usage)
            whole = token == ""  # quoted from its first character: never a flag
            token += text[i + 1 : end]
            i = end + 1
            found.append(Quoted(token) if whole else token)
            token = ""
            break
        if token:
            found.append(token)
    return found


@dataclass
class Args:
    """A command's arguments: the positional ones in order, the flags by name (None for a bare flag)."""

    usage: str
    positional: list[str] = field(default_factory=list)
    flags: dict[str, str | None] = field(default_factory=dict)


def split(found: list[str], *, flags: Mapping[str, bool], usage: str) -> Args:
    """Split tokens into positional arguments and flags.

    Args:
        found: the tokens.
        flags: the command's flags: name -> whether it takes a value.
        usage: the command's usage, for the errors.

    Raises:
        UsageError: an unknown, repeated or valueless flag, or a value on a bare flag.
    """
    args = Args(usage=usage)
    i = 0
    while i < len(found):
        token = found[i]
        i += 1
        if isinstance(token, Quoted):
            args.positional.append(token)
            continue
        if token.startswith("-") and not token.startswith("--") and len(token) > 1:
            problem = _("unknown flag {flag} (flags are --name, e.g. --limit 5)")
            raise UsageError(problem.format(flag=show(token)), usage=usage)
        if not token.startswith("--"):
            args.positional.append(token)
            continue
        name, eq, inline = token[2:].partition("=")
        if name not in flags:
            raise UsageError(_("unknown flag --{name}").format(name=show(name)), usage=usage)
        if name in args.flags:
            raise UsageError(_("--{name} is given twice").format(name=name), usage=usage)
        if not flags[name]:
            if eq:
                raise UsageError(_("--{name} takes no value").format(name=name), usage=usage)
            args.flags[name] = None
            continue
        if eq:
            value = inline
        elif i < len(found) and not found[i].startswith("--"):
            value = found[i]
            i += 1
        else:
            value = ""
        if not value:
            raise UsageError(_("--{name} needs a value").format(name=name), usage=usage)
        args.flags[name] = value
    return args


def number(args: Args, flag: str, low: int, high: int) -> int | None:
    """The whole-number value of ``--flag`` (None when not given), within ``low``..``high``."""
    if flag not in args.flags:
        return None
    value = args.flags[flag] or ""
    if not value.isascii() or not value.isdigit() or len(value) > 10 or not low <= int(value) <= high:
        problem = _("--{flag} must be a whole number from {low} to {high}, not {value}")
        raise UsageError(problem.format(flag=flag, low=low, high=high, value=show(value)), usage=args.usage)
    return int(value)


def group_type(args: Args, value: str) -> GroupType:
    """Tencent's name of the group type ``value`` (an alias or any case)."""
    wire = normalise_type(value)
    if wire is None:
        raise UsageError(_("unknown group type {type}").format(type=show(value)), usage=args.usage)
    return wire


def is_user_id(value: str) -> bool:
    """Whether ``value`` is a well-formed Tencent UserID (letters, digits, ``_`` and ``-``, at most 32)."""
    return _USER_ID.fullmatch(value) is not None


def is_group_id(value: str) -> bool:
    """Whether ``value`` is a well-formed group ID (printable ASCII; 48 characters, 64 for a community's)."""
    return _GROUP_ID.fullmatch(value) is not None and (len(value) <= 48 or value.startswith("@TGS#_"))


def user_id(args: Args) -> str:
    """The first positional argument, checked as a Tencent UserID."""
    if not args.positional:
        raise UsageError(_("missing USER_ID"), usage=args.usage)
    user = args.positional[0]
    if not is_user_id(user):
        problem = _("malformed user ID {id} (letters, digits, _ and -, at most 32)")
        raise UsageError(problem.format(id=show(user)), usage=args.usage)
    return user


def group_id(args: Args, token: str) -> str:
    """``token`` checked as a group ID (printable ASCII; 48 characters, 64 for a community's)."""
    if not is_group_id(token):
        problem = _('malformed group ID {id} (printable ASCII, at most 48 characters; '
                    'quote an ID with spaces: "vip lounge-30")')
        raise UsageError(problem.format(id=show(token)), usage=args.usage)
    return token


def list_name(args: Args, token: str) -> str:
    """``token`` checked as a friend list's name (Tencent: at most 30 bytes)."""
    if not _LIST_NAME.fullmatch(token) or len(token.encode()) > 30:
        raise UsageError(_("malformed list name {name} (at most 30 bytes)").format(name=show(token)),
                         usage=args.usage)
    return token


def only(args: Args, count: int) -> None:
    """Refuse positional arguments past the first ``count``."""
    if len(args.positional) > count:
        raise UsageError(_("unexpected argument {argument}").format(argument=show(args.positional[count])),
                         usage=args.usage)


def unique(items: list[str]) -> list[str]:
    """``items`` without repeats, in their first order."""
    return list(dict.fromkeys(items))
