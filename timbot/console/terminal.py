"""A Block Kit message (the dict Slack would receive) rendered as readable terminal text.

It draws the blocks timbot makes (header, context, section with fields, divider, actions); any other block is
named, not dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from timbot.commands.follow import decode_follow
from timbot.commands.spec import EXPORT, FOLLOW, NEXT, PREV
from timbot.console.mrkdwn import Style, mrkdwn_to_text, plain_to_text, visible_width
from timbot.errors import ExpiredError
from timbot.i18n import _

__all__ = ["Button", "buttons", "render_message", "row_options"]

#: The keys the console binds to timbot's own buttons.
_KEYS = {NEXT: "n", PREV: "p", EXPORT: "e"}
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


def _target(value: str) -> str:
    """The row a follow value points at (its command's text), or the value itself if it does not decode."""
    try:
        return decode_follow(value)[1]
    except ExpiredError:
        return value


def _option_label(option: Mapping[str, Any]) -> str:
    return plain_to_text(str((option.get("text") or {}).get("text", "")))


def _keyed(message: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], list[Button]]]:
    """Each button, overflow and select of ``message`` with the keys it gets (see :func:`buttons`)."""
    found: list[tuple[Mapping[str, Any], list[Button]]] = []
    number = 0
    for block in message.get("blocks") or ():
        elements: Sequence[Any] = ()
        if block.get("type") == "actions":
            elements = block.get("elements") or ()
        elif block.get("type") == "section" and block.get("accessory"):
            elements = (block["accessory"],)
        for element in elements:
            if not isinstance(element, Mapping):
                continue
            kind, action_id = element.get("type"), str(element.get("action_id", ""))
            if kind == "button":
                key = _KEYS.get(action_id)
                if key is None:
                    number += 1
                    key = str(number)
                label = plain_to_text(str((element.get("text") or {}).get("text", "")))
                found.append((element, [Button(key, label, action_id, str(element.get("value", "")))]))
            elif kind in ("overflow", "static_select") and action_id == FOLLOW:
                rows: dict[str, list[Mapping[str, Any]]] = {}
                for option in element.get("options") or ():
                    if isinstance(option, Mapping):
                        rows.setdefault(_target(str(option.get("value", ""))), []).append(option)
                keyed: list[Button] = []
                for options in rows.values():
                    number += 1
                    keyed.extend(
                        Button(f"{number}.{k}", _option_label(o), FOLLOW, str(o.get("value", "")))
                        for k, o in enumerate(options, 1)
                    )
                found.append((element, keyed))
    return found


def buttons(message: Mapping[str, Any]) -> list[Button]:
    """Every button and follow option of ``message``, in order, with the key the console binds to it.

    Next is ``n`` and Previous is ``p``. Each row that can be followed gets a number, in the order the
    message shows them: a row with one option (a button) is ``N``; the options of a row's menu are ``N.1``,
    ``N.2``...; a page's one select is split by the row each option names, each row numbered in turn. Any
    other button gets the next number too.

    Args:
        message: the message dict (``Message.to_dict()``).
    """
    return [button for _, keyed in _keyed(message) for button in keyed]


def row_options(message: Mapping[str, Any], number: int) -> list[Button]:
    """The follow options of row ``number`` (its one button, or the options of its menu), in order.

    Args:
        message: the message dict.
        number: the row's number as the console shows it.
    """
    return [b for b in buttons(message) if b.key == str(number) or b.key.startswith(f"{number}.")]


def _button_line(elements: Sequence[Any], keys: dict[int, list[Button]], style: Style) -> str:
    shown: list[str] = []
    for element in elements:
        if not isinstance(element, Mapping):
            continue
        keyed = keys.get(id(element), [])
        if element.get("type") == "button":
            shown.extend(style.bold(f"[{b.key}] {b.label}") for b in keyed)
        elif element.get("type") in ("overflow", "static_select"):
            shown.append(_menu(element, keyed, style))
        else:
            label = _text(element.get("placeholder") or element.get("text"), style)
            shown.append(f"[{label or element.get('type', 'element')}]")
    return "   ".join(shown)


def _menu(element: Mapping[str, Any], keyed: list[Button], style: Style) -> str:
    """A row's menu as its options with their keys (``[3.1] Details   [3.2] Online members``); a page's
    select as its placeholder and the rows it covers (each row's number lists that row's options)."""
    if element.get("type") == "overflow" and keyed:
        return "   ".join(style.bold(f"[{b.key}] {b.label}") for b in keyed)
    labels = [_option_label(o) for o in element.get("options") or () if isinstance(o, Mapping)]
    if element.get("type") == "overflow":
        return _("[menu: {options}]").format(options=", ".join(labels))
    placeholder = plain_to_text(str((element.get("placeholder") or {}).get("text", ""))) or "menu"
    rows = sorted({int(b.key.partition(".")[0]) for b in keyed})
    if not rows:
        return _("[menu: {placeholder}: {count} options]").format(placeholder=placeholder, count=len(labels))
    span = f"{rows[0]}" if len(rows) == 1 else f"{rows[0]}-{rows[-1]}"
    return _("[menu: {placeholder}: {count} options; type {rows} for a row's options]").format(
        placeholder=placeholder, count=len(labels), rows=span)


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


def _block(block: Mapping[str, Any], keys: dict[int, list[Button]], style: Style, width: int) -> str:
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
            lines.append(_button_line([accessory], keys, style))
        return "\n".join(lines)
    if kind == "divider":
        return style.dim("─" * min(width, 60))
    if kind == "actions":
        return _button_line(block.get("elements") or (), keys, style)
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
    keys = {id(element): keyed for element, keyed in _keyed(message)}
    rendered = (_block(block, keys, style, width) for block in blocks)
    return "\n\n".join(part for part in rendered if part)
