"""Fetch one page of a query from Tencent: ``fetch_page(client, state) -> Page``, through the query's spec."""

from __future__ import annotations

from timbot.commands.queries import HelpQuery
from timbot.commands.registry import by_name, for_query
from timbot.commands.results import HelpPage, Page
from timbot.commands.spec import TimApi
from timbot.commands.state import PageState
from timbot.errors import TimApiError, UsageError
from timbot.i18n import _

__all__ = ["TimApi", "fetch_page", "help_page"]


async def fetch_page(client: TimApi, state: PageState) -> Page:
    """Fetch the page ``state`` points at, with its header and buttons made.

    Args:
        client: the Tencent client (``TimClient`` or anything with its five calls).
        state: the page to fetch (from ``first_state`` or a decoded button value).

    Raises:
        TimError: when Tencent does not give the data (per-group errors stay on their cards instead).
    """
    spec = for_query(state.query)
    try:
        page: Page = await spec.fetch(client, state, state.query)
    except TimApiError as exc:
        meaning = spec.explains.get(exc.code)
        if meaning is None:
            raise
        raise exc.explained(meaning) from exc
    return page


def help_page(query: HelpQuery) -> HelpPage:
    """The usage page of the command ``query`` names (no Tencent call).

    Args:
        query: what ``parse`` returned for ``help``.

    Raises:
        UsageError: the command is not one of timbot's (``parse`` never makes such a query).
    """
    spec = by_name(query.command)
    if spec is None:
        raise UsageError(_("unknown command {command}").format(command=query.command), usage="")
    return HelpPage(header=spec.name, number=1, usage=_(spec.usage))
