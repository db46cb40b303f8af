"""What a command's CSV export walks: cells, chunks of rows, the row bound, and the walks the specs share.

A spec's ``csv_walk(client, query)`` yields :class:`Chunk` s in the order of the result, each with the
rows it adds (a tuple of cells per row, in the order of the spec's ``csv_columns(query)``) and the size of
the whole result when Tencent gave it. Every Tencent call of a walk is made inside
``timbot.tim.priority.as_export()`` (the caller enters it), so interactive calls go first.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from timbot.errors import explanation_text
from timbot.i18n import N_, _
from timbot.tim.models import GroupInfo

__all__ = [
    "COLUMN_LABELS",
    "GROUP_COLUMNS",
    "GROUP_FIELDS",
    "INFO_BATCH",
    "MAX_ROWS",
    "Cell",
    "Chunk",
    "Id",
    "Stamp",
    "column_labels",
    "error_cell",
    "group_rows",
]

#: The most rows an export writes; a larger result is refused before the walk.
MAX_ROWS: Final = 1_000_000
#: IDs asked for in one ``get_group_info`` round of a walk (the client sends them 50 a call, 40 at once):
#: enough calls in flight that the round's slowest call costs little of Tencent's 200/s (rounds of 500 reached
#: about 95 calls a second against 50 ms of latency, rounds of 2,000 about 135), few enough that progress
#: moves and a cancel is seen within a fifth of a second at that rate.
INFO_BATCH: Final = 2000
#: The basic fields an export of groups asks ``get_group_info`` for (no member list).
GROUP_FIELDS: Final = ("Name", "Type", "MemberNum", "MaxMemberNum", "Owner_Account", "CreateTime")
#: The columns of a row per group (``/im-groups``, several-ID ``/im-group``).
GROUP_COLUMNS: Final = (
    "group_id", "name", "type", "member_count", "max_members", "owner", "created", "error",
)

#: Each column's header in the file: the machine-friendly English name is its message id (the README's
#: table, and the header row in English); the other languages translate it, so the header row is in the
#: requester's language. A column without an entry is written by its name.
COLUMN_LABELS: Final[dict[str, str]] = {
    "group_id": N_("group_id"),
    "name": N_("name"),
    "type": N_("type"),
    "member_count": N_("member_count"),
    "max_members": N_("max_members"),
    "owner": N_("owner"),
    "created": N_("created"),
    "member": N_("member"),
    "role": N_("role"),
    "joined": N_("joined"),
    "last_message": N_("last_message"),
    "muted_until": N_("muted_until"),
    "name_card": N_("name_card"),
    "nick_name": N_("nick_name"),
    "list": N_("list"),
    "friend": N_("friend"),
    "error": N_("error"),
}


def column_labels(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The header row of ``columns`` in the current language (the names themselves in English).

    Args:
        columns: a spec's ``csv_columns(query)``.
    """
    return tuple(_(COLUMN_LABELS[name]) if name in COLUMN_LABELS else name for name in columns)


class Stamp(int):
    """A Unix time from Tencent: written as ISO 8601 UTC (0, "never", as an empty cell)."""

    __slots__ = ()


class Id(str):
    """An ID (group or user) from Tencent: written so that it reads back exactly."""

    __slots__ = ()


#: One cell: Tencent's text, an ID, a number, a time, or nothing.
Cell = str | int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Chunk:
    """Rows a walk adds, in the result's order.

    Args:
        rows: one tuple of cells per row (in the order of the export's columns).
        total: the whole result's size as Tencent counts it (None when it does not say).
    """

    rows: list[tuple[Cell, ...]]
    total: int | None = None


def error_cell(code: int, explanation: str) -> str:
    """The ``error`` column of a row Tencent gave an error for: ``10010: the group does not exist``, the
    explanation in the current language (the code as Tencent gave it).

    Args:
        code: Tencent's code (0: no error, an empty cell).
        explanation: what it means (the English message id).
    """
    return f"{code}: {explanation_text(code, explanation)}" if code else ""


class _InfoApi(Protocol):
    """The one call :func:`group_rows` makes (``TimClient.get_group_info``)."""

    async def get_group_info(
        self, group_ids: Sequence[str], *, group_base_info_filter: Sequence[str] | None = None
    ) -> list[GroupInfo]: ...


def _group_row(info: GroupInfo) -> tuple[Cell, ...]:
    if info.error_code:
        return (Id(info.group_id), None, None, None, None, None, None,
                error_cell(info.error_code, info.error_explanation))
    return (Id(info.group_id), info.name, info.type, info.member_num, info.max_member_num,
            Id(info.owner_account) if info.owner_account else None, Stamp(info.create_time), "")


async def group_rows(
    client: _InfoApi, ids: Sequence[str], *, total: int | None = None
) -> AsyncIterator[Chunk]:
    """A row per group of ``ids`` (its basic info, or its own error), :data:`INFO_BATCH` IDs at a time.

    Args:
        client: the Tencent client.
        ids: the groups, in the order of the rows.
        total: the size of the whole result, carried on the first chunk.
    """
    for start in range(0, len(ids), INFO_BATCH):
        batch = list(ids[start : start + INFO_BATCH])
        infos = await client.get_group_info(batch, group_base_info_filter=GROUP_FIELDS)
        yield Chunk(rows=[_group_row(info) for info in infos], total=total if start == 0 else None)
    if not ids:
        yield Chunk(rows=[], total=total)
