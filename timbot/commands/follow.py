"""Follow a result: the value of a row's follow option (``f1|d|@TGS#abc``), and the options of each row kind.

A row that names a group can be followed to its ``Details`` (``/im-group ID``) and, for a live room
(AVChatRoom), its ``Online members`` (``/im-room ID``); a row that names a user to the ``Groups joined``
(``/im-joined USER``) and the ``Friend lists`` (``/im-friends USER``). A value is ``f1|KIND|TARGET``: the
format's version, one letter for what it answers and the ID, at most :data:`MAX_FOLLOW` characters (Block
Kit's limit on an option's value). Decoding checks every part with the grammar's own rules, so a value
answers exactly what typing its command would, and anything else is expired.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Final, Literal

from timbot.commands import grammar
from timbot.commands.results import PagerButton, quote
from timbot.commands.spec import FOLLOW, Row
from timbot.errors import ExpiredError, UsageError
from timbot.i18n import N_, _

__all__ = [
    "FOLLOW",
    "KINDS",
    "MAX_FOLLOW",
    "Kind",
    "Row",
    "decode_follow",
    "encode_follow",
    "follows_of",
    "group_follows",
    "group_row",
    "user_follows",
    "user_row",
]

#: The format's version: the first field of every value.
VERSION: Final = "f1"
#: Block Kit's limit on an option's value, in characters.
MAX_FOLLOW: Final = 150

Kind = Literal["d", "o", "j", "f"]
#: kind -> (its label, the command it answers, whether its target is a group); the labels are English
#: message ids, shown in the reader's language.
KINDS: Final[dict[str, tuple[str, str, bool]]] = {
    "d": (N_("Details"), "/im-group", True),
    "o": (N_("Online members"), "/im-room", True),
    "j": (N_("Groups joined"), "/im-joined", False),
    "f": (N_("Friend lists"), "/im-friends", False),
}




def group_row(what: str) -> Row:
    """A row kind that names a group: ``Details``, and ``Online members`` for an AVChatRoom.

    Args:
        what: the rows, in words (``the groups listed``).
    """
    return Row(what=what, names="group", labels=tuple(label for label, _, group in KINDS.values() if group))


def user_row(what: str) -> Row:
    """A row kind that names a user: ``Groups joined`` and ``Friend lists``.

    Args:
        what: the rows, in words (``the online members``).
    """
    labels = tuple(label for label, _, group in KINDS.values() if not group)
    return Row(what=what, names="user", labels=labels)


@functools.lru_cache(maxsize=4096)  # pure, and asked for every row of every page
def _typed(target: str) -> str | None:
    """``target`` as Slack would send it typed (quoted if need be, escaped), or None if it cannot be typed
    so that it comes back as this one argument."""
    shown = quote(target)
    escaped = shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    try:
        found = grammar.tokens(escaped, usage="")
    except UsageError:
        return None
    if found != [target] or (target.startswith("--") and not isinstance(found[0], grammar.Quoted)):
        return None
    return escaped


def _valid(kind: str, target: str) -> bool:
    if kind not in KINDS:
        return False
    ok = grammar.is_group_id(target) if KINDS[kind][2] else grammar.is_user_id(target)
    return ok and _typed(target) is not None


def encode_follow(kind: Kind, target: str) -> str:
    """The value of a follow option.

    Args:
        kind: ``d`` Details, ``o`` Online members, ``j`` Groups joined, ``f`` Friend lists.
        target: the group ID or UserID.

    Raises:
        ValueError: the target is no ID its command accepts (such a row gets no follow option).
    """
    value = f"{VERSION}|{kind}|{target}"
    if not _valid(kind, target) or len(value) > MAX_FOLLOW:
        raise ValueError(f"cannot follow {kind} {target!r}")
    return value


def decode_follow(value: str) -> tuple[str, str]:
    """The command a follow value answers and its text, as Slack would send it typed.

    Args:
        value: the clicked option's value (untrusted).

    Raises:
        ExpiredError: the value is not one :func:`encode_follow` makes.
    """
    parts = value.split("|", 2)
    if len(value) > MAX_FOLLOW or len(parts) != 3 or parts[0] != VERSION or not _valid(parts[1], parts[2]):
        raise ExpiredError("the follow value does not parse")
    text = _typed(parts[2])
    assert text is not None  # _valid checked it
    return KINDS[parts[1]][1], text


def _options(kinds: tuple[Kind, ...], target: str) -> tuple[PagerButton, ...]:
    try:
        return tuple(PagerButton(label=_(KINDS[kind][0]), action_id=FOLLOW, value=encode_follow(kind, target))
                     for kind in kinds)
    except ValueError:
        return ()


def group_follows(group_id: str, group_type: str | None) -> tuple[PagerButton, ...]:
    """A group row's options: ``Details``, and ``Online members`` for an AVChatRoom (none for a bad ID).

    Args:
        group_id: the group's ID.
        group_type: its type, when known.
    """
    return _options(("d", "o") if group_type == "AVChatRoom" else ("d",), group_id)


def user_follows(user_id: str) -> tuple[PagerButton, ...]:
    """A user row's options: ``Groups joined`` and ``Friend lists`` (none for a malformed UserID).

    Args:
        user_id: the user's UserID.
    """
    return _options(("j", "f"), user_id)


def follows_of(rows: Iterable[tuple[str, tuple[PagerButton, ...]]]) -> dict[str, tuple[PagerButton, ...]]:
    """A page's ``follows``: each row's ID with its options, in the rows' order (rows without any left out).

    Args:
        rows: ``(the row's ID, its options)`` in the order the page shows them.
    """
    return {row: options for row, options in rows if options}
