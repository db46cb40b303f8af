"""Slack mrkdwn and plain text reduced to safe, readable terminal text.

Everything that comes from a message is data: before any styling, ANSI escape sequences, control characters
and bidirectional overrides are removed, so a hostile group name cannot move the cursor, change colours, set
the window title or reorder what the reader sees. Only the styles this module adds reach the terminal.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import TextIO

__all__ = ["Style", "mrkdwn_to_text", "plain_to_text", "sanitize", "use_color", "visible_width"]

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other ESC sequences (DCS/PM/APC strings, 2-char escapes).
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# C0 controls except newline, DEL, C1 controls, and the Unicode bidi/format controls that reorder text.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_OUR_STYLE = re.compile(r"\x1b\[[0-9;]*m")

_ENTITY = re.compile(r"&(lt|gt|amp);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&"}
_TOKEN = re.compile(r"<([^<>\n]*)>")
_CODE = re.compile(r"(```.*?```|`[^`\n]+`)", re.DOTALL)
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])")

# Slack's {date...} tokens as strftime formats (local time); unknown tokens fall back to the given text.
_DATE_TOKENS = {
    "{date_num}": "%Y-%m-%d",
    "{date}": "%B %d, %Y",
    "{date_short}": "%b %d, %Y",
    "{date_long}": "%A, %B %d, %Y",
    "{date_pretty}": "%B %d, %Y",
    "{date_short_pretty}": "%b %d, %Y",
    "{date_long_pretty}": "%A, %B %d, %Y",
    "{time}": "%H:%M",
    "{time_secs}": "%H:%M:%S",
}
_ANY_DATE_TOKEN = re.compile(r"\{[a-z_]+\}")

# The emoji shortcodes timbot's messages use, as the characters Slack would draw (others stay as typed).
_EMOJI = {
    "x": "✖",
    "warning": "⚠",
    "no_entry": "⛔",
    "hourglass": "⌛",
    "boom": "💥",
    "white_check_mark": "✔",
    "lock": "🔒",
    "information_source": "ℹ",
}
_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")


def use_color(stream: TextIO) -> bool:
    """Whether to style output: only on a terminal, and never with ``NO_COLOR`` set or ``TERM=dumb``.

    Args:
        stream: the stream the output goes to.
    """
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass(frozen=True, kw_only=True, slots=True)
class Style:
    """Terminal styles; with ``color=False`` every method returns the text unchanged."""

    color: bool = False

    def _wrap(self, text: str, on: str, off: str) -> str:
        return f"\x1b[{on}m{text}\x1b[{off}m" if self.color and text else text

    def bold(self, text: str) -> str:
        """Bold text.

        Args:
            text: the text to style.
        """
        return self._wrap(text, "1", "22")

    def dim(self, text: str) -> str:
        """Dimmed text.

        Args:
            text: the text to style.
        """
        return self._wrap(text, "2", "22")

    def italic(self, text: str) -> str:
        """Italic text.

        Args:
            text: the text to style.
        """
        return self._wrap(text, "3", "23")

    def underline(self, text: str) -> str:
        """Underlined text.

        Args:
            text: the text to style.
        """
        return self._wrap(text, "4", "24")

    def strike(self, text: str) -> str:
        """Struck-through text.

        Args:
            text: the text to style.
        """
        return self._wrap(text, "9", "29")

    def red(self, text: str) -> str:
        """Red text (failures).

        Args:
            text: the text to style.
        """
        return self._wrap(text, "31", "39")

    def green(self, text: str) -> str:
        """Green text (passes).

        Args:
            text: the text to style.
        """
        return self._wrap(text, "32", "39")


def sanitize(text: str) -> str:
    """Remove ANSI escape sequences, control characters (tabs become spaces) and bidi overrides.

    Args:
        text: text from a message (ultimately from Tencent or a user).
    """
    text = _ANSI.sub("", text.replace("\t", " ").replace("\r\n", "\n"))
    return _CONTROL.sub("", text)


def visible_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (wide CJK characters count two; our styles count zero).

    Args:
        text: already rendered text, possibly with this module's styles.
    """
    from prompt_toolkit.utils import get_cwidth

    return sum(get_cwidth(char) for char in _OUR_STYLE.sub("", text))


def _unescape(text: str) -> str:
    return _ENTITY.sub(lambda match: _ENTITIES[match.group(1)], text)


def _date(inner: str) -> str:
    body, _, fallback = inner.partition("|")
    parts = body.split("^")
    if len(parts) < 3 or not parts[1].lstrip("-").isdigit():
        return fallback
    try:
        when = dt.datetime.fromtimestamp(int(parts[1]))
    except (OverflowError, OSError, ValueError):
        return fallback
    fmt = parts[2]
    if any(token not in _DATE_TOKENS for token in _ANY_DATE_TOKEN.findall(fmt)):
        return fallback or when.strftime("%Y-%m-%d %H:%M")
    for token, strf in _DATE_TOKENS.items():
        fmt = fmt.replace(token, when.strftime(strf))
    return fmt


def _token(inner: str) -> str:
    """One ``<...>`` token of mrkdwn: a date, a mention, a channel, a special mention or a link."""
    if inner.startswith("!date^"):
        return _date(inner)
    target, _, label = inner.partition("|")
    if target.startswith("!subteam^"):
        return label or "@" + target.removeprefix("!subteam^")
    if target.startswith("!"):
        return label or "@" + target[1:]
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if label and label != target:
        return f"{label} ({target})"
    return target


def _inline(text: str, style: Style) -> str:
    text = _TOKEN.sub(lambda match: _token(match.group(1)), text)
    text = _BOLD.sub(lambda match: style.bold(match.group(1)), text)
    text = _ITALIC.sub(lambda match: style.italic(match.group(1)), text)
    text = _STRIKE.sub(lambda match: style.strike(match.group(1)), text)
    text = _SHORTCODE.sub(lambda match: _EMOJI.get(match.group(1), match.group(0)), text)
    return _unescape(text)


def mrkdwn_to_text(text: str, *, style: Style) -> str:
    """Reduce Slack mrkdwn to terminal text.

    ``*bold*`` / ``_italic_`` / ``~strike~`` become styles (or plain text without colour), `` `code` `` is
    kept verbatim and code blocks are indented, ``<!date^ts^fmt|fallback>`` becomes a local date, mentions
    and links become their labels, a few emoji shortcodes become the emoji, and ``&lt;`` ``&gt;``
    ``&amp;`` are unescaped for display.

    Args:
        text: a mrkdwn text object's ``text``.
        style: the styles to apply.
    """
    pieces = _CODE.split(sanitize(text))
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(_inline(piece, style))
        elif piece.startswith("```"):  # a code block: its lines indented, on lines of their own
            body = "\n".join("    " + line for line in _unescape(piece[3:-3]).strip("\n").splitlines())
            before = "\n" if out and out[-1] and not out[-1].endswith("\n") else ""
            after = "\n" if index + 1 < len(pieces) and pieces[index + 1][:1] not in ("", "\n") else ""
            out.append(before + body + after)
        else:
            out.append(_unescape(piece))
    return "".join(out)


def plain_to_text(text: str) -> str:
    """Reduce a ``plain_text`` object's text for display (sanitised; Slack's three entities unescaped).

    Args:
        text: the plain text.
    """
    return _unescape(sanitize(text))
