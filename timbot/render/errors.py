"""``error_message``: an error's own words (decided on its class in ``timbot.errors``) as a Slack message."""

from __future__ import annotations

from timbot.errors import TimbotError
from timbot.i18n import _
from timbot.render.escape import clip, escape, one_line
from timbot.render.limits import notice
from timbot.render.message import Message

__all__ = ["error_message"]


def error_message(exc: BaseException, *, ref: str | None = None) -> Message:
    """Turn an exception into a message for the user (no secret, nothing unescaped).

    Args:
        exc: what went wrong. A ``TimbotError`` with words of its own is shown with them; anything else
            is "something went wrong".
        ref: the reference logged beside the traceback of an unexpected error, shown to the user.
    """
    text = exc.user_text() if isinstance(exc, TimbotError) else None
    if isinstance(exc, TimbotError) and text is not None:
        words = "\n".join(clip(escape(one_line(line)), 500) for line in text.splitlines())
        extra = f"```{escape(exc.details).replace('```', 'ˋˋˋ')}```" if exc.details else ""
        return notice(key=exc.block_key, text=f"{exc.icon} {words}", extra=extra)
    if ref:
        words = _("something went wrong (ref {ref}); please try again later.").format(
            ref=clip(escape(one_line(ref)), 40))
    else:
        words = _("something went wrong; please try again later.")
    return notice(key="oops", text=f":boom: {words}")
