"""What the terminal front ends share: the demo client, Slack-style command text, replies and printing."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from timbot.console.mrkdwn import Style, use_color
from timbot.console.terminal import Button, buttons, render_message, row_options
from timbot.i18n import _

if TYPE_CHECKING:
    from timbot.answer import Reply
    from timbot.emulator import Emulator
    from timbot.tim.client import TimClient

__all__ = [
    "DEMO_BASE_URL",
    "demo_client",
    "find_button",
    "is_key",
    "options_line",
    "print_message",
    "reply_line",
    "split_command",
]

#: Where the demo client "sends" its requests: the in-process emulator answers, nothing leaves the process.
DEMO_BASE_URL = "https://emulator.timbot.invalid"


def demo_client(*, seed: int = 0) -> tuple[TimClient, Emulator]:
    """A ``TimClient`` wired to a fresh in-process emulator (generated data, no credentials, no network).

    Args:
        seed: the emulator's data seed.
    """
    from timbot.emulator import DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID, Emulator
    from timbot.tim.client import TimClient

    emulator = Emulator(seed=seed)
    client = TimClient(
        sdkappid=DEMO_SDKAPPID,
        secret_key=DEMO_KEY,
        admin=DEMO_ADMIN,
        base_url=DEMO_BASE_URL,
        transport=emulator.transport(),
    )
    return client, emulator


def split_command(line: str) -> tuple[str, str]:
    """Split what a user typed into ``(command, text)`` as Slack sends them (text escaped for mrkdwn).

    ``/im-groups Public`` and ``im-groups Public`` both give ``("/im-groups", "Public")``; Slack escapes
    ``&``, ``<`` and ``>`` in a command's text, so the same is done here.

    Args:
        line: the command line, e.g. ``/im-group @TGS#1ABC``.
    """
    command, _, text = line.strip().partition(" ")
    if not command.startswith("/"):
        command = "/" + command
    text = text.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return command.lower(), text


async def reply_line(client: TimClient, line: str, *, out_dir: Path | None = None,
                     progress: TextIO | None = None) -> Reply:
    """Answer one typed command line as Slack would, errors in words (``timbot.answer.reply_command``);
    with ``--csv``, the whole result is written to a CSV file in ``out_dir`` instead.

    Args:
        client: the Tencent client (configured app or demo emulator).
        line: the command line, e.g. ``/im-groups Public --limit 5``.
        out_dir: where an export's file goes (the current directory when omitted).
        progress: where an export's progress bar is drawn (standard error when omitted).
    """
    from timbot.answer import export_query, reply_command
    from timbot.console.export import export_locally

    command, text = split_command(line)
    query = export_query(command, text)
    if query is not None:
        return await export_locally(client, query, out_dir=out_dir or Path.cwd(),
                                    stream=progress or sys.stderr)
    return await reply_command(client, command, text)


#: A console key: ``n``, ``p``, ``e`` (Export CSV), a row's number (``3``) or one of its options (``3.2``).
_KEY = re.compile(r"[npe]|[0-9]{1,4}(?:\.[0-9]{1,2})?")


def is_key(word: str) -> bool:
    """Whether ``word`` is a console key (``n``, ``p``, ``3``, ``3.2``) rather than a command."""
    return _KEY.fullmatch(word) is not None


def find_button(message: Mapping[str, Any], key: str) -> Button | list[Button] | None:
    """What ``key`` presses on ``message``: one button, a row's options to choose from, or nothing.

    ``n`` is Next and ``p`` Previous; ``3`` is row 3's only option, or the list of its options when it has
    several (``3.1``, ``3.2``... press one of them); ``3.1`` on a row with a single option presses it too.

    Args:
        message: the message dict.
        key: the console key.
    """
    every = buttons(message)
    exact = next((button for button in every if button.key == key), None)
    if exact is not None:
        return exact
    number, dot, option = key.partition(".")
    if not number.isdigit():
        return None
    options = row_options(message, int(number))
    if not dot:
        return options or None
    if option == "1" and len(options) == 1 and options[0].key == number:
        return options[0]
    return None


def options_line(number: str, options: list[Button]) -> str:
    """The options of row ``number`` as the console lists them (``row 3: [3.1] Details   [3.2] ...``)."""
    keyed = "   ".join(f"[{b.key}] {b.label}" for b in options)
    return _("row {row}: {options}  (type {key} for {label})").format(
        row=number, options=keyed, key=options[0].key, label=options[0].label)


def _width(stream: TextIO) -> int:
    isatty = getattr(stream, "isatty", None)
    return shutil.get_terminal_size((80, 24)).columns if isatty and isatty() else 80


def print_message(message: Mapping[str, Any], *, stream: TextIO | None = None) -> None:
    """Print a message dict rendered for the terminal (styled only when ``stream`` is a colour terminal).

    Args:
        message: ``Message.to_dict()``.
        stream: where to print; standard output when omitted.
    """
    out = stream or sys.stdout
    print(render_message(message, style=Style(color=use_color(out)), width=_width(out)), file=out)
