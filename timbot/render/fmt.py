"""Dates as Slack date tokens; counts in the reader's language (numbers grouped, the catalog's plurals)."""

from __future__ import annotations

from datetime import UTC, datetime

from timbot.i18n import _, ngettext, number

__all__ = ["bold", "counted", "date", "italic", "number"]

_MAX_TS = 253_402_300_799  # 9999-12-31T23:59:59Z


def date(ts: int, *, zero: str | None = None) -> str:
    """Return a Slack date token for Unix seconds (``zero`` for 0, the number itself if out of range).

    Args:
        ts: Unix seconds, UTC.
        zero: what 0 means here (default "never"; "not muted"), already in the reader's language.
    """
    if ts == 0:
        return _("never") if zero is None else zero
    if not 0 < ts <= _MAX_TS:
        return str(ts)
    fallback = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"<!date^{ts}^{{date_short_pretty}} {{time}}|{fallback}>"


def counted(count: int, singular: str, plural: str, **more: str) -> str:
    """``"1 group"`` / ``"1,234 groups"`` in the reader's language: the catalog's form for ``count``, with
    ``{count}`` grouped as the language groups numbers.

    Args:
        count: how many.
        singular: the English singular message id, with ``{count}`` (``{count} group``).
        plural: the English plural message id (``{count} groups``).
        more: the message's other placeholders.
    """
    return ngettext(singular, plural, count).format(count=number(count), **more)


def bold(text: str) -> str:
    """``*text*`` (mrkdwn bold; ``text`` already escaped)."""
    return f"*{text}*"


def italic(text: str) -> str:
    """``_text_`` (mrkdwn italics; ``text`` already escaped)."""
    return f"_{text}_"
