"""Result layouts of ``/im-groups``, ``/im-joined``, ``/im-room`` and ``/im-friends``."""

from __future__ import annotations

from timbot.commands.results import (
    FriendListsPage,
    FriendsPage,
    GroupsPage,
    JoinedPage,
    PagerButton,
    RoomPage,
    quote,
)
from timbot.errors import explanation_text
from timbot.i18n import _
from timbot.render.escape import clip, code, escape, one_line
from timbot.render.fmt import counted, date, italic, number
from timbot.render.limits import Part, Section, pack_lines, row_sections
from timbot.tim.models import GroupInfo

__all__ = ["friend_lists_parts", "friends_parts", "groups_parts", "joined_parts", "room_parts"]

_IDS_PER_LINE = 4
#: A page's follow options by row ID, or None: the rows packed into as few sections as fit.
Follows = dict[str, tuple[PagerButton, ...]] | None


def _name(value: str, limit: int = 200) -> str:
    return clip(escape(one_line(value)), limit) if value else italic(_("no name"))


def _group_row(group_id: str, info: GroupInfo | None) -> str:
    shown = code(quote(group_id), 70)
    if info is None:
        return shown
    if info.error_code:
        why = explanation_text(info.error_code, info.error_explanation)
        return f"{shown} · :warning: {info.error_code}: {escape(why)}"
    facts = [_name(info.name, 100), shown, escape(one_line(info.type)) or "-"]
    if info.member_num is not None:
        facts.append(counted(info.member_num, "{count} member", "{count} members"))
    return " · ".join(facts)


def groups_parts(page: GroupsPage, follows: Follows = None) -> list[Part]:
    """A row per group: its name, ID, type and member count (or its own error code). When Tencent gave no
    names at all, the IDs several per line and one line saying why.

    Args:
        page: the fetched page.
        follows: one section per row with these follow options (else the rows packed).
    """
    if not page.group_ids:
        return [Section(text=italic(_("No groups on this page.")), items=0)]
    if page.names_missing is None:
        lines = [_group_row(gid, page.infos.get(gid)) for gid in page.group_ids]
        if follows is not None:
            return list(row_sections(lines, page.group_ids, follows))
        return list(pack_lines(lines))
    ids = [code(quote(gid), 70) for gid in page.group_ids]
    missing = _("The names could not be fetched: {why}").format(
        why=clip(escape(one_line(page.names_missing)), 300))
    why = Section(text=f"_{missing}_", items=0)
    if follows is not None:
        return [why, *row_sections(ids, page.group_ids, follows)]
    rows = [ids[i : i + _IDS_PER_LINE] for i in range(0, len(ids), _IDS_PER_LINE)]
    return [why, *pack_lines(["   ".join(row) for row in rows], weights=[len(row) for row in rows])]


def joined_parts(page: JoinedPage, follows: Follows = None) -> list[Part]:
    """Each joined group: name, ID, type, member count, the user's role and join time.

    Args:
        page: the fetched page.
        follows: one section per row with these follow options (else the rows packed).
    """
    lines = []
    for group in page.groups:
        facts = [_name(group.name, 100), code(quote(group.group_id), 70), escape(one_line(group.type)) or "-"]
        if group.member_num is not None:
            facts.append(counted(group.member_num, "{count} member", "{count} members"))
        if group.self_info is not None:
            role = escape(one_line(group.self_info.role)) or "Member"
            facts.append(_("{role} since {date}").format(role=role, date=date(group.self_info.join_time)))
        lines.append(" · ".join(facts))
    if follows is not None and lines:
        return list(row_sections(lines, [group.group_id for group in page.groups], follows))
    return list(pack_lines(lines)) or [Section(text=italic(_("No groups on this page.")), items=0)]


def room_parts(page: RoomPage, follows: Follows = None) -> list[Part]:
    """Online members: account, nickname and join time.

    Args:
        page: the fetched page.
        follows: one section per row with these follow options (else the rows packed).
    """
    lines = []
    for member in page.members:
        nick = f" {_name(member.nick_name, 80)}" if member.nick_name else ""
        joined = _("joined {date}").format(date=date(member.join_time))
        lines.append(f"{code(member.member_account, 40)}{nick} · {joined}")
    if follows is not None and lines:
        return list(row_sections(lines, [member.member_account for member in page.members], follows))
    return list(pack_lines(lines)) or [Section(text=italic(_("No online members on this page.")), items=0)]


def friend_lists_parts(page: FriendListsPage) -> list[Part]:
    """The user's friend lists with their friend counts.

    Args:
        page: the fetched page.
    """
    lines = [" · ".join((_name(quote(name), 100), counted(count, "{count} friend", "{count} friends")))
             for name, count in page.lists]
    return list(pack_lines(lines)) or [Section(text=italic(_("This user has no friend lists.")), items=0)]


def friends_parts(page: FriendsPage, follows: Follows = None) -> list[Part]:
    """Each named list with the friends of it on this page.

    Args:
        page: the fetched page.
        follows: one section per friend with these follow options (else the friends several per line).
    """
    parts: list[Part] = []
    for named in page.lists:
        title = f"*{_name(quote(named.name), 100)}*"
        if not named.found:
            parts.append(Section(text=_("{list}: no list with this name").format(list=title), items=0))
            continue
        if not named.friends:
            friends = counted(named.friend_number, "{count} friend", "{count} friends")
            parts.append(Section(text=f"{title} · {friends}", items=0))
            continue
        first, last = named.first_index + 1, named.first_index + len(named.friends)
        friends = counted(named.friend_number, "{count} friend", "{count} friends")
        showing = _("{friends} (showing {first}–{last})").format(friends=friends, first=number(first),
                                                                 last=number(last))
        parts.append(Section(text=f"{title} · {showing}", items=0))
        if follows is not None:
            parts.extend(row_sections([code(f, 40) for f in named.friends], named.friends, follows))
            continue
        parts.extend(pack_lines(["   ".join(code(f, 40) for f in named.friends[i : i + 4])
                                 for i in range(0, len(named.friends), 4)]))
    return parts or [Section(text=italic(_("No friends on this page.")), items=0)]
