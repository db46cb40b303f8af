"""An export's messages: the ephemeral "started" answer and the progress message in the DM (its words)."""

from __future__ import annotations

from typing import Final

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from timbot.commands.results import ExportStatus
from timbot.render.escape import clip, escape, one_line
from timbot.render.message import Message

__all__ = ["duration", "export_saved", "export_started", "progress_line", "render_export"]

#: Each state's emoji and opening words (the languages branch makes these catalog entries).
_STATES: Final[dict[str, tuple[str, str]]] = {
    "queued": (":hourglass_flowing_sand:", "Export queued: it starts when another export finishes."),
    "running": (":arrows_counterclockwise:", "Exporting..."),
    "restarted": (":repeat:", "The export restarted from the beginning (timbot's worker restarted)."),
    "done": (":white_check_mark:", "Export finished."),
    "cancelled": (":no_entry_sign:", "Export cancelled; no file was sent."),
    "failed": (":warning:", "The export failed; no file was sent."),
    "interrupted": (":octagonal_sign:", "The export was interrupted because timbot restarted; "
                                        "no file was sent. Run the command again."),
}


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 5 s``, ``1 h 2 min``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


def progress_line(status: ExportStatus) -> str:
    """Rows done of the total, percent and time left (plain text; the terminal's bar says the same)."""
    if status.state == "done":
        errors = f"; {_rows(status.errors)} with an error" if status.errors else "; no row with an error"
        return f"{_rows(status.rows)} in {duration(status.seconds)}{errors}. The file follows."
    if status.total:
        percent = min(100, status.rows * 100 // status.total)
        line = f"{status.rows:,} of {_rows(status.total)} ({percent}%)"
    else:
        line = f"{_rows(status.rows)} so far"
    if status.state == "running" and status.left is not None:
        line += f", about {duration(status.left)} left"
    return line


def render_export(status: ExportStatus) -> Message:
    """The progress message: state, the command, rows of total, percent, time left, a Cancel button.

    Args:
        status: where the export is.
    """
    icon, words = _STATES.get(status.state, _STATES["failed"])
    header = clip(escape(one_line(status.header)), 300)
    line = progress_line(status)
    text = f"{icon} {words} `{header}`\n{escape(line)}"
    if status.failure:
        text += f"\n{clip(escape(status.failure), 1500)}"
    blocks: list[SectionBlock | ContextBlock | ActionsBlock] = [
        SectionBlock(block_id="export:status", text=MarkdownTextObject(text=text)),
    ]
    if status.cancel is not None:
        button = ButtonElement(text=status.cancel.label, action_id=status.cancel.action_id,
                               value=status.cancel.value, style="danger")
        blocks.append(ActionsBlock(block_id="export:cancel", elements=[button]))
    return Message(text=text, blocks=list(blocks))


def export_started(header: str, *, total: int | None) -> Message:
    """The ephemeral answer to ``--csv`` or Export CSV: started, its size if known, where the file goes.

    Args:
        header: the command exported, as typed.
        total: the result's size as Tencent counts it, when it gave one.
    """
    size = f" ({_rows(total)})" if total is not None else ""
    text = (f":inbox_tray: Export started{size}: `{clip(escape(one_line(header)), 300)}`\n"
            "The CSV file will arrive in your direct message with timbot, with its progress there.")
    block = SectionBlock(block_id="export:started", text=MarkdownTextObject(text=text))
    return Message(text=text, blocks=[block])


def export_saved(path: str, *, rows: int, errors: int, seconds: float) -> Message:
    """The terminal's answer to ``--csv`` (the demo, ``timbot run``): where the file is, and its rows.

    Args:
        path: the file written.
        rows: its rows after the header.
        errors: the rows with an error.
        seconds: how long the export took.
    """
    errored = f"{_rows(errors)} with an error" if errors else "no row with an error"
    took = duration(seconds)
    text = f":white_check_mark: Wrote {_rows(rows)} to `{escape(path)}` in {took} ({errored})."
    block = SectionBlock(block_id="export:saved", text=MarkdownTextObject(text=text))
    return Message(text=text, blocks=[block])
