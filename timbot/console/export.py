"""``--csv`` in the demo and ``timbot run``: the file written locally, with a progress bar in the terminal."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from timbot.commands.queries import Query
from timbot.commands.registry import for_query
from timbot.exports.walk import Progress, check_size, file_name, write_export
from timbot.render.export import export_saved

if TYPE_CHECKING:
    from timbot.answer import Reply
    from timbot.tim.client import TimClient

__all__ = ["export_button", "export_locally"]


@contextlib.contextmanager
def _bar(stream: TextIO, *, label: str, total: int | None) -> Iterator[Progress]:
    """prompt_toolkit's progress bar on a terminal; elsewhere (a pipe, a test) no output until the end."""
    if not (getattr(stream, "isatty", None) and stream.isatty()):
        async def quiet(rows: int, known: int | None) -> None:
            return None

        yield quiet
        return
    from prompt_toolkit.output import create_output
    from prompt_toolkit.shortcuts import ProgressBar
    from prompt_toolkit.shortcuts.progress_bar.base import ProgressBarCounter

    with ProgressBar(output=create_output(stdout=stream)) as bar:
        counter: ProgressBarCounter[object] = bar(label=label, total=total)

        async def show(rows: int, known: int | None) -> None:
            if known is not None:
                counter.total = known
            counter.items_completed = rows
            bar.invalidate()

        yield show
        counter.done = True


async def export_locally(client: TimClient, query: Query, *, out_dir: Path, stream: TextIO) -> Reply:
    """Export ``query`` to a CSV file in ``out_dir`` (a progress bar on ``stream`` when it is a terminal).

    The file appears under its final name only once complete (a failed export leaves nothing behind).
    Never raises but on cancellation: errors are answered in words.

    Args:
        client: the Tencent client (the demo's emulator or the configured app).
        query: what to export.
        out_dir: where the file goes (the current directory or ``--out``).
        stream: where the progress bar is drawn.
    """
    from timbot.answer import Reply, failure

    started = time.monotonic()
    part: Path | None = None
    try:
        total = await check_size(client, query)
        target = out_dir / file_name(query)
        fd, name = tempfile.mkstemp(prefix=".timbot-export-", suffix=".csv.part", dir=out_dir)
        os.close(fd)
        part = Path(name)
        header = for_query(query).command_line(query) + " --csv"
        with _bar(stream, label=header, total=total) as progress:
            written = await write_export(client, query, path=part, progress=progress)
        number = 1
        while target.exists():  # two exports in one second: never write over the first
            number += 1
            target = out_dir / file_name(query).replace(".csv", f"-{number}.csv")
        part.replace(target)
        part = None
    except Exception as exc:  # the one handler: errors become words
        return failure(exc, what="export")
    finally:
        if part is not None:
            part.unlink(missing_ok=True)
    seconds = time.monotonic() - started
    message = export_saved(str(target), rows=written.rows, errors=written.errors, seconds=seconds)
    return Reply(message=message, outcome="export", exit_code=0, page=False)


async def export_button(client: TimClient, value: str, *, out_dir: Path, stream: TextIO) -> Reply:
    """The Export CSV button pressed in the console: its value's query exported as :func:`export_locally`.

    Args:
        client: the Tencent client.
        value: the button's value (page 1's state).
        out_dir: where the file goes.
        stream: where the progress bar is drawn.
    """
    from timbot.answer import failure
    from timbot.commands.state import decode
    from timbot.errors import ExpiredError

    try:
        query = decode(value).query
    except ExpiredError as exc:
        return failure(exc, what="export")
    return await export_locally(client, query, out_dir=out_dir, stream=stream)
