"""``timbot run TEXT``: answer one command, print it (or its Block Kit JSON), exit 0 on success."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from timbot.console.session import demo_client, find_button, print_message, send_command
from timbot.errors import ConfigError, UsageError

__all__ = ["answer_page", "run_once"]


async def answer_page(line: str, *, page: int = 1, demo: bool = False) -> dict[str, Any]:
    """Answer ``line`` and press Next ``page - 1`` times; return the message dict Slack would receive.

    Args:
        line: the command line, e.g. ``/im-groups Public``.
        page: which page to return (1 is the command's own answer).
        demo: use the in-process emulator instead of the configured Tencent app.

    Raises:
        UsageError: bad command text, or no such page.
        ConfigError: the configured app is incomplete (not with ``demo``).
        TimError: Tencent did not give the data.
    """
    from timbot.answer import answer_click
    from timbot.settings import load_settings
    from timbot.tim.client import TimClient

    client = demo_client()[0] if demo else TimClient.from_settings(load_settings())
    async with client:
        message = (await send_command(client, line)).to_dict()
        for number in range(2, page + 1):
            button = find_button(message, "n")
            if button is None:
                raise UsageError(
                    f"there is no page {page}: the answer ends at page {number - 1}",
                    usage="timbot run [--page N] TEXT",
                )
            message = (await answer_click(client, button.value)).to_dict()
        return message


def run_once(line: str, *, as_json: bool = False, page: int = 1, demo: bool = False) -> int:
    """Run one command for the terminal and return the exit status (0 answered, 1 Tencent, 2 usage).

    Args:
        line: the command line.
        as_json: print the Block Kit message (``{"text", "blocks"}``) as JSON instead of rendering it.
        page: follow Next ``page - 1`` times.
        demo: use the in-process emulator.

    Raises:
        ConfigError: the configured app is incomplete (the CLI prints it as one line).
    """
    from timbot.answer import failure

    try:
        message = asyncio.run(answer_page(line, page=page, demo=demo))
    except ConfigError:
        raise
    except Exception as exc:  # the one mapping decides the words and the exit status
        failed = failure(exc, what=f"timbot run {line[:40]!r}")
        print_message(failed.message.to_dict(), stream=sys.stderr)
        return failed.exit_code
    if as_json:
        print(json.dumps(message, ensure_ascii=False, indent=2))
    else:
        print_message(message)
    return 0
