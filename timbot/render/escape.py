"""Escaping for Slack mrkdwn and entity-safe truncation: every Tencent or user string goes through here."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["ELLIPSIS", "clip", "clip_plain", "code", "escape", "one_line"]

ELLIPSIS: Final = "…"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
#: Bidirectional embeddings, overrides and isolates: they reorder the rest of the line on screen
#: ("Trojan Source"), so text from Tencent or a user never carries them into a message.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ENTITY_START = re.compile(r"&[a-z]{0,3}$")


def escape(text: str) -> str:
    """Escape text for mrkdwn: ``&`` -> ``&amp;``, ``<`` -> ``&lt;``, ``>`` -> ``&gt;`` (only these three);
    bidirectional controls are dropped.

    Args:
        text: any string from Tencent or a user.
    """
    return _BIDI.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def one_line(text: str) -> str:
    """Replace newlines and other control characters with one space (for single-line values); drop
    bidirectional controls.

    Args:
        text: any string.
    """
    return _CONTROL.sub(" ", _BIDI.sub("", text)).strip()


def clip(escaped: str, limit: int) -> str:
    """Cut already-escaped mrkdwn to ``limit`` characters, ending with "…", never inside an entity
    (``&amp;``) nor inside one of our own ``<!date^...>`` tokens.

    Args:
        escaped: mrkdwn text whose untrusted parts were escaped.
        limit: the most characters allowed (at least 1).
    """
    if len(escaped) <= limit:
        return escaped
    head = escaped[: limit - 1]
    partial = _ENTITY_START.search(head)
    if partial is not None:
        head = head[: partial.start()]
    opened = head.rfind("<")
    if opened > head.rfind(">"):
        head = head[:opened]
    return head + ELLIPSIS


def clip_plain(text: str, limit: int) -> str:
    """Cut plain text (header, button) to ``limit`` characters, ending with "…".

    Args:
        text: plain text.
        limit: the most characters allowed.
    """
    text = one_line(text) or "-"
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def code(text: str, limit: int = 120) -> str:
    """Show an ID as inline code: escaped, one line, backticks replaced so they cannot end the span.

    Args:
        text: the ID (from Tencent or a user).
        limit: the most characters of the ID to show.
    """
    shown = one_line(text).replace("`", "ˋ") or " "
    if len(shown) > limit:
        shown = shown[: limit - 1] + ELLIPSIS
    return f"`{escape(shown)}`"
