"""Dates as Slack date tokens, and counts with their noun."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["date", "plural"]

_MAX_TS = 253_402_300_799  # 9999-12-31T23:59:59Z


def date(ts: int, *, zero: str = "never") -> str:
    """Return a Slack date token for Unix seconds (``zero`` for 0, the number itself if out of range).

    Args:
        ts: Unix seconds, UTC.
        zero: what 0 means here ("never", "not muted").
    """
    if ts == 0:
        return zero
    if not 0 < ts <= _MAX_TS:
        return str(ts)
    fallback = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"<!date^{ts}^{{date_short_pretty}} {{time}}|{fallback}>"


def plural(count: int, noun: str) -> str:
    """Return ``"1 group"`` / ``"1,234 groups"``.

    Args:
        count: how many.
        noun: the singular noun.
    """
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
