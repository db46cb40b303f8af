"""``timbot run TEXT``: answer one command, print it (or its Block Kit JSON); the exit status says how."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from timbot.commands.spec import FOLLOW
from timbot.console.session import demo_client, find_button, print_message, reply_line
from timbot.console.terminal import Button
from timbot.errors import UsageError
from timbot.i18n import _

if TYPE_CHECKING:
    from timbot.answer import Reply

__all__ = ["USAGE", "answer_page", "run_once"]


#: The usage of ``timbot run`` (in its usage errors).
USAGE = "timbot run [--page N] [--follow ROW[.OPTION]] TEXT"


async def answer_page(
    line: str, *, page: int = 1, demo: bool = False, follow: str | None = None, out_dir: Path | None = None
) -> Reply:
    """Answer ``line``, press Next ``page - 1`` times, then follow a row; return the last reply (an error
    stops the walk). With ``--csv`` the whole result is written to a file instead (``timbot.console.export``).

    Args:
        line: the command line, e.g. ``/im-groups Public``.
        page: which page to return (1 is the command's own answer).
        demo: use the in-process emulator instead of the configured Tencent app.
        follow: a row of that page to follow, as the console numbers it (``3``, or ``3.2`` for the second
            option of row 3's menu).
        out_dir: where an export's file goes (the current directory when omitted).

    Raises:
        ConfigError: the configured app is incomplete (not with ``demo``).
    """
    from timbot.answer import failure, reply_click, reply_follow
    from timbot.settings import load_settings
    from timbot.tim.client import TimClient

    client = demo_client()[0] if demo else TimClient.from_settings(load_settings())
    async with client:
        answered = await reply_line(client, line, out_dir=out_dir)
        for number in range(2, page + 1):
            if not answered.page:
                break
            button = find_button(answered.message.to_dict(), "n")
            if not isinstance(button, Button):
                missing = UsageError(_("there is no page {page}: the answer ends at page {last}").format(
                    page=page, last=number - 1), usage=USAGE)
                return failure(missing, what="timbot run")
            answered = await reply_click(client, button.value)
        if follow is None or not answered.page:
            return answered
        chosen = find_button(answered.message.to_dict(), follow)
        if isinstance(chosen, list):
            which = ", ".join(f"{b.key} {b.label}" for b in chosen)
            first = chosen[0].key
            problem = _("row {row} has {count} options ({options}): choose one (--follow {first})").format(
                row=follow, count=len(chosen), options=which, first=first)
            return failure(UsageError(problem, usage=USAGE), what="timbot run")
        if chosen is None or chosen.action_id != FOLLOW:
            missing = UsageError(_("page {page} has no row {row} to follow").format(page=page, row=follow),
                                 usage=USAGE)
            return failure(missing, what="timbot run")
        return await reply_follow(client, chosen.value)


def run_once(
    line: str, *, as_json: bool = False, page: int = 1, demo: bool = False, follow: str | None = None,
    out_dir: Path | None = None,
) -> int:
    """Run one command for the terminal and return the exit status.

    0: answered; 1: Tencent's error (also a page that shows only Tencent's error for what was asked, such as
    ``/im-group @TGS#nope``) or an unexpected one; 2: usage (or an expired value).

    Args:
        line: the command line.
        as_json: print the Block Kit message (``{"text", "blocks"}``) as JSON instead of rendering it.
        page: follow Next ``page - 1`` times.
        demo: use the in-process emulator.
        follow: then follow this row of the page (``3`` or ``3.2``).
        out_dir: where a ``--csv`` export's file goes (the current directory when omitted).

    Raises:
        ConfigError: the configured app is incomplete (the CLI prints it as one line).
    """
    answered = asyncio.run(answer_page(line, page=page, demo=demo, follow=follow, out_dir=out_dir))
    message = answered.message.to_dict()
    if not answered.page and answered.exit_code:  # an error (an export's "wrote ..." is an answer)
        print_message(message, stream=sys.stderr)
    elif as_json:
        print(json.dumps(message, ensure_ascii=False, indent=2))
    else:
        print_message(message)
    return answered.exit_code
