"""Follow elements: a row's button or overflow menu, or one select for a page whose rows are packed."""

from __future__ import annotations

from typing import Final

from slack_sdk.models.blocks import (
    BlockElement,
    ButtonElement,
    Option,
    OverflowMenuElement,
    PlainTextObject,
    StaticSelectElement,
)

from timbot.commands.results import PagerButton
from timbot.i18n import N_, _, number
from timbot.render.escape import clip_plain

__all__ = ["MAX_OPTION", "MAX_OPTIONS", "PLACEHOLDER", "accessory", "follow_select"]

#: Block Kit: an option's text, its value, a select's options, an overflow's options, a placeholder.
MAX_OPTION: Final = 75
MAX_OPTION_VALUE: Final = 150
MAX_OPTIONS: Final = 100
MAX_OVERFLOW: Final = 5
MAX_PLACEHOLDER: Final = 150
#: The follow select's placeholder (a message id: shown in the reader's language).
PLACEHOLDER: Final = N_("Follow a row…")


def _option(text: str, value: str) -> Option:
    if not 0 < len(value) <= MAX_OPTION_VALUE:
        raise ValueError("a follow value must hold 1 to 150 characters")
    return Option(value=value, text=PlainTextObject(text=clip_plain(text, MAX_OPTION), emoji=False))


def accessory(options: tuple[PagerButton, ...]) -> BlockElement | None:
    """A row's follow element: one option is a button with its label, several an overflow menu.

    Args:
        options: the row's follow options, values encoded by the commands layer.
    """
    if not options:
        return None
    if len(options) == 1:
        (only,) = options
        if not 0 < len(only.value) <= MAX_OPTION_VALUE:
            raise ValueError("a follow value must hold 1 to 150 characters")
        return ButtonElement(text=PlainTextObject(text=clip_plain(only.label, MAX_OPTION), emoji=False),
                             action_id=only.action_id, value=only.value)
    return OverflowMenuElement(action_id=options[0].action_id,
                               options=[_option(o.label, o.value) for o in options[:MAX_OVERFLOW]])


def follow_select(follows: dict[str, tuple[PagerButton, ...]]) -> StaticSelectElement | None:
    """One select for the page's follow options, each naming its row (``Details · @TGS#abc``); at most 100,
    the placeholder saying how many were left out.

    Args:
        follows: the page's follow options by row ID, in the rows' order.
    """
    every = [(f"{o.label} · {row}", o) for row, options in follows.items() for o in options]
    if not every:
        return None
    kept = every[:MAX_OPTIONS]
    placeholder = _(PLACEHOLDER)
    if len(every) > len(kept):
        placeholder = _("Follow a row… (the first {kept} of {total} options)").format(
            kept=number(len(kept)), total=number(len(every)))
    return StaticSelectElement(
        placeholder=PlainTextObject(text=clip_plain(placeholder, MAX_PLACEHOLDER), emoji=False),
        action_id=kept[0][1].action_id, options=[_option(text, o.value) for text, o in kept])
