"""The page types the command specs produce and the renderer lays out: one per layout, plain data.

A page arrives at the renderer complete: the header (the query written as the command a user would type),
its number and its buttons, each with its label and its value already encoded. The renderer only lays them
out; it never sees a query or a paging state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from timbot.tim.models import AVMember, GroupInfo, GroupMember, JoinedGroup

__all__ = [
    "DOUBLE_QUOTES",
    "MAX_VALUE",
    "SINGLE_QUOTES",
    "ExportStatus",
    "FriendListsPage",
    "FriendsPage",
    "GroupCardsPage",
    "GroupPage",
    "GroupsPage",
    "HelpPage",
    "JoinedPage",
    "NamedList",
    "Page",
    "PagerButton",
    "RoomPage",
    "quote",
]

#: Slack's limit on a button's value, in characters.
MAX_VALUE: Final = 2000
#: The quotes an argument may be typed in (Slack's clients on macOS and iOS type the typographic ones).
DOUBLE_QUOTES: Final = "\"“”„"
SINGLE_QUOTES: Final = "'‘’"


def quote(arg: str) -> str:
    """``arg`` as it must be typed to come back as one argument: in quotes when it holds a space or a quote.

    Args:
        arg: an ID, an account or a list name.
    """
    if arg and not any(c.isspace() or c in DOUBLE_QUOTES or c in SINGLE_QUOTES for c in arg):
        return arg
    return f"'{arg}'" if '"' in arg else f'"{arg}"'


@dataclass(frozen=True, kw_only=True, slots=True)
class PagerButton:
    """A button made by the commands layer: its label, its ``action_id`` and its encoded ``value``.

    Args:
        label: the text on the button (plain text).
        action_id: what Slack sends back as the action (``timbot_next``, ``timbot_prev``).
        value: the encoded state of the page it leads to (at most :data:`MAX_VALUE` characters).
        primary: drawn as the main action.
    """

    label: str
    action_id: str
    value: str
    primary: bool = False


@dataclass(frozen=True, kw_only=True)
class _Page:
    """What every page has: the command it answers, its number and its buttons."""

    header: str
    number: int
    buttons: tuple[PagerButton, ...] = ()
    #: the Share button: its value is the page's own state, encoded (None when the page cannot be shared)
    share: PagerButton | None = None
    #: the Export CSV button (first page of an answer with more pages): its value is page 1's state
    export: PagerButton | None = None
    #: each row's follow options (action ``timbot_follow``, values encoded), keyed by the ID the row names,
    #: in the order of the rows
    follows: dict[str, tuple[PagerButton, ...]] = field(default_factory=dict)

    @property
    def only_error(self) -> int:
        """The Tencent code when all the page shows is Tencent's error for what was asked, else 0."""
        return 0


@dataclass(frozen=True, kw_only=True)
class GroupsPage(_Page):
    """``/im-groups``: one page of groups; ``total`` is Tencent's ``TotalCount``.

    ``infos`` holds each ID's basic info (its name, type and member count, or its own error code);
    ``names_missing`` says why there is none when the whole info call failed (the IDs still show).
    """

    group_type: str | None
    group_ids: list[str]
    total: int
    pages: int
    infos: dict[str, GroupInfo] = field(default_factory=dict)
    names_missing: str | None = None


@dataclass(frozen=True, kw_only=True)
class GroupPage(_Page):
    """``/im-group`` with one ID: the card (page 1) and a slice of the members.

    ``members_note`` says why members are missing (too large to fetch); ``member_offset`` is the index of
    the first member shown.
    """

    group: GroupInfo
    members: list[GroupMember]
    member_offset: int
    member_total: int
    members_note: str | None
    pages: int

    @property
    def only_error(self) -> int:
        """The group's own code when Tencent gave no group."""
        return self.group.error_code


@dataclass(frozen=True, kw_only=True)
class GroupCardsPage(_Page):
    """``/im-group`` with several IDs: compact cards of the IDs on this page (per-group errors kept).

    ``dropped`` counts the IDs asked for that the buttons could not carry (they are on no page).
    """

    groups: list[GroupInfo]
    first_index: int
    total_ids: int
    dropped: int
    pages: int

    @property
    def only_error(self) -> int:
        """The first card's code when every card on the page is an error."""
        codes = [group.error_code for group in self.groups]
        return codes[0] if codes and all(codes) else 0


@dataclass(frozen=True, kw_only=True)
class JoinedPage(_Page):
    """``/im-joined``: one ``Limit``/``Offset`` page of the groups a user has joined."""

    groups: list[JoinedGroup]
    offset: int
    total: int
    pages: int


@dataclass(frozen=True, kw_only=True)
class RoomPage(_Page):
    """``/im-room``: a slice of the online members; ``mark`` filters them.

    ``online`` is how many are online, as Tencent counts them (all of them, with any mark), and ``name`` the
    room's name, each when Tencent gave it.
    """

    mark: int | None
    members: list[AVMember]
    name: str | None = None
    online: int | None = None


@dataclass(frozen=True, kw_only=True)
class FriendListsPage(_Page):
    """``/im-friends USER``: the user's lists with their friend counts (one page)."""

    lists: list[tuple[str, int]]


@dataclass(frozen=True, kw_only=True)
class NamedList:
    """One named list on a ``/im-friends USER NAME ...`` page: ``friends`` are those on this page."""

    name: str
    found: bool
    friend_number: int
    friends: list[str]
    first_index: int


@dataclass(frozen=True, kw_only=True)
class FriendsPage(_Page):
    """``/im-friends USER NAME ...``: the named lists, their friends paged together."""

    lists: list[NamedList]
    total_friends: int
    pages: int


@dataclass(frozen=True, kw_only=True)
class HelpPage(_Page):
    """``help`` on a command: its usage (no Tencent call); ``header`` is the command's name."""

    usage: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ExportStatus:
    """Where a CSV export is, for its progress message in the requester's DM.

    Args:
        header: the command exported, as typed (``/im-groups Public --csv``).
        state: ``queued``, ``running``, ``done``, ``cancelled``, ``failed``, ``interrupted`` (the process
            stopped and nothing will resume it) or ``restarted`` (run again from the start by another worker).
        rows: rows written so far.
        total: the result's size as Tencent counts it, when it gave one.
        seconds: how long it has run.
        left: the estimated seconds left, when there is an estimate.
        errors: rows with an error (per-row errors from Tencent).
        failure: why it failed, in words (``failed`` only).
        cancel: the Cancel button (``queued`` and ``running`` only).
    """

    header: str
    state: str
    rows: int = 0
    total: int | None = None
    seconds: float = 0.0
    left: float | None = None
    errors: int = 0
    failure: str | None = None
    cancel: PagerButton | None = None


Page = (
    GroupsPage | GroupPage | GroupCardsPage | JoinedPage | RoomPage | FriendListsPage | FriendsPage | HelpPage
)
