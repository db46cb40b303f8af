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

from timbot.commands.follow import decode_follow
from timbot.commands.pages import TimApi, fetch_page, help_page
from timbot.commands.parse import parse, parse_request
from timbot.commands.queries import HelpQuery, Query
from timbot.commands.registry import for_query
from timbot.commands.results import Page
from timbot.commands.state import decode, first_state
from timbot.errors import ExpiredError, TimbotError, UsageError
from timbot.render import Message, error_message, render_page

__all__ = [
    "Reply",
    "answer_click",
    "answer_command",
    "click_page",
    "command_page",
    "describe_click",
    "export_query",
    "failure",
    "reply_click",
    "reply_command",
    "reply_follow",
    "reply_share",
]

logger = logging.getLogger(__name__)


async def command_page(client: TimApi, command: str, text: str) -> Page:
    """The page a slash command answers with: parse, then page 1 (help makes no Tencent call).

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
        return help_page(query)
    return await fetch_page(client, first_state(query))


async def click_page(client: TimApi, value: str) -> Page:
    """The page a Previous/Next value leads to.

    Args:
        client: the Tencent client.
        value: the clicked button's value (untrusted).

    Raises:
        ExpiredError: the value does not parse.
        TimError: Tencent did not give the data.
    """
    return await fetch_page(client, decode(value))


def export_query(command: str, text: str) -> Query | None:
    """The query a command typed with ``--csv`` exports; None when it asks for no export (no ``--csv``,
    ``help``) or does not parse (then :func:`reply_command` answers with the usage, no Tencent call).

    Args:
        command: the command as Slack sends it.
        text: its arguments as Slack sends them (escaped).
    """
    try:
        request = parse_request(command, text)
    except UsageError:
        return None
    if not request.csv or isinstance(request.query, HelpQuery):
        return None
    return request.query


async def answer_command(client: TimApi, command: str, text: str) -> Message:
    """:func:`command_page`, rendered (raises as it does)."""
    return render_page(await command_page(client, command, text))


async def answer_click(client: TimApi, value: str) -> Message:
    """:func:`click_page`, rendered (raises as it does)."""
    return render_page(await click_page(client, value))


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
        page: whether the message is the page asked for (a click replaces the message it was on); a page
            that shows only Tencent's error for what was asked (``/im-group @TGS#nope``) is one, with the
            outcome ``tim:CODE`` and exit status 1.
    """

    message: Message
    outcome: str
    exit_code: int
    page: bool


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
        return Reply(message=error_message(exc), outcome=exc.outcome, exit_code=exc.exit_code, page=False)
    ref = new_ref()
    logger.error("unexpected error answering %s (ref %s)", what, ref, exc_info=exc)
    return Reply(message=error_message(exc, ref=ref), outcome=f"error:{ref}", exit_code=1, page=False)


async def _reply(making: Awaitable[Page], *, what: str, share: bool = False,
                 shared_by: str | None = None) -> Reply:
    try:
        page = await making
        message = render_page(page, share=share, shared_by=shared_by)
    except Exception as exc:  # the one handler: every error becomes words (and a logged ref if unexpected)
        return failure(exc, what=what)
    if page.only_error:
        return Reply(message=message, outcome=f"tim:{page.only_error}", exit_code=1, page=True)
    return Reply(message=message, outcome="ok", exit_code=0, page=True)


async def reply_command(client: TimApi, command: str, text: str, *, share: bool = False) -> Reply:
    """Answer a slash command; never raises but on cancellation.

    Args:
        client: the Tencent client.
        command: the command as Slack sends it.
        text: its arguments as Slack sends them (escaped).
        share: give the page a Share button (``TIMBOT_ALLOW_SHARE``).
    """
    return await _reply(command_page(client, command, text), what=f"command {command[:40]}", share=share)


async def reply_click(client: TimApi, value: str, *, share: bool = False) -> Reply:
    """Answer a Previous/Next click; never raises but on cancellation.

    Args:
        client: the Tencent client.
        value: the clicked button's value (untrusted).
        share: give the page a Share button.
    """
    return await _reply(click_page(client, value), what="click", share=share)


async def reply_share(client: TimApi, value: str, *, user_id: str) -> Reply:
    """The page a Share button stands for, as it is posted in the channel: "shared by" its sharer, no
    buttons; never raises but on cancellation.

    Args:
        client: the Tencent client (the page is usually in its answer cache: no Tencent call).
        value: the Share button's value (untrusted).
        user_id: who shared it (a Slack user ID).
    """
    return await _reply(click_page(client, value), what="share", shared_by=user_id)


async def reply_follow(client: TimApi, value: str, *, share: bool = False) -> Reply:
    """Answer a follow option (a row's button or menu) as typing its command would; never raises but on
    cancellation.

    Args:
        client: the Tencent client.
        value: the follow option's value (untrusted; one that does not decode is expired, no Tencent call).
        share: give the page a Share button.
    """
    try:
        command, text = decode_follow(value)
    except ExpiredError as exc:
        return failure(exc, what="follow")
    return await reply_command(client, command, text, share=share)
