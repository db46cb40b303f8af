"""The typed queries a command text parses into (pydantic; the same validators guard button values).

The field aliases (``k``, ``t``, ``l``...) are part of the button-value format (``timbot.commands.state``):
values already in users' Slack history carry them, so they never change within a format version.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

__all__ = [
    "GROUP_TYPES",
    "MAX_GROUP_IDS",
    "MAX_LIST_NAMES",
    "CursorKind",
    "FriendsQuery",
    "GroupId",
    "GroupQuery",
    "GroupType",
    "GroupsQuery",
    "HelpQuery",
    "JoinedQuery",
    "ListName",
    "Query",
    "RoomQuery",
    "UserId",
]

#: Tencent's wire names of the group types.
GROUP_TYPES: Final[tuple[str, ...]] = (
    "Public", "Private", "ChatRoom", "AVChatRoom", "BChatRoom", "Community",
)

MAX_GROUP_IDS: Final = 500
MAX_LIST_NAMES: Final = 32

#: How a command pages: Tencent's ``Next`` (``n``), an offset into the items (``o``), ``Timestamp`` (``t``),
#: or an offset into a chunk of items that one big call fetched, named by the call's own cursor (``c``).
CursorKind = Literal["n", "o", "t", "c"]
GroupType = Literal["Public", "Private", "ChatRoom", "AVChatRoom", "BChatRoom", "Community"]
#: A user ID as we accept it from a Slack user (Tencent's UserID: letters, digits, ``_`` and ``-``, 32 bytes).
UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
#: A group ID: printable ASCII, spaces only inside (custom IDs such as ``vip lounge-30``); 48 bytes for custom
#: IDs, community IDs (``@TGS#_``) up to 64.
GroupId = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$")]
def _at_most_30_bytes(value: str) -> str:
    if len(value.encode()) > 30:
        raise ValueError("list name longer than 30 bytes")
    return value


#: A friend list name: no control characters, spaces only inside (``Book club``), at most 30 bytes.
ListName = Annotated[
    str,
    StringConstraints(pattern=r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]{0,28}[^\s\x00-\x1f\x7f])?$"),
    AfterValidator(_at_most_30_bytes),
]
Limit = Annotated[int, Field(ge=1, le=100)]


class _Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, strict=True)

    #: the cursor kind the command's pages use now (checked when a button value is decoded)
    cursor_kind: ClassVar[CursorKind]
    #: every kind a value of this command may carry: the one used now and those of values already sent
    cursor_kinds: ClassVar[tuple[CursorKind, ...]] = ()

    @classmethod
    def accepts(cls, kind: str) -> bool:
        """Whether a button value of this command may carry a cursor of ``kind``."""
        return kind == cls.cursor_kind or kind in cls.cursor_kinds


class GroupsQuery(_Query):
    """``/im-groups [TYPE] [--limit N]``: the app's group IDs."""

    cursor_kind: ClassVar[CursorKind] = "c"
    #: values sent before pages came from chunks carry Tencent's ``Next`` of each page (served still)
    cursor_kinds: ClassVar[tuple[CursorKind, ...]] = ("n",)
    kind: Literal["groups"] = Field(default="groups", alias="k")
    group_type: GroupType | None = Field(default=None, alias="t")
    limit: Limit = Field(default=20, alias="l")


class GroupQuery(_Query):
    """``/im-group GROUP_ID [GROUP_ID ...]``: one group's card and members, or several compact cards."""

    cursor_kind: ClassVar[CursorKind] = "o"
    kind: Literal["group"] = Field(default="group", alias="k")
    group_ids: tuple[GroupId, ...] = Field(alias="i", min_length=1, max_length=MAX_GROUP_IDS)
    #: IDs asked for but left out of the pages because a button cannot carry them (see ``state.fit``).
    dropped: int = Field(default=0, alias="d", ge=0, le=MAX_GROUP_IDS)

    @model_validator(mode="after")
    def _unique(self) -> GroupQuery:
        if len(set(self.group_ids)) != len(self.group_ids):
            raise ValueError("duplicate group IDs")
        if any(len(gid) > 48 and not gid.startswith("@TGS#_") for gid in self.group_ids):
            raise ValueError("group ID longer than 48 characters")
        return self


class JoinedQuery(_Query):
    """``/im-joined USER_ID [--type TYPE] [--huge] [--inactive] [--topics] [--limit N]``."""

    cursor_kind: ClassVar[CursorKind] = "o"
    kind: Literal["joined"] = Field(default="joined", alias="k")
    user_id: UserId = Field(alias="u")
    group_type: GroupType | None = Field(default=None, alias="t")
    huge: bool = Field(default=False, alias="h")
    inactive: bool = Field(default=False, alias="a")
    topics: bool = Field(default=False, alias="s")
    limit: Limit = Field(default=20, alias="l")

    @model_validator(mode="after")
    def _topics(self) -> JoinedQuery:
        if self.topics and self.group_type != "Community":
            raise ValueError("--topics needs --type Community")
        return self


class RoomQuery(_Query):
    """``/im-room GROUP_ID [--mark N]``: the online members of an audio-video group."""

    cursor_kind: ClassVar[CursorKind] = "t"
    kind: Literal["room"] = Field(default="room", alias="k")
    group_id: GroupId = Field(alias="g")
    mark: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = Field(default=None, alias="m")


class FriendsQuery(_Query):
    """``/im-friends USER_ID [LIST_NAME ...]``: a user's friend lists, or the friends in the named lists."""

    cursor_kind: ClassVar[CursorKind] = "o"
    kind: Literal["friends"] = Field(default="friends", alias="k")
    user_id: UserId = Field(alias="u")
    list_names: tuple[ListName, ...] = Field(default=(), alias="n", max_length=MAX_LIST_NAMES)

    @model_validator(mode="after")
    def _unique(self) -> FriendsQuery:
        if len(set(self.list_names)) != len(self.list_names):
            raise ValueError("duplicate list names")
        return self


class HelpQuery(_Query):
    """``help`` / ``--help`` on any command: its usage, with no Tencent call (never in a button value)."""

    kind: Literal["help"] = Field(default="help", alias="k")
    command: str = Field(alias="c")


#: A query that can be paged (every one but help).
Query = Annotated[
    GroupsQuery | GroupQuery | JoinedQuery | RoomQuery | FriendsQuery, Field(discriminator="kind")
]
