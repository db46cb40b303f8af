"""``/im-group`` layouts: one group's card and members, or a compact card per group."""

from __future__ import annotations

from timbot.commands.results import GroupCardsPage, GroupPage, PagerButton, quote
from timbot.errors import explanation_text
from timbot.i18n import _
from timbot.render.escape import clip, code, escape, one_line
from timbot.render.fmt import bold, counted, date, italic, number
from timbot.render.limits import MAX_FIELD, Divider, Part, Section, pack_lines, row_sections
from timbot.tim.models import GroupInfo, GroupMember

__all__ = ["group_card_parts", "group_cards_parts"]

#: A page's follow options by row ID, or None: the rows packed into as few sections as fit.
Follows = dict[str, tuple[PagerButton, ...]] | None


def _text(value: str, limit: int = 300) -> str:
    return clip(escape(one_line(value)), limit) if value else "-"


def _members(group: GroupInfo) -> str:
    if group.member_num is None:
        return "-"
    if group.max_member_num:
        return f"{number(group.member_num)} / {number(group.max_member_num)}"
    return number(group.member_num)


def _error(group: GroupInfo) -> str:
    why = explanation_text(group.error_code, group.error_explanation)
    return f":warning: {group.error_code}: {escape(why)}"


def _member_line(member: GroupMember) -> str:
    role = escape(one_line(member.role)) or "Member"
    parts = [code(member.member_account, 40), role, _("joined {date}").format(date=date(member.join_time))]
    if member.name_card:
        parts.insert(1, _text(member.name_card, 60))
    if member.mute_until:
        until = date(member.mute_until, zero=_("not muted"))
        parts.append(_("muted until {date}").format(date=until))
    return " · ".join(parts)


def group_card_parts(page: GroupPage, follows: Follows = None) -> list[Part]:
    """The card of one group (page 1) and the members on this page.

    Args:
        page: the fetched page.
        follows: the owner and each member in a section of their own with these follow options (else the
            owner in the card's fields and the members packed).
    """
    group = page.group
    parts: list[Part] = []
    if group.error_code != 0:
        return [Section(text=f"{code(quote(group.group_id))}\n{_error(group)}")]
    if page.number == 1 or page.member_offset == 0:
        title = f"*{_text(group.name, 200)}*  {code(quote(group.group_id))}"
        owner = code(group.owner_account, 40) if group.owner_account else "-"
        own_row = follows is not None and group.owner_account in follows
        fields = (
            bold(_("Type")) + f"\n{_text(group.type)}",
            *(() if own_row else (bold(_("Owner")) + f"\n{owner}",)),
            bold(_("Members")) + f"\n{_members(group)}",
            bold(_("Created")) + f"\n{date(group.create_time)}",
            bold(_("Last message")) + f"\n{date(group.last_msg_time)}",
            bold(_("Join option")) + f"\n{_text(group.apply_join_option)}",
            bold(_("Mute all")) + f"\n{_text(group.mute_all_member)}",
        )
        parts.append(Section(text=title, fields=fields))
        if follows is not None and own_row:
            parts.extend(row_sections([bold(_("Owner")) + f" {owner}"], [group.owner_account], follows))
        about = [bold(_("Introduction")) + f"\n{_text(group.introduction, 1000)}",
                 bold(_("Notification")) + f"\n{_text(group.notification, 1000)}"]
        parts.append(Section(text="\n".join(about), items=0))
        if group.app_defined_data:
            custom = [f"{code(kv.key, 60)}: {_text(kv.value, 200)}" for kv in group.app_defined_data]
            title = bold(_("Custom fields")) + "\n"
            parts.append(Section(text=clip(title + "\n".join(custom), MAX_FIELD), items=0))
        parts.append(Divider())
    if page.members_note:
        parts.append(Section(text=f"_{escape(page.members_note)}_", items=0))
    elif page.members:
        first = page.member_offset + 1
        last = page.member_offset + len(page.members)
        heading = _("Members {first}–{last} of {total}").format(
            first=number(first), last=number(last), total=number(page.member_total))
        parts.append(Section(text=f"*{heading}*", items=0))
        lines = [_member_line(m) for m in page.members]
        if follows is not None:
            parts.extend(row_sections(lines, [m.member_account for m in page.members], follows))
        else:
            parts.extend(pack_lines(lines))
    else:
        parts.append(Section(text=italic(_("No members returned.")), items=0))
    return parts


def _compact(group: GroupInfo, follows: Follows) -> Section:
    head = code(quote(group.group_id))
    if group.error_code != 0:
        return Section(text=f"{head}\n{_error(group)}")
    facts = [
        f"*{_text(group.name, 200)}*" if group.name else italic(_("no name")),
        _text(group.type),
        _("{members} members").format(members=_members(group)),
        (_("owner {owner}").format(owner=code(group.owner_account, 40)) if group.owner_account
         else _("no owner")),
        _("created {date}").format(date=date(group.create_time)),
        _("last message {date}").format(date=date(group.last_msg_time)),
    ]
    follow = follows.get(group.group_id, ()) if follows is not None else ()
    return Section(text=f"{head}\n" + " · ".join(facts), follow=follow)


def group_cards_parts(page: GroupCardsPage, follows: Follows = None) -> list[Part]:
    """A compact card per group on this page, per-group errors on their card.

    Args:
        page: the fetched page.
        follows: each card's follow options (its accessory).
    """
    parts: list[Part] = [_compact(group, follows) for group in page.groups]
    if page.dropped:
        dropped = counted(page.dropped,
                          "{count} more ID did not fit in the page buttons: run /im-group again with them.",
                          "{count} more IDs did not fit in the page buttons: run /im-group again with them.")
        parts.append(Section(text=f"_{dropped}_", items=0))
    return parts or [Section(text=italic(_("No groups on this page.")), items=0)]
