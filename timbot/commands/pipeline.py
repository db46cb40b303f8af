"""What every front end calls: command text or button value -> fetched page -> rendered message."""

from __future__ import annotations

from timbot.commands.pages import TimApi, fetch_page
from timbot.commands.parse import parse
from timbot.commands.queries import HelpQuery
from timbot.commands.state import decode, first_state
from timbot.render.message import Message
from timbot.render.page import render_help, render_page

__all__ = ["answer_click", "answer_command"]


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
        return render_help(query)
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
