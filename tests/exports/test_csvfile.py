"""The CSV writer: BOM, RFC 4180 quoting, line breaks in names, ISO times, formula cells neutralised, IDs
that read back exactly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from timbot.commands.export import Id, Stamp
from timbot.exports.csvfile import CsvFile, cell_text, neutralise


def _write(tmp_path: Path, rows: list[tuple[object, ...]],
           columns: tuple[str, ...] = ("a", "b", "error")) -> Path:
    path = tmp_path / "out.csv"
    with CsvFile(path=path, columns=columns) as out:
        for row in rows:
            out.write(row)  # type: ignore[arg-type]
    return path


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_bom_header_and_crlf(tmp_path: Path) -> None:
    path = _write(tmp_path, [("x", 1, "")])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw == b"\xef\xbb\xbfa,b,error\r\nx,1,\r\n"


def test_quotes_commas_and_line_breaks_round_trip(tmp_path: Path) -> None:
    names = ['say "hi", then\nleave', "comma, here", "cr\r\nlf", "中文群聊 🎉"]
    path = _write(tmp_path, [(name, None, "") for name in names])
    assert [row[0] for row in _read(path)[1:]] == names
    assert b'"say ""hi"", then\nleave"' in path.read_bytes()


@pytest.mark.parametrize("hostile", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_get_an_apostrophe(tmp_path: Path, hostile: str) -> None:
    path = _write(tmp_path, [(hostile, Id(hostile), "")])
    name, ident, _ = _read(path)[1]
    assert name == "'" + hostile and ident == "'" + hostile
    assert name[1:] == hostile  # one apostrophe off gives Tencent's text back


def test_ids_read_back_exactly(tmp_path: Path) -> None:
    ids = ["@TGS#17WEJ1OFM", "@TGS#_@TGS#cLAOQ4PNZ", "vip lounge-30", "00123", "107867", "'quoted", "-x"]
    path = _write(tmp_path, [(Id(i), None, "") for i in ids])
    back = [row[0] for row in _read(path)[1:]]
    assert back[0] == "@TGS#17WEJ1OFM"  # Tencent's own IDs as they are
    assert back[2:5] == ["vip lounge-30", "00123", "107867"]
    assert [b[1:] if b.startswith("'") else b for b in back] == ids  # the rule reverses exactly
    assert neutralise("@TGS#abc(1)", is_id=True) == "'@TGS#abc(1)"  # not Tencent's shape: neutralised


def test_times_are_iso_utc_and_never_is_empty() -> None:
    assert cell_text(Stamp(1_764_633_000)) == "2025-12-01T23:50:00Z"
    assert cell_text(Stamp(0)) == ""
    assert cell_text(None) == "" and cell_text(7) == "7"


def test_rows_with_an_error_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    with CsvFile(path=path, columns=("a", "error")) as out:
        out.write(("x", ""))
        out.write(("y", "10010: the group does not exist"))
    assert (out.rows, out.errors) == (2, 1)


