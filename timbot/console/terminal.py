"""A Block Kit message (the dict Slack would receive) rendered as readable terminal text.

It draws the blocks timbot makes (header, context, section with fields, divider, actions); any other block is
named, not dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from timbot.commands.spec import NEXT, PREV
from timbot.console.mrkdwn import Style, mrkdwn_to_text, plain_to_text, visible_width

__all__ = ["Button", "buttons", "render_message"]

#: The keys the console binds to timbot's own buttons.
_KEYS = {NEXT: "n", PREV: "p"}
#: The elements drawn on a line of their own (a button with its key, a menu with its options).
_ELEMENTS = ("button", "overflow", "static_select")


@dataclass(frozen=True, slots=True)
class Button:
    """A button of a message, with the key the console binds to it."""

    key: str
    label: str
    action_id: str
    value: str


def _text(obj: Any, style: Style) -> str:
    """A text object (``{"type": "mrkdwn"|"plain_text", "text": ...}``) as terminal text."""
    if not isinstance(obj, Mapping):
        return ""
    text = str(obj.get("text", ""))
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_text(text, style=style)
    return plain_to_text(text)


def buttons(message: Mapping[str, Any]) -> list[Button]:
    """Every button of ``message`` (actions blocks and section accessories), in order, with its key.

    Next is ``n`` and Previous is ``p``; any other button gets a number.

    Args:
        message: the message dict (``Message.to_dict()``).
    """
    found: list[Button] = []
    for block in message.get("blocks") or ():
        elements: Sequence[Any] = ()
        if block.get("type") == "actions":
            elements = block.get("elements") or ()
        elif block.get("type") == "section" and block.get("accessory"):
            elements = (block["accessory"],)
        for element in elements:
            if not isinstance(element, Mapping) or element.get("type") != "button":
                continue
            action_id = str(element.get("action_id", ""))
            key = _KEYS.get(action_id) or str(1 + sum(b.key not in _KEYS.values() for b in found))
            label = plain_to_text(str((element.get("text") or {}).get("text", "")))
            found.append(Button(key, label, action_id, str(element.get("value", ""))))
    return found


def _button_line(elements: Sequence[Any], all_buttons: list[Button], style: Style) -> str:
    shown = []
    for element in elements:
        if not isinstance(element, Mapping):
            continue
        if element.get("type") == "button":
            match = next(
                (b for b in all_buttons if b.action_id == element.get("action_id", "")
                 and b.value == str(element.get("value", ""))),
                None,
            )
            if match is not None:
                shown.append(style.bold(f"[{match.key}] {match.label}"))
        elif element.get("type") in ("overflow", "static_select"):
            shown.append(_menu(element))
        else:
            label = _text(element.get("placeholder") or element.get("text"), style)
            shown.append(f"[{label or element.get('type', 'element')}]")
    return "   ".join(shown)


def _menu(element: Mapping[str, Any]) -> str:
    """An overflow menu as its labels (``[menu: Details, Online members]``); a select as its placeholder and
    how many options it has."""
    options = [o for o in element.get("options") or () if isinstance(o, Mapping)]
    labels = [plain_to_text(str((o.get("text") or {}).get("text", ""))) for o in options]
    if element.get("type") == "overflow":
        return f"[menu: {', '.join(labels)}]"
    placeholder = plain_to_text(str((element.get("placeholder") or {}).get("text", ""))) or "menu"
    return f"[menu: {placeholder}: {len(labels)} options]"


def _columns(cells: list[str], width: int) -> list[str]:
    """Fields two per line (multi-line fields side by side) when they fit in ``width``, else one per line."""
    lefts, rights = cells[0::2], cells[1::2]
    column = max((visible_width(line) for cell in lefts for line in cell.splitlines()), default=0) + 3
    widest_right = max((visible_width(line) for cell in rights for line in cell.splitlines()), default=0)
    if column + widest_right > width:
        return [line for cell in cells for line in cell.splitlines()]
    lines = []
    for left, right in zip_longest(lefts, rights, fillvalue=""):
        for one, two in zip_longest(left.splitlines(), right.splitlines(), fillvalue=""):
            lines.append((one + " " * (column - visible_width(one)) + two).rstrip())
    return lines


def _block(block: Mapping[str, Any], all_buttons: list[Button], style: Style, width: int) -> str:
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"), style)
        if style.color:
            return style.bold(style.underline(title))
        return f"{title}\n{'=' * min(visible_width(title), width)}"
    if kind == "context":
        elements = block.get("elements") or ()
        items = [_text(element, style) for element in elements if isinstance(element, Mapping)]
        return style.dim("  ·  ".join(item for item in items if item))
    if kind == "section":
        lines = [_text(block.get("text"), style)] if block.get("text") else []
        fields = [_text(field, style) for field in block.get("fields") or ()]
        if fields:
            lines.extend(_columns(fields, width))
        accessory = block.get("accessory")
        if isinstance(accessory, Mapping) and accessory.get("type") in _ELEMENTS:
            lines.append(_button_line([accessory], all_buttons, style))
        return "\n".join(lines)
    if kind == "divider":
        return style.dim("─" * min(width, 60))
    if kind == "actions":
        return _button_line(block.get("elements") or (), all_buttons, style)
    return style.dim(f"[{plain_to_text(str(kind))} block]")


def render_message(message: Mapping[str, Any], *, style: Style | None = None, width: int = 80) -> str:
    """Render a Block Kit message for a terminal: header, context, sections, fields and buttons.

    Blocks are separated by a blank line; a message without blocks shows its fallback ``text``. Buttons show
    the key the console binds to them: ``[p] Previous   [n] Next``.

    Args:
        message: ``{"text": ..., "blocks": [...]}`` as ``Message.to_dict()`` gives it.
        style: terminal styles; plain text when omitted.
        width: the terminal's width in columns (fields go two per line when they fit).
    """
    style = style or Style()
    blocks = [block for block in message.get("blocks") or () if isinstance(block, Mapping)]
    if not blocks:
        return mrkdwn_to_text(str(message.get("text", "")), style=style)
    all_buttons = buttons(message)
    rendered = (_block(block, all_buttons, style, width) for block in blocks)
    return "\n\n".join(part for part in rendered if part)
