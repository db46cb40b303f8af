"""``render_page``: a page becomes header, context, results and its buttons (the layout chosen by type)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final, assert_never

from timbot.commands.results import (
    FriendListsPage,
    FriendsPage,
    GroupCardsPage,
    GroupPage,
    GroupsPage,
    HelpPage,
    JoinedPage,
    Page,
    RoomPage,
)
from timbot.i18n import _
from timbot.render.escape import clip, escape, one_line
from timbot.render.fmt import counted
from timbot.render.fmt import number as _n
from timbot.render.follow import follow_select
from timbot.render.group import group_card_parts, group_cards_parts
from timbot.render.layouts import friend_lists_parts, friends_parts, groups_parts, joined_parts, room_parts
from timbot.render.limits import MAX_BLOCKS, Part, Section, assemble, notice
from timbot.render.message import Message

__all__ = ["render_page"]

#: A Slack user ID, the only thing ever put in a mention (``<@U123>``).
_USER: Final = re.compile(r"[UW][A-Z0-9]{2,20}")


def _of(number: int, pages: int) -> str:
    return _("page {number} of {pages}").format(number=_n(number), pages=_n(max(pages, number)))


def _one_group_context(page: GroupPage) -> list[str]:
    if page.group.error_code:
        return []  # the card says the error; the context would only repeat it
    members = (counted(page.member_total, "{count} member listed", "{count} members listed")
               if page.member_total else _("no member list"))
    return [members, _of(page.number, page.pages)]


def _room_context(page: RoomPage) -> list[str]:
    parts = [f"*{clip(escape(one_line(page.name)), 150)}*"] if page.name else []
    if page.online is not None:
        parts.append(_("{count} online").format(count=_n(page.online)))
    if page.mark is not None:
        parts.append(_("members marked {mark}").format(mark=page.mark))
    return parts


def _sharer(user: str) -> str:
    """``shared by <@U123>`` for a real Slack user ID; anything else as escaped text."""
    who = f"<@{user}>" if _USER.fullmatch(user) else escape(one_line(user))[:40]
    return _("shared by {user}").format(user=who)


def render_page(page: Page, *, share: bool = False, shared_by: str | None = None) -> Message:
    """Render one page as a Slack message inside Block Kit's limits.

    Args:
        page: what the commands layer made (``fetch_page`` or ``help_page``), buttons and follow options
            included (each row its own section with its follow button or menu when that fits in 50 blocks;
            else the rows packed and one follow select).
        share: add the page's Share button (when the page has one).
        shared_by: the page as posted in the channel by this Slack user: "shared by" them, and no buttons
            (the others in the channel could not use them).
    """
    parts: list[Part]
    rows = page.follows or None  # first try one section per row, each with its follow options
    match page:
        case HelpPage():
            usage = escape(page.usage).replace("```", "ˋˋˋ")
            return notice(key="help", text=f"*{escape(page.header)}*", extra=f"```{usage}```")
        case GroupsPage():
            total = (counted(page.total, "{count} group of type {type}", "{count} groups of type {type}",
                             type=page.group_type)
                     if page.group_type else counted(page.total, "{count} group", "{count} groups"))
            key, context = "groups", [total, _of(page.number, page.pages)]
            parts = groups_parts(page, rows)
        case GroupPage():
            key, context = "group", _one_group_context(page)
            parts = group_card_parts(page, rows)
        case GroupCardsPage():
            ids = counted(page.total_ids, "{count} group ID", "{count} group IDs")
            key, context = "cards", [ids, _of(page.number, page.pages)]
            parts = group_cards_parts(page, rows)
        case JoinedPage():
            joined = counted(page.total, "{count} group joined", "{count} groups joined")
            key, context = "joined", [joined, _of(page.number, page.pages)]
            parts = joined_parts(page, rows)
        case RoomPage():
            key, context = "room", [*_room_context(page), _("page {number}").format(number=_n(page.number))]
            parts = room_parts(page, rows)
        case FriendListsPage():
            key, context = "lists", [counted(len(page.lists), "{count} friend list", "{count} friend lists")]
            parts, rows = friend_lists_parts(page), None
        case FriendsPage():
            total = counted(page.total_friends, "{count} friend in the named lists",
                            "{count} friends in the named lists")
            key, context = "friends", [total, _of(page.number, page.pages)]
            parts = friends_parts(page, rows)
        case _:
            assert_never(page)
    select = None
    if rows is not None and len(parts) > MAX_BLOCKS - 3:  # header, context, actions: too many rows
        parts, select = _packed(page), follow_select(page.follows)
    buttons = [*page.buttons, *([page.export] if page.export is not None else []),
               *([page.share] if share and page.share is not None else [])]
    if shared_by is not None:  # the others in the channel could not use the buttons nor the follow menus
        context, buttons, select = [_sharer(shared_by), *context], [], None
        parts = [replace(p, follow=()) if isinstance(p, Section) else p for p in parts]
    return assemble(key=key, page=page.number, header=page.header, context=context, parts=parts,
                    buttons=buttons, select=select)


def _packed(page: Page) -> list[Part]:
    """The page's rows packed into as few sections as fit (the follow options then go in one select)."""
    match page:
        case GroupsPage():
            return groups_parts(page)
        case GroupPage():
            return group_card_parts(page)
        case GroupCardsPage():
            return group_cards_parts(page)
        case JoinedPage():
            return joined_parts(page)
        case RoomPage():
            return room_parts(page)
        case FriendsPage():
            return friends_parts(page)
        case FriendListsPage() | HelpPage():
            return []
        case _:
            assert_never(page)
