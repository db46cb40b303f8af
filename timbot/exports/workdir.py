"""Each process's own directory for export files, and the removal of those a killed process left behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Final

__all__ = ["PREFIX", "process_workdir"]

#: ``timbot-exports-<pid>`` in the system's temporary directory.
PREFIX: Final = "timbot-exports-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def process_workdir(root: Path | None = None) -> Path:
    """This process's directory for export files (made if need be), after removing the directories of
    processes that are gone (a killed worker cannot remove its own file).

    Args:
        root: where the directories are (the system's temporary directory when None).
    """
    base = root if root is not None else Path(tempfile.gettempdir())
    for old in base.glob(f"{PREFIX}*"):
        pid = old.name.removeprefix(PREFIX)
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                shutil.rmtree(old)
    mine = base / f"{PREFIX}{os.getpid()}"
    mine.mkdir(mode=0o700, exist_ok=True)
    return mine
