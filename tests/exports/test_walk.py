"""Every command's export walks the whole result and writes it row by row, compared with the emulator's
data; each spec's columns; the row bound refuses before the walk."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from timbot.commands.parse import parse
from timbot.commands.queries import Query
from timbot.commands.registry import SPECS
from timbot.emulator import Emulator
from timbot.errors import TimApiError
from timbot.exports import walk
from timbot.exports.errors import ExportTooLarge
from timbot.exports.walk import Written, check_size, write_export
from timbot.tim.client import TimClient


def _query(command: str, text: str) -> Query:
    query = parse(command, text)
    assert not isinstance(query, type(parse("/im-groups", "help")))
    return query  # type: ignore[return-value]


async def _export(tim: TimClient, command: str, text: str,
                  path: Path) -> tuple[Written, list[dict[str, str]]]:
    seen: list[tuple[int, int | None]] = []

    async def progress(rows: int, total: int | None) -> None:
        seen.append((rows, total))

    written = await write_export(tim, _query(command, text), path=path, progress=progress)
    assert seen and seen[-1][0] == written.rows
    assert [rows for rows, _ in seen] == sorted(rows for rows, _ in seen)
    with path.open(encoding="utf-8-sig", newline="") as file:
        return written, list(csv.DictReader(file))


def test_every_spec_has_columns_ending_in_error() -> None:
    for spec in SPECS:
        for text in {"/im-groups": [""], "/im-group": ["g1", "g1 g2"], "/im-joined": ["u"],
                     "/im-room": ["g1"], "/im-friends": ["u", "u L"]}[spec.name]:
            columns = spec.csv_columns(_query(spec.name, text))
            assert columns[-1] == "error" and len(set(columns)) == len(columns), spec.name
    assert SPECS[0].csv_columns(_query("/im-groups", "")) == (
        "group_id", "name", "type", "member_count", "max_members", "owner", "created", "error")


async def test_groups_export_every_group_with_its_info(tim: TimClient, emulator: Emulator,
                                                        tmp_path: Path) -> None:
    written, rows = await _export(tim, "/im-groups", "Public", tmp_path / "g.csv")
    truth = [g for g in emulator.data.groups if g.type == "Public"]
    assert written.total == len(truth) == written.rows == len(rows)
    assert [r["group_id"] for r in rows] == [g.group_id for g in truth]
    by_id = {g.group_id: g for g in truth}
    for row in rows:
        group = by_id[row["group_id"]]
        name = row["name"][1:] if row["name"].startswith("'") else row["name"]
        assert name == group.name and row["type"] == "Public"
        assert row["owner"] == emulator.data.owner(group)
        assert int(row["member_count"]) == len(emulator.data.member_indices(group))
        assert int(row["max_members"]) == group.max_member_num
        assert row["created"].endswith("Z") and row["error"] == ""


async def test_groups_export_walks_list_chunks_and_batches_info(tim: TimClient, emulator: Emulator,
                                                                tmp_path: Path) -> None:
    before = len(emulator.calls)
    written, _ = await _export(tim, "/im-groups", "", tmp_path / "all.csv")
    assert written.rows == len(emulator.data.groups)
    endpoints = [c.endpoint for c in list(emulator.calls)[before:]]
    assert sum("get_appid_group_list" in e for e in endpoints) == 1  # 2,700 < 10,000 a call
    assert sum("get_group_info" in e for e in endpoints) == -(-len(emulator.data.groups) // 50)


async def test_one_group_exports_every_member(tim: TimClient, emulator: Emulator, tmp_path: Path) -> None:
    big = emulator.data.showcase.big_group_id
    written, rows = await _export(tim, "/im-group", big, tmp_path / "m.csv")
    members = emulator.data.members(emulator.data.by_id[big])
    assert written.rows == len(members) == len(rows)
    assert [r["member"] for r in rows] == [m.account for m in members]
    assert {r["group_id"] for r in rows} == {big}
    assert rows[0]["role"] == "Owner"


async def test_several_groups_export_cards_with_per_row_errors(tim: TimClient, emulator: Emulator,
                                                               tmp_path: Path) -> None:
    ids = emulator.data.showcase.hostile_group_ids[:3]
    written, rows = await _export(tim, "/im-group", " ".join([*ids, "@TGS#nope"]), tmp_path / "c.csv")
    assert [r["group_id"] for r in rows] == [*ids, "@TGS#nope"]
    assert written.errors == 1 and rows[-1]["error"].startswith("10010: ")
    names = {r["name"] for r in rows[:-1]}
    assert "<!channel>" in names  # the CSV keeps Tencent's text; only Slack needs escaping


async def test_joined_room_and_friends_exports(tim: TimClient, emulator: Emulator, tmp_path: Path) -> None:
    show = emulator.data.showcase
    _, joined = await _export(tim, "/im-joined", f"{show.user} --huge --inactive", tmp_path / "j.csv")
    everything = await tim.get_joined_group_list(member_account=show.user, with_huge_groups=True,
                                                 with_no_active_groups=True)
    assert [r["group_id"] for r in joined] == [g.group_id for g in everything.groups]
    assert len(joined) == show.user_groups

    _, room = await _export(tim, "/im-room", show.live_room_id, tmp_path / "r.csv")
    online = emulator.data.online_members(emulator.data.by_id[show.live_room_id])
    assert [r["member"] for r in room] == [m.account for m in online][: len(room)]
    assert len({r["member"] for r in room}) == len(room) >= 1000  # several Tencent pages, no repeat

    lists, _ = emulator.data.friend_lists(show.user)
    _, friends = await _export(tim, "/im-friends", show.user, tmp_path / "f.csv")
    assert [(r["list"], r["friend"]) for r in friends if r["friend"]] == [
        (fl.name, f) for fl in lists for f in fl.friends]
    named = f'{show.user} "{lists[0].name}" NoSuchList'
    _, some = await _export(tim, "/im-friends", named, tmp_path / "n.csv")
    assert some[-1] == {"list": "NoSuchList", "friend": "", "error": "no friend list of that name"}


async def test_over_the_bound_is_refused_before_walking(
    tim: TimClient, emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(walk, "MAX_ROWS", 100)
    query = _query("/im-groups", "")
    with pytest.raises(ExportTooLarge) as refused:
        await check_size(tim, query)
    said = refused.value.user_text() or ""
    assert "2,700 rows" in said and "group type" in said
    before = len(emulator.calls)

    async def progress(rows: int, total: int | None) -> None:
        raise AssertionError("no row may be written")

    with pytest.raises(ExportTooLarge):
        await write_export(tim, query, path=tmp_path / "x.csv", progress=progress)
    assert not any("get_group_info" in c.endpoint for c in list(emulator.calls)[before:])


async def test_command_words_explain_codes(tim: TimClient, tmp_path: Path) -> None:
    async def progress(rows: int, total: int | None) -> None:
        return None

    with pytest.raises(TimApiError) as failed:
        await write_export(tim, _query("/im-joined", "nobody_here_1"), path=tmp_path / "u.csv",
                           progress=progress)
    assert "check the UserID" in failed.value.explanation
