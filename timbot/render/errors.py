"""``error_message``: the one place that turns any exception into words for the user."""

from __future__ import annotations

import re
from typing import Final

from timbot.errors import (
    AccessDenied,
    ExpiredError,
    TimApiError,
    TimProtocolError,
    TimTransportError,
    UsageError,
)
from timbot.render.escape import clip, escape, one_line
from timbot.render.limits import notice
from timbot.render.message import Message

__all__ = ["error_message"]

_REGION_CODES: Final = frozenset({70016, 70020})
_REGION_HINT: Final = "check TIM_REGION (or TIM_BASE_URL) matches the data centre of the app"
#: Anything that may look like a credential in a detail string (a URL's query, a token) is blanked.
_SECRETS: Final = re.compile(
    r"(?i)((?:usersig|sig|key|secret|token|signature)=)[^&\s]*|xox[a-z]-[\w-]+|xapp-[\w-]+|\?[^\s]*"
)


def _scrub(detail: str) -> str:
    return _SECRETS.sub(lambda m: (m.group(1) or "") + "…" if m.group(1) else "…", one_line(detail))


def error_message(exc: BaseException, *, ref: str | None = None) -> Message:
    """Turn an exception into a message for the user (no secret, nothing unescaped).

    Args:
        exc: what went wrong.
        ref: a short reference logged beside the traceback, for errors timbot did not expect.
    """
    if isinstance(exc, TimApiError):
        text = f":warning: {exc.code}: {escape(exc.explanation)}"
        if exc.code in _REGION_CODES and "region" not in exc.explanation.lower():
            text += f"\n{_REGION_HINT}"
        return notice(key="error", text=text)
    if isinstance(exc, TimTransportError):
        detail = clip(escape(_scrub(exc.detail)), 300)
        return notice(key="error", text=f":warning: Tencent Cloud Chat could not be reached ({detail}); "
                                        "try again in a minute.")
    if isinstance(exc, TimProtocolError):
        detail = clip(escape(_scrub(exc.detail)), 300)
        return notice(key="error", text=f":warning: Tencent Cloud Chat sent an answer timbot cannot read "
                                        f"({detail}); try again in a minute.")
    if isinstance(exc, UsageError):
        usage = escape(exc.usage).replace("```", "ˋˋˋ")
        return notice(key="usage", text=f":x: {clip(escape(one_line(exc.problem)), 500)}",
                      extra=f"```{usage}```")
    if isinstance(exc, ExpiredError):
        return notice(key="expired", text=":hourglass: this result has expired; run the command again.")
    if isinstance(exc, AccessDenied):
        return notice(key="denied", text=f":no_entry: {clip(escape(one_line(exc.reason)), 500)}")
    tail = f" (ref {clip(escape(one_line(ref)), 40)})" if ref else ""
    return notice(key="oops", text=f":boom: something went wrong{tail}; please try again later.")
