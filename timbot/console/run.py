"""``timbot run TEXT``: answer one command, print it (or its Block Kit JSON); the exit status says how."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from timbot.console.session import demo_client, find_button, print_message, reply_line
from timbot.errors import UsageError

if TYPE_CHECKING:
    from timbot.answer import Reply

__all__ = ["answer_page", "run_once"]


async def answer_page(line: str, *, page: int = 1, demo: bool = False, out_dir: Path | None = None) -> Reply:
    """Answer ``line`` and press Next ``page - 1`` times; return the last reply (an error stops the walk).
    With ``--csv`` the whole result is written to a file instead (``timbot.console.export``).

    Args:
        line: the command line, e.g. ``/im-groups Public``.
        page: which page to return (1 is the command's own answer).
        demo: use the in-process emulator instead of the configured Tencent app.
        out_dir: where an export's file goes (the current directory when omitted).

    Raises:
        ConfigError: the configured app is incomplete (not with ``demo``).
    """
    from timbot.answer import failure, reply_click
    from timbot.settings import load_settings
    from timbot.tim.client import TimClient

    client = demo_client()[0] if demo else TimClient.from_settings(load_settings())
    async with client:
        answered = await reply_line(client, line, out_dir=out_dir)
        for number in range(2, page + 1):
            if not answered.page:
                break
            button = find_button(answered.message.to_dict(), "n")
            if button is None:
                missing = UsageError(f"there is no page {page}: the answer ends at page {number - 1}",
                                     usage="timbot run [--page N] TEXT")
                return failure(missing, what="timbot run")
            answered = await reply_click(client, button.value)
        return answered


def run_once(line: str, *, as_json: bool = False, page: int = 1, demo: bool = False,
             out_dir: Path | None = None) -> int:
    """Run one command for the terminal and return the exit status.

    0: answered; 1: Tencent's error (also a page that shows only Tencent's error for what was asked, such as
    ``/im-group @TGS#nope``) or an unexpected one; 2: usage (or an expired value).

    Args:
        line: the command line.
        as_json: print the Block Kit message (``{"text", "blocks"}``) as JSON instead of rendering it.
        page: follow Next ``page - 1`` times.
        demo: use the in-process emulator.
        out_dir: where a ``--csv`` export's file goes (the current directory when omitted).

    Raises:
        ConfigError: the configured app is incomplete (the CLI prints it as one line).
    """
    answered = asyncio.run(answer_page(line, page=page, demo=demo, out_dir=out_dir))
    message = answered.message.to_dict()
    if not answered.page and answered.exit_code:  # an error (an export's "wrote ..." is an answer)
        print_message(message, stream=sys.stderr)
    elif as_json:
        print(json.dumps(message, ensure_ascii=False, indent=2))
    else:
        print_message(message)
    return answered.exit_code
