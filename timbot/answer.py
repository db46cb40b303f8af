"""What every front end calls (Slack, the demo, ``timbot run``): command text or button value -> message.

It sits above both ``timbot.commands`` (text -> query -> page) and ``timbot.render`` (page -> message), and
it is the one place where an error becomes an answer: :func:`failure` reads what the error's class decided
(words, audit outcome, exit code) and logs anything nobody decided about with the ``ref`` the user sees.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable
from dataclasses import dataclass

from timbot.commands.pages import TimApi, fetch_page, help_page
from timbot.commands.parse import parse
from timbot.commands.queries import HelpQuery
from timbot.commands.registry import for_query
from timbot.commands.state import decode, first_state
from timbot.errors import ExpiredError, TimbotError
from timbot.render import Message, error_message, render_page

__all__ = ["Reply", "answer_click", "answer_command", "describe_click", "failure", "reply"]

logger = logging.getLogger(__name__)


async def answer_command(client: TimApi, command: str, text: str) -> Message:
    """Answer a slash command: parse, fetch page 1, render (help makes no Tencent call).

    Args:
        client: the Tencent client.
        command: the command as Slack sends it, e.g. ``/im-groups``.
        text: its arguments as Slack sends them (escaped).

    Raises:
        UsageError: the text does not parse.
        TimError: Tencent did not give the data.
    """
    query = parse(command, text)
    if isinstance(query, HelpQuery):
        return render_page(help_page(query))
    return render_page(await fetch_page(client, first_state(query)))


async def answer_click(client: TimApi, value: str) -> Message:
    """Answer a Previous/Next click: decode the button value, fetch that page, render.

    Args:
        client: the Tencent client.
        value: the clicked button's value (untrusted).

    Raises:
        ExpiredError: the value does not parse.
        TimError: Tencent did not give the data.
    """
    return render_page(await fetch_page(client, decode(value)))


def describe_click(value: str) -> str:
    """What a button value asks for, for the audit line: ``/im-groups Public --limit 6 page 2``.

    Args:
        value: the clicked value (untrusted; one that does not decode is described as expired).
    """
    try:
        state = decode(value)
    except ExpiredError:
        return f"expired value ({len(value)} chars)"
    return f"{for_query(state.query).command_line(state.query)} page {state.page}"


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer ready for any front end.

    Args:
        message: what the user reads.
        outcome: the audit line's outcome (``ok``, ``usage``, ``tim:10010``, ``error:REF``...).
        exit_code: the terminal's exit status (0 answered, 1 Tencent or unexpected, 2 usage).
        ok: whether this is the answer asked for (not an error).
    """

    message: Message
    outcome: str
    exit_code: int
    ok: bool


def new_ref() -> str:
    """A short reference shown to the user and logged beside the traceback."""
    return secrets.token_hex(3).upper()


def failure(exc: BaseException, *, what: str) -> Reply:
    """The one mapping from an error to a reply.

    Args:
        exc: what the pipeline raised.
        what: what was being answered, for the log line (``command /im-groups``, ``click``).
    """
    if isinstance(exc, TimbotError) and exc.user_text() is not None:
        return Reply(message=error_message(exc), outcome=exc.outcome, exit_code=exc.exit_code, ok=False)
    ref = new_ref()
    logger.error("unexpected error answering %s (ref %s)", what, ref, exc_info=exc)
    return Reply(message=error_message(exc, ref=ref), outcome=f"error:{ref}", exit_code=1, ok=False)


async def reply(answer: Awaitable[Message], *, what: str) -> Reply:
    """Await ``answer`` (:func:`answer_command` or :func:`answer_click`); never raises but on cancellation.

    Args:
        answer: the answer being made.
        what: what is answered, for the log line of an unexpected error.
    """
    try:
        message = await answer
    except Exception as exc:  # the one handler: every error becomes words (and a logged ref if unexpected)
        return failure(exc, what=what)
    return Reply(message=message, outcome="ok", exit_code=0, ok=True)
