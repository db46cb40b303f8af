"""``--csv`` in the terminal: `timbot run --demo "... --csv"` and the demo console write the file locally and
print its path and row count; errors are said as for any command and leave no file."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from timbot.cli import main
from timbot.emulator import Emulator


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def test_run_demo_csv_writes_the_file_and_prints_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--demo", "--out", str(tmp_path), "/im-groups BChatRoom --csv"]) == 0
    out = capsys.readouterr().out
    (path,) = tmp_path.glob("timbot-im-groups-*.csv")
    assert f"Wrote 60 rows to `{path}`" in out and "no row with an error" in out
    truth = [g.group_id for g in Emulator(seed=0).data.groups if g.type == "BChatRoom"]
    assert [r["group_id"] for r in _rows(path)] == truth
    assert not list(tmp_path.glob(".timbot-export-*"))


def test_run_csv_errors_leave_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--demo", "--out", str(tmp_path), "/im-groups Nope --csv"]) == 2
    assert "unknown group type" in capsys.readouterr().err
    assert main(["run", "--demo", "--out", str(tmp_path), "/im-joined nobody_at_all --csv"]) == 1
    assert "check the UserID" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_demo_console_exports_by_flag_and_by_button(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIM_", "SLACK_"))}
    result = subprocess.run(
        [sys.executable, "-m", "timbot", "demo"], input="/im-groups Community --csv\n/im-groups BChatRoom\n",
        capture_output=True, text=True, timeout=60, env=env, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote 200 rows to" in result.stdout
    assert "[e] Export CSV" in result.stdout, result.stdout[-2000:]  # a key of its own: rows keep theirs
    pressed = subprocess.run(
        [sys.executable, "-m", "timbot", "demo"], input="/im-groups BChatRoom\ne\n",
        capture_output=True, text=True, timeout=60, env=env, check=False, cwd=tmp_path,
    )
    assert "Wrote 60 rows to" in pressed.stdout, pressed.stdout[-1500:]
    files = sorted(tmp_path.glob("timbot-im-groups-*.csv"))
    assert sorted(len(_rows(f)) for f in files) == [60, 200]
