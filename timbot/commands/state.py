"""The paging state a button carries: a versioned pydantic model, encoded URL-safe in at most 2000 chars.

Encoding (version 1, a public format: values sit in users' Slack history, and
``tests/data/button_values/`` holds real ones to the same page forever): compact JSON with short keys,
zlib-compressed, base64url without padding. Every value comes back
from an untrusted client, so :func:`decode` accepts only what validates in full (the queries' own rules,
bounded integers, the cursor kind that belongs to the command, no extra fields) and raises ``ExpiredError``
for anything else.

History: for the cursor-only APIs (``/im-groups`` ``Next``, ``/im-room`` ``Timestamp``) the state keeps the
cursors of the previous pages, newest last. When a value would pass 2000 characters the oldest entries are
dropped; ``Previous`` past what is kept goes back to page 1 (see :func:`previous`).
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from timbot.commands.queries import GroupQuery, Query
from timbot.errors import ExpiredError

__all__ = [
    "MAX_VALUE",
    "ChunkCursor",
    "Cursor",
    "NextCursor",
    "OffsetCursor",
    "PageState",
    "TimeCursor",
    "advance",
    "decode",
    "encode",
    "first_state",
    "fit",
    "previous",
]

#: Slack's limit on a button value.
MAX_VALUE: Final = 2000
_MAX_JSON: Final = 16_384
_MAX_HISTORY: Final = 200
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
_BIG = 2**63 - 1


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, strict=True)


class NextCursor(_Model):
    """``/im-groups``: Tencent's ``Next`` value (0 = the first page)."""

    kind: Literal["n"] = Field(default="n", alias="k")
    next: int = Field(default=0, alias="n", ge=0, le=_BIG)


class OffsetCursor(_Model):
    """``/im-group``, ``/im-joined``, ``/im-friends``: the index of the first item on the page."""

    kind: Literal["o"] = Field(default="o", alias="k")
    offset: int = Field(default=0, alias="o", ge=0, le=1_000_000)


class ChunkCursor(_Model):
    """``/im-groups``: a page inside a chunk of IDs one big call fetched: the chunk's ``Next`` (0 = the first
    chunk) and the index of the page's first ID in it."""

    kind: Literal["c"] = Field(default="c", alias="k")
    next: int = Field(default=0, alias="n", ge=0, le=_BIG)
    offset: int = Field(default=0, alias="o", ge=0, le=100_000)


class TimeCursor(_Model):
    """``/im-room``: Tencent's ``Timestamp`` and how many members of that Tencent page to skip."""

    kind: Literal["t"] = Field(default="t", alias="k")
    timestamp: int = Field(default=0, alias="t", ge=0, le=_BIG)
    skip: int = Field(default=0, alias="s", ge=0, le=100_000)


Cursor = Annotated[NextCursor | OffsetCursor | TimeCursor | ChunkCursor, Field(discriminator="kind")]

_FIRST: Final[dict[str, NextCursor | OffsetCursor | TimeCursor | ChunkCursor]] = {
    "n": NextCursor(), "o": OffsetCursor(), "t": TimeCursor(), "c": ChunkCursor(),
}


class PageState(_Model):
    """Everything needed to fetch one page: the query, the page's cursor, its number and the history.

    Args:
        v: the format version (1).
        query: the parsed query.
        cursor: where the page starts.
        page: the page number, from 1.
        history: the cursors of the previous pages, oldest first (only for cursor-only APIs; bounded).
    """

    v: Literal[1] = 1
    query: Query = Field(alias="q")
    cursor: Cursor = Field(alias="c")
    page: int = Field(default=1, alias="p", ge=1, le=1_000_000)
    history: tuple[Cursor, ...] = Field(default=(), alias="h", max_length=_MAX_HISTORY)

    @model_validator(mode="after")
    def _consistent(self) -> PageState:
        query = self.query
        if not query.accepts(self.cursor.kind) or not all(query.accepts(c.kind) for c in self.history):
            raise ValueError("cursor does not belong to the command")
        if len(self.history) > self.page - 1:
            raise ValueError("more history than pages")
        if self.cursor.kind == "o" and self.history:
            raise ValueError("offset cursors keep no history")
        if self.page == 1 and self.cursor != _FIRST[self.cursor.kind]:
            raise ValueError("page 1 starts at the beginning")
        return self


def first_state(query: Query) -> PageState:
    """Return the state of a query's first page.

    Args:
        query: the parsed query.
    """
    return PageState(query=query, cursor=_FIRST[query.cursor_kind], page=1)


def advance(state: PageState, cursor: NextCursor | OffsetCursor | TimeCursor | ChunkCursor) -> PageState:
    """Return the state of the page after ``state``, which starts at ``cursor``.

    Args:
        state: the page shown now.
        cursor: where the next page starts.
    """
    history = (*state.history, state.cursor)[-_MAX_HISTORY:] if cursor.kind != "o" else ()
    return state.model_copy(update={"cursor": cursor, "page": state.page + 1, "history": history})


def previous(state: PageState, cursor: OffsetCursor | None = None) -> PageState | None:
    """Return the state of the page before ``state`` (None on page 1).

    Offset cursors give ``cursor`` (the caller knows the page size); cursor-only APIs use the history, and
    go back to page 1 when the entry was dropped to keep the value short.

    Args:
        state: the page shown now.
        cursor: the previous page's offset, for offset-paged commands.
    """
    if state.page == 1:
        return None
    if cursor is not None:
        if state.page == 2 or cursor.offset == 0:
            return first_state(state.query)
        return state.model_copy(update={"cursor": cursor, "page": state.page - 1})
    if not state.history or state.page == 2:
        return first_state(state.query)
    return state.model_copy(
        update={"cursor": state.history[-1], "page": state.page - 1, "history": state.history[:-1]}
    )


def _raw(state: PageState) -> str:
    data = state.model_dump_json(by_alias=True, exclude_none=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(data, 9)).rstrip(b"=").decode("ascii")


def fit(state: PageState) -> PageState:
    """Return ``state`` cut to fit a button: oldest history dropped, then trailing group IDs left out.

    IDs are only cut for ``/im-group`` with several IDs (never below the page shown); the number left out is
    kept in ``GroupQuery.dropped`` so every page can say so.

    Args:
        state: the state to carry.

    Raises:
        ValueError: if even the cut state does not fit (the worst cases are tested not to).
    """
    if len(_raw(state)) <= MAX_VALUE:
        return state
    history = state.history
    while history:
        history = history[1 + len(history) // 8 :]
        cut = state.model_copy(update={"history": history})
        if len(_raw(cut)) <= MAX_VALUE:
            return cut
    state = state.model_copy(update={"history": ()})
    query = state.query
    if isinstance(query, GroupQuery):
        floor = state.cursor.offset + 1 if isinstance(state.cursor, OffsetCursor) else 1
        low, high = floor, len(query.group_ids)  # the largest prefix that fits, by bisection
        best: PageState | None = None
        while low <= high:
            mid = (low + high) // 2
            trimmed = query.model_copy(
                update={"group_ids": query.group_ids[:mid],
                        "dropped": query.dropped + len(query.group_ids) - mid}
            )
            candidate = state.model_copy(update={"query": trimmed})
            if len(_raw(candidate)) <= MAX_VALUE:
                best, low = candidate, mid + 1
            else:
                high = mid - 1
        if best is not None:
            return best
    raise ValueError("the paging state does not fit in a button value")


def encode(state: PageState) -> str:
    """Encode a state for a button value (URL-safe, at most 2000 characters; cut with :func:`fit`).

    Args:
        state: the state of the page the button leads to.
    """
    value = _raw(fit(state))
    assert 0 < len(value) <= MAX_VALUE
    return value


def decode(value: str) -> PageState:
    """Decode a button value back into a state.

    Args:
        value: the button value as the client sent it (untrusted).

    Raises:
        ExpiredError: if the value is not one :func:`encode` could have made.
    """
    if not isinstance(value, str) or not 0 < len(value) <= MAX_VALUE or not _B64URL.fullmatch(value):
        raise ExpiredError("the button value is not a timbot value")
    try:
        packed = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, _MAX_JSON)
        if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
            raise ExpiredError("the button value does not unpack")
        return PageState.model_validate_json(data, strict=True)
    except (binascii.Error, zlib.error, ValueError, ValidationError) as exc:
        raise ExpiredError("the button value does not parse") from exc
