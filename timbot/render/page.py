"""``render_page`` and ``render_help``: a page becomes header, context, results and the pager buttons."""

from __future__ import annotations

from timbot.commands.parse import USAGE
from timbot.commands.queries import HelpQuery
from timbot.commands.results import (
    FriendListsPage,
    FriendsPage,
    GroupCardsPage,
    GroupPage,
    GroupsPage,
    JoinedPage,
    Page,
    RoomPage,
)
from timbot.commands.state import encode
from timbot.render.escape import escape
from timbot.render.fmt import command_line, plural
from timbot.render.group import group_card_parts, group_cards_parts
from timbot.render.layouts import friend_lists_parts, friends_parts, groups_parts, joined_parts, room_parts
from timbot.render.limits import Button, Part, assemble, notice
from timbot.render.message import Message

__all__ = ["render_help", "render_page"]


def _of(page: Page, pages: int) -> str:
    return f"page {page.number:,} of {max(pages, page.number):,}"


def _context_and_parts(page: Page) -> tuple[str, list[str], list[Part]]:
    """The layout key, the context elements and the parts of one page."""
    if isinstance(page, GroupsPage):
        kind = f" of type {page.query.group_type}" if page.query.group_type else ""
        return "groups", [f"{plural(page.total, 'group')}{kind}", _of(page, page.pages)], groups_parts(page)
    if isinstance(page, GroupPage):
        if page.group.error_code:
            members = f"error {page.group.error_code}"
        elif page.member_total:
            members = f"{plural(page.member_total, 'member')} listed"
        else:
            members = "no member list"
        return "group", [members, _of(page, page.pages)], group_card_parts(page)
    if isinstance(page, GroupCardsPage):
        return "cards", [plural(page.total_ids, "group ID"), _of(page, page.pages)], group_cards_parts(page)
    if isinstance(page, JoinedPage):
        context = [f"{plural(page.total, 'group')} joined", _of(page, page.pages)]
        return "joined", context, joined_parts(page)
    if isinstance(page, RoomPage):
        context = [f"online members marked {page.query.mark}"] if page.query.mark is not None else []
        return "room", [*context, f"page {page.number:,}"], room_parts(page)
    if isinstance(page, FriendListsPage):
        return "lists", [plural(len(page.lists), "friend list")], friend_lists_parts(page)
    assert isinstance(page, FriendsPage)
    context = [f"{plural(page.total_friends, 'friend')} in the named lists", _of(page, page.pages)]
    return "friends", context, friends_parts(page)


def _buttons(page: Page) -> list[Button]:
    buttons = []
    if page.prev_state is not None:
        label = "⏮ First page" if page.prev_state.page == 1 and page.number > 2 else "◀ Previous"
        buttons.append(Button(label=label, action_id="timbot_prev", value=encode(page.prev_state)))
    if page.next_state is not None:
        buttons.append(Button(label="Next ▶", action_id="timbot_next", value=encode(page.next_state),
                              primary=True))
    return buttons


def render_page(page: Page) -> Message:
    """Render one fetched page as a Slack message inside Block Kit's limits.

    Args:
        page: what ``fetch_page`` returned.
    """
    key, context, parts = _context_and_parts(page)
    return assemble(key=key, page=page.number, header=command_line(page.query), context=context,
                    parts=parts, buttons=_buttons(page))


def render_help(query: HelpQuery) -> Message:
    """Render a command's usage (no Tencent call).

    Args:
        query: the help query, naming the command.
    """
    usage = escape(USAGE[query.command]).replace("```", "ˋˋˋ")
    return notice(key="help", text=f"*{escape(query.command)}*", extra=f"```{usage}```")
