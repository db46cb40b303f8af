"""An export's messages: the ephemeral "started" answer and the progress message in the DM (its words).

Every word is in the current language (``timbot.i18n``): the export's task runs in the language of the
request that started it (the queued job carries it to the worker), so its progress reads as its start did.
"""

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
from timbot.i18n import N_, _, number
from timbot.render.escape import clip, clip_plain, escape, one_line
from timbot.render.fmt import counted
from timbot.render.message import Message

__all__ = ["duration", "export_saved", "export_started", "progress_line", "render_export", "row_count"]

#: Each state's emoji and opening words (English message ids, shown with ``_``).
_STATES: Final[dict[str, tuple[str, str]]] = {
    "queued": (":hourglass_flowing_sand:", N_("Export queued: it starts when another export finishes.")),
    "running": (":arrows_counterclockwise:", N_("Exporting...")),
    "restarted": (":repeat:", N_("The export restarted from the beginning (timbot's worker restarted).")),
    "done": (":white_check_mark:", N_("Export finished.")),
    "cancelled": (":no_entry_sign:", N_("Export cancelled; no file was sent.")),
    "failed": (":warning:", N_("The export failed; no file was sent.")),
    "interrupted": (":octagonal_sign:", N_("The export was interrupted because timbot restarted; "
                                           "no file was sent. Run the command again.")),
}


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 5 s``, ``1 h 2 min`` (in the current language)."""
    whole = max(0, round(seconds))
    if whole < 60:
        return _("{seconds} s").format(seconds=number(whole))
    if whole < 3600:
        return _("{minutes} min {seconds} s").format(minutes=number(whole // 60), seconds=number(whole % 60))
    return _("{hours} h {minutes} min").format(hours=number(whole // 3600),
                                                minutes=number(whole % 3600 // 60))


def row_count(count: int) -> str:
    """``1 row``, ``1,234 rows`` in the current language."""
    return counted(count, "{count} row", "{count} rows")


def _errored(errors: int) -> str:
    if not errors:
        return _("no row with an error")
    return counted(errors, "{count} row with an error", "{count} rows with an error")


def progress_line(status: ExportStatus) -> str:
    """Rows done of the total, percent and time left (plain text; the terminal's bar says the same)."""
    if status.state == "done":
        return _("{rows} in {duration}; {errored}. The file follows.").format(
            rows=row_count(status.rows), duration=duration(status.seconds), errored=_errored(status.errors))
    if status.total:
        percent = min(100, status.rows * 100 // status.total)
        line = counted(status.total, "{done} of {count} row ({percent}%)",
                       "{done} of {count} rows ({percent}%)", done=number(status.rows),
                       percent=number(percent))
    else:
        line = counted(status.rows, "{count} row so far", "{count} rows so far")
    if status.state == "running" and status.left is not None:
        line = _("{progress}, about {duration} left").format(progress=line, duration=duration(status.left))
    return line


def render_export(status: ExportStatus) -> Message:
    """The progress message: state, the command, rows of total, percent, time left, a Cancel button.

    Args:
        status: where the export is.
    """
    icon, state = _STATES.get(status.state, _STATES["failed"])
    words = _(state)
    header = clip(escape(one_line(status.header)), 300)
    line = progress_line(status)
    text = f"{icon} {words} `{header}`\n{escape(line)}"
    if status.failure:
        text += f"\n{clip(escape(status.failure), 1500)}"
    blocks: list[SectionBlock | ContextBlock | ActionsBlock] = [
        SectionBlock(block_id="export:status", text=MarkdownTextObject(text=text)),
    ]
    if status.cancel is not None:
        button = ButtonElement(text=clip_plain(status.cancel.label, 75), action_id=status.cancel.action_id,
                               value=status.cancel.value, style="danger")
        blocks.append(ActionsBlock(block_id="export:cancel", elements=[button]))
    return Message(text=text, blocks=list(blocks))


def export_started(header: str, *, total: int | None) -> Message:
    """The ephemeral answer to ``--csv`` or Export CSV: started, its size if known, where the file goes.

    Args:
        header: the command exported, as typed.
        total: the result's size as Tencent counts it, when it gave one.
    """
    if total is None:
        started = _("Export started:")
    else:
        started = _("Export started ({rows}):").format(rows=row_count(total))
    arrives = _("The CSV file will arrive in your direct message with timbot, with its progress there.")
    text = f":inbox_tray: {started} `{clip(escape(one_line(header)), 300)}`\n{arrives}"
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
    wrote = _("Wrote {rows} to {path} in {duration} ({errored}).").format(
        rows=row_count(rows), path=f"`{escape(path)}`", duration=duration(seconds),
        errored=_errored(errors))
    text = f":white_check_mark: {wrote}"
    block = SectionBlock(block_id="export:saved", text=MarkdownTextObject(text=text))
    return Message(text=text, blocks=[block])
