"""The walk of an export: every page of a query through its spec, written row by row to a CSV file."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from timbot.commands.export import MAX_ROWS, column_labels
from timbot.commands.queries import GroupsQuery, Query
from timbot.commands.registry import for_query
from timbot.commands.spec import TimApi
from timbot.errors import TimApiError
from timbot.exports.csvfile import CsvFile
from timbot.exports.errors import ExportTooLarge
from timbot.i18n import N_
from timbot.tim.priority import as_export

__all__ = ["Progress", "Written", "check_size", "file_name", "write_export"]

#: ``(rows written, total or None)``, awaited after every chunk of rows.
Progress = Callable[[int, int | None], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Written:
    """What an export wrote.

    Args:
        rows: the rows after the header.
        errors: the rows with an ``error``.
        total: Tencent's count of the result, when it gave one.
    """

    rows: int
    errors: int
    total: int | None


def file_name(query: Query, *, now: datetime | None = None) -> str:
    """The export's file name: ``timbot-im-groups-20261201-235012.csv`` (UTC).

    Args:
        query: what is exported.
        now: the time in the name (now when omitted).
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return f"timbot-{for_query(query).name.lstrip('/')}-{stamp}.csv"


def _narrow(query: Query) -> str:
    if isinstance(query, GroupsQuery) and query.group_type is None:
        return N_("narrow it with a group type, e.g. /im-groups Public --csv")
    return N_("narrow the command (a group type or fewer IDs) and export again")


def _refuse_over(size: int | None, query: Query) -> None:
    if size is not None and size > MAX_ROWS:
        raise ExportTooLarge(size=size, limit=MAX_ROWS, narrow=_narrow(query))


def _explained(exc: TimApiError, query: Query) -> TimApiError:
    meaning = for_query(query).explains.get(exc.code)
    return exc if meaning is None else exc.explained(meaning)


async def check_size(client: TimApi, query: Query) -> int | None:
    """The export's size as Tencent counts it (None when it does not say), refused over the bound.

    Args:
        client: the Tencent client (an interactive call: the user waits for the answer).
        query: what to export.

    Raises:
        ExportTooLarge: more than :data:`~timbot.commands.export.MAX_ROWS` rows.
        TimError: Tencent did not answer.
    """
    try:
        size = await for_query(query).csv_size(client, query)
    except TimApiError as exc:
        raise _explained(exc, query) from exc
    _refuse_over(size, query)
    return size


async def write_export(client: TimApi, query: Query, *, path: Path, progress: Progress) -> Written:
    """Walk the whole result of ``query`` and write it to ``path`` (one row at a time), as export calls.

    Args:
        client: the Tencent client.
        query: what to export.
        path: the CSV file to write (the caller removes it).
        progress: awaited after every chunk with the rows written and the total.

    Raises:
        ExportTooLarge: Tencent's count (or the rows) passed the bound; nothing more is walked.
        TimError: Tencent did not give the data.
    """
    spec = for_query(query)
    total: int | None = None
    columns = spec.csv_columns(query)
    with CsvFile(path=path, columns=columns, header=column_labels(columns)) as out, as_export():
        try:
            async for chunk in spec.csv_walk(client, query):
                if chunk.total is not None:
                    total = chunk.total
                    _refuse_over(total, query)
                if out.rows + len(chunk.rows) > MAX_ROWS:
                    _refuse_over(out.rows + len(chunk.rows), query)
                for row in chunk.rows:
                    out.write(row)
                await progress(out.rows, total)
        except TimApiError as exc:
            raise _explained(exc, query) from exc
        return Written(rows=out.rows, errors=out.errors, total=total)
