"""Slack's Block Kit limits, enforced in this one place: every message is assembled by :func:`assemble`.

Over a limit Slack rejects the whole message, so content that does not fit is cut here with a visible
"… and N more" instead: at most 50 blocks, 3000 chars per section text, 10 fields of 2000, 150 for the
header, 75 for a button's text, 10 context elements, 255 for ids (unique per message and per page), and a
fallback ``text`` of at most 4000.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from timbot.commands.results import MAX_VALUE, PagerButton
from timbot.i18n import _, number
from timbot.render.escape import clip, clip_plain, escape
from timbot.render.follow import accessory
from timbot.render.message import Message

__all__ = [
    "MAX_BLOCKS",
    "MAX_BUTTON",
    "MAX_CONTEXT",
    "MAX_FIELD",
    "MAX_FIELDS",
    "MAX_HEADER",
    "MAX_ID",
    "MAX_SECTION",
    "MAX_TEXT",
    "Divider",
    "Part",
    "Section",
    "assemble",
    "notice",
    "pack_lines",
    "row_sections",
]

MAX_BLOCKS: Final = 50
MAX_SECTION: Final = 3000
MAX_FIELDS: Final = 10
MAX_FIELD: Final = 2000
MAX_HEADER: Final = 150
MAX_BUTTON: Final = 75
MAX_CONTEXT: Final = 10
MAX_ID: Final = 255
MAX_TEXT: Final = 4000


@dataclass(frozen=True)
class Section:
    """A section of escaped mrkdwn ``text`` and/or ``fields``; ``items`` = how many results it shows;
    ``follow``: the follow options of the one row it shows (its accessory)."""

    text: str = ""
    fields: tuple[str, ...] = ()
    items: int = 1
    follow: tuple[PagerButton, ...] = ()


@dataclass(frozen=True)
class Divider:
    """A divider line between cards."""

    items: int = 0


Part = Section | Divider


def pack_lines(
    lines: list[str], *, weights: list[int] | None = None, limit: int = MAX_SECTION
) -> list[Section]:
    """Pack escaped lines into as few sections as fit ``limit`` characters each.

    Args:
        lines: escaped mrkdwn lines (a line longer than ``limit`` is clipped).
        weights: how many results each line shows (default one each).
        limit: the most characters per section.
    """
    sections: list[Section] = []
    chunk: list[str] = []
    size = items = 0
    for line, weight in zip(lines, weights or [1] * len(lines), strict=True):
        line = clip(line, limit)
        if chunk and size + 1 + len(line) > limit:
            sections.append(Section(text="\n".join(chunk), items=items))
            chunk, size, items = [], 0, 0
        size += len(line) + (1 if chunk else 0)
        items += weight
        chunk.append(line)
    if chunk:
        sections.append(Section(text="\n".join(chunk), items=items))
    return sections


def row_sections(
    lines: list[str], keys: list[str], follows: dict[str, tuple[PagerButton, ...]]
) -> list[Section]:
    """One section per row, each with the follow options of the ID it names (the row's accessory).

    Args:
        lines: the rows, escaped mrkdwn.
        keys: the ID each row names, in the same order.
        follows: the page's follow options by ID.
    """
    return [Section(text=clip(line, MAX_SECTION), follow=follows.get(key, ()))
            for line, key in zip(lines, keys, strict=True)]


def _section(part: Section, block_id: str) -> SectionBlock:
    fields = [MarkdownTextObject(text=clip(f, MAX_FIELD)) for f in part.fields[:MAX_FIELDS] if f]
    text = MarkdownTextObject(text=clip(part.text, MAX_SECTION)) if part.text or not fields else None
    if text is not None and not text.text:
        text = MarkdownTextObject(text=" ")
    return SectionBlock(text=text, fields=fields or None, block_id=block_id, accessory=accessory(part.follow))


def _fallback(header: str, context: list[str], parts: list[Part]) -> str:
    lines = [escape(header), *context]
    for part in parts:
        if isinstance(part, Section):
            lines.extend(line for line in (part.text, *part.fields) if line)
    return clip("\n".join(lines), MAX_TEXT)


def assemble(
    *, key: str, page: int, header: str, context: list[str], parts: list[Part], buttons: list[PagerButton],
    select: StaticSelectElement | None = None,
) -> Message:
    """Build a message inside every limit: header, context, the parts (cut with "… and N more"), the pager.

    Args:
        key: a short name of the layout, used in block ids (e.g. ``groups``).
        page: the page number (block ids are new on every page).
        header: plain text saying what was asked (clipped to 150).
        context: escaped mrkdwn elements (at most 10 kept; each clipped).
        parts: the results, escaped.
        buttons: the buttons, values encoded by the commands layer (an actions block only if any).
        select: the page's follow select, put in the actions block after the buttons.
    """
    prefix = f"timbot_{key[:40]}_{page}"
    room = MAX_BLOCKS - 1 - (1 if context else 0) - (1 if buttons or select is not None else 0)
    parts = [p for p in parts if not isinstance(p, Section) or p.text or p.fields]
    if len(parts) > room:
        kept, dropped = parts[: room - 1], parts[room - 1 :]
        hidden = sum(p.items for p in dropped)
        more = _("… and {count} more not shown here").format(count=number(hidden))
        parts = [*kept, Section(text=f"_{more}_", items=0)]
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=clip_plain(header, MAX_HEADER), emoji=False),
                                       block_id=f"{prefix}_h")]
    if context:
        elements = [MarkdownTextObject(text=clip(c, MAX_SECTION)) for c in context[:MAX_CONTEXT]]
        blocks.append(ContextBlock(elements=elements, block_id=f"{prefix}_c"))
    for i, part in enumerate(parts):
        block_id = f"{prefix}_{i}"
        block = DividerBlock(block_id=block_id) if isinstance(part, Divider) else _section(part, block_id)
        blocks.append(block)
    if buttons or select is not None:
        pager: list[ButtonElement | StaticSelectElement] = []
        for b in buttons:
            if not 0 < len(b.value) <= MAX_VALUE:
                raise ValueError("a button value must hold 1 to 2000 characters")
            pager.append(ButtonElement(text=PlainTextObject(text=clip_plain(b.label, MAX_BUTTON)),
                                          action_id=b.action_id[:MAX_ID], value=b.value,
                                          style="primary" if b.primary else None))
        if select is not None:
            pager.append(select)
        blocks.append(ActionsBlock(elements=pager, block_id=f"{prefix}_pager"))
    return Message(text=_fallback(header, context, parts), blocks=blocks)


def notice(*, key: str, text: str, extra: str = "") -> Message:
    """Build a short message (an error, a refusal): one section, plus ``extra`` in a second one.

    Args:
        key: a short name used in the block ids.
        text: escaped mrkdwn.
        extra: more escaped mrkdwn (e.g. a usage in a code block), or empty.
    """
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=clip(text, MAX_SECTION) or " "),
                                        block_id=f"timbot_{key[:40]}")]
    if extra:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(extra, MAX_SECTION)),
                                   block_id=f"timbot_{key[:40]}_more"))
    return Message(text=clip(f"{text}\n{extra}".strip(), MAX_TEXT), blocks=blocks)
