"""Call priority on Tencent's budget: interactive answers go before export walks."""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator
from contextvars import ContextVar

__all__ = ["Priority", "as_export", "current"]


class Priority(enum.IntEnum):
    """Who a Tencent call is for; a lower value is served first by the pacers."""

    INTERACTIVE = 0
    EXPORT = 1


_CURRENT: ContextVar[Priority] = ContextVar("timbot_call_priority", default=Priority.INTERACTIVE)


def current() -> Priority:
    """The priority of calls made from the running task (interactive unless inside :func:`as_export`)."""
    return _CURRENT.get()


@contextlib.contextmanager
def as_export() -> Iterator[None]:
    """Mark every Tencent call made inside the block (and in tasks it starts) as an export call."""
    token = _CURRENT.set(Priority.EXPORT)
    try:
        yield
    finally:
        _CURRENT.reset(token)
