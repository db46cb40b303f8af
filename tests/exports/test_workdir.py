"""Each process's own directory for export files; a killed process's is removed by the next."""

from __future__ import annotations

import os
from pathlib import Path

from timbot.exports.workdir import process_workdir


def test_each_process_has_its_own_export_directory_and_a_dead_ones_is_removed(tmp_path: Path) -> None:
    dead = tmp_path / "timbot-exports-999999999"  # no such process
    dead.mkdir()
    (dead / "timbot-export-x.csv").write_text("left by a killed worker")
    mine = process_workdir(tmp_path)
    assert mine == tmp_path / f"timbot-exports-{os.getpid()}" and mine.is_dir()
    assert not dead.exists()
