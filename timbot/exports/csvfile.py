"""The CSV file of an export: RFC 4180 through ``csv``, UTF-8 with a BOM, cells a spreadsheet cannot run.

Rules (the README's "The CSV file" says the same to users):

- a header row (the spec's column names, in the reader's language: ``column_labels``), then one row per
  item; ``\\r\\n`` line ends; a cell with a comma, a quote or a line break is quoted, quotes doubled
  (``csv.QUOTE_MINIMAL``);
- times are ISO 8601 UTC (``2026-12-01T23:50:00Z``); a zero time (Tencent's "never") is an empty cell;
- text from Tencent that starts with ``=``, ``+``, ``-``, ``@``, a tab or a CR (a spreadsheet would run it
  as a formula) gets a leading ``'`` (OWASP's CSV injection advice); so does text that already starts with
  ``'``, so removing one leading ``'`` always gives Tencent's text back exactly;
- IDs follow the same rule, except Tencent's own group IDs (``@TGS#`` and letters and digits, a community's
  ``@TGS#_@TGS#...``), which no spreadsheet can run as anything and are written as they are.
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final, TextIO

from timbot.commands.export import Cell, Id, Stamp

__all__ = ["CsvFile", "cell_text", "neutralise"]

_FORMULA: Final = ("=", "+", "-", "@", "\t", "\r", "'")
_TENCENT_GROUP_ID: Final = re.compile(r"(?:@TGS#_)?@TGS#[A-Za-z0-9]+")


def neutralise(text: str, *, is_id: bool = False) -> str:
    """``text`` as a cell no spreadsheet runs as a formula (one leading ``'`` where it might).

    Args:
        text: Tencent's text or ID.
        is_id: an ID: Tencent's own group IDs (``@TGS#...``) are left as they are.
    """
    if not text.startswith(_FORMULA):
        return text
    if is_id and _TENCENT_GROUP_ID.fullmatch(text):
        return text
    return "'" + text


def cell_text(cell: Cell) -> str:
    """One cell as written: times in ISO 8601 UTC, numbers in digits, text neutralised, None empty.

    Args:
        cell: what the walk gave.
    """
    if cell is None:
        return ""
    if isinstance(cell, Stamp):
        if cell <= 0:
            return ""
        return datetime.fromtimestamp(int(cell), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(cell, bool | int):
        return str(int(cell))
    return neutralise(cell, is_id=isinstance(cell, Id))


class CsvFile:
    """Rows written one at a time to a file (memory does not grow with them).

    Args:
        path: the file to create (overwritten if it exists).
        columns: the spec's column names (``error`` among them: the rows with an error are counted).
        header: the header row as written (the names in the reader's language); the names when None.
    """

    def __init__(self, *, path: Path, columns: tuple[str, ...],
                 header: tuple[str, ...] | None = None) -> None:
        self.path = path
        self.columns = columns
        self.rows = 0
        self.errors = 0
        self._error_at = columns.index("error") if "error" in columns else -1
        # utf-8-sig writes the BOM; newline="" lets csv write RFC 4180's \r\n itself
        self._file: TextIO = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file, dialect="excel", lineterminator="\r\n")
        self._writer.writerow(columns if header is None else header)

    def write(self, row: tuple[Cell, ...]) -> None:
        """Write one row (its cells in the order of the columns)."""
        cells = [cell_text(cell) for cell in row]
        self._writer.writerow(cells)
        self.rows += 1
        if self._error_at >= 0 and cells[self._error_at]:
            self.errors += 1

    def close(self) -> None:
        """Flush and close the file."""
        self._file.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
