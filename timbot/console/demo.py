"""``timbot demo``: an interactive console on the built-in emulator, running the same pipeline as Slack."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from timbot.console.mrkdwn import Style, use_color
from timbot.console.session import demo_client, find_button, is_key, options_line, print_message, reply_line
from timbot.i18n import N_, _, number

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from timbot.answer import Reply
    from timbot.emulator import Emulator
    from timbot.tim.client import TimClient

__all__ = [
    "LEAVE_HINT", "PROMPT", "DemoConsole", "banner", "demo_main", "help_text", "run_demo", "terminal_lines",
]

PROMPT = "timbot> "
_NEXT = {"n", "next"}
_PREV = {"p", "prev", "previous", "back"}
_QUIT = {"q", "quit", "exit", "bye"}
_HELP = {"help", "?", "h", "/help"}


def banner(emulator: Emulator, *, style: Style) -> str:
    """The welcome text: what this is, and commands that show something interesting in the demo data.

    Args:
        emulator: the emulator the console talks to (its ``data.showcase`` names the examples).
        style: terminal styles.
    """
    show = emulator.data.showcase
    examples = [
        ("/im-groups Public --limit 10", _("the app's Public groups, 10 per page (n / p turn pages)")),
        (f"/im-group {show.big_group_id}",
         _("a big group: its card, then {count} members").format(count=number(show.big_group_members))),
        (f"/im-room {show.live_room_id}",
         _("a live room with {count} viewers online").format(count=number(show.live_room_online))),
        (f"/im-group {show.hostile_group_id}", _("a group named <!channel>, shown safely (it pings nobody)")),
        (f"/im-joined {show.user} --huge",
         _("the groups user {user} has joined, live rooms included").format(user=show.user)),
        (f"/im-friends {show.user}",
         _("{user}'s {count} friend lists").format(user=show.user, count=show.user_friend_lists)),
    ]
    column = max(len(command) for command, _what in examples) + 2
    lines = [
        style.bold("timbot demo")
        + _(": the real command pipeline against the built-in Tencent Chat emulator."),
        style.dim(_("All data here is generated demo data: no credentials, no network, nothing leaves this "
                    "process.")),
        "",
        _("Type a command as you would in Slack. Some to try:"),
        *(f"  {command.ljust(column)}{style.dim(what)}" for command, what in examples),
        "",
        _("n / p press Next / Previous, a row's number follows it (3, or 3.2 for its second option),"),
        _("help lists the commands, quit (or Ctrl-D) leaves."),
    ]
    return "\n".join(lines)


def help_text(*, style: Style) -> str:
    """The console's help: every command's usage, then the console's own keys.

    Args:
        style: terminal styles.
    """
    from timbot.commands.registry import SPECS

    parts = [style.bold(_("Commands")) + _(" (as in Slack; add help to any of them for its usage):")]
    parts.extend("  " + _(spec.usage).replace("\n", "\n  ") for spec in SPECS)
    parts.append("")
    keys = _(": n (next) = Next page, p (prev) = Previous page, help, quit, Ctrl-D.")
    parts.append(style.bold(_("Keys")) + keys)
    rows = _(": 3 = follow row 3 (its only option, or the list of its options); 3.2 = row 3's second option.")
    parts.append(style.bold(_("Rows")) + rows)
    export = _(": e = Export CSV (the whole result to a CSV file in the current directory), or add --csv.")
    parts.append(style.bold(_("Export")) + export)
    return "\n".join(parts)


class DemoConsole:
    """Reads lines, answers commands and button presses, prints what Slack would show.

    Args:
        client: the Tencent client (wired to the emulator).
        out: where answers go.
    """

    def __init__(self, *, client: TimClient, out: TextIO) -> None:
        self.client = client
        self.out = out
        self.style = Style(color=use_color(out))
        self.message: dict[str, Any] | None = None

    def _say(self, text: str) -> None:
        print(text, file=self.out)

    async def handle(self, line: str) -> bool:
        """Act on one input line; return ``False`` when the user leaves.

        Args:
            line: what the user typed.
        """
        word = line.strip()
        lowered = word.lower()
        if not word:
            return True
        if lowered in _QUIT:
            return False
        if lowered in _HELP:
            self._say(help_text(style=self.style))
        elif lowered in _NEXT or lowered in _PREV or is_key(lowered):
            await self._press("n" if lowered in _NEXT else "p" if lowered in _PREV else lowered)
        elif word.startswith("/") or lowered.startswith("im-"):
            await self._show(await reply_line(self.client, word, progress=self.out))
        else:
            self._say(_("unknown input {input}: type a command such as /im-groups, or help").format(
                input=repr(word[:40])))
        return True

    async def _press(self, key: str) -> None:
        from timbot.answer import reply_click, reply_follow
        from timbot.commands.spec import EXPORT, FOLLOW
        from timbot.console.export import export_button

        button = find_button(self.message, key) if self.message is not None else None
        if button is None:
            if self.message is None:
                self._say(_("run a command first"))
            elif key == "n":
                self._say(_("no Next button on this answer"))
            elif key == "p":
                self._say(_("no Previous button on this answer"))
            else:
                self._say(_("no row or button [{key}] on this answer").format(key=key))
            return
        if isinstance(button, list):  # a row with several options: say them, the user picks one
            self._say(options_line(key, button))
            return
        if button.action_id == EXPORT:  # Export CSV: the whole result to a file in the current directory
            exported = await export_button(self.client, button.value, out_dir=Path.cwd(), stream=self.out)
            await self._show(exported)
            return
        if button.action_id == FOLLOW:  # a row's follow button: the command it names, as if typed
            await self._show(await reply_follow(self.client, button.value))
            return
        await self._show(await reply_click(self.client, button.value))

    async def _show(self, answered: Reply) -> None:
        shown = answered.message.to_dict()
        if answered.page:  # an error leaves the page the user was reading (and its buttons) in place
            self.message = shown
        print_message(shown, stream=self.out)


async def _piped_lines(stdin: TextIO, out: TextIO) -> AsyncIterator[str]:
    """Lines from a non-terminal stdin (a pipe or a file), echoed after the prompt (a readable transcript)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    transport: asyncio.BaseTransport | None = None
    buffered: list[str] | None = None
    try:
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    except (ValueError, OSError):  # a regular file cannot be watched by the event loop: it is read at once
        buffered = stdin.read().splitlines()
    try:
        while True:
            if buffered is None:
                raw = await reader.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
            elif buffered:
                line = buffered.pop(0)
            else:
                return
            print(PROMPT + line, file=out)
            yield line
    finally:
        if transport is not None:
            transport.close()


#: What Ctrl-C on an empty line says (a second one in a row leaves).
LEAVE_HINT = N_("(to leave, type quit or press Ctrl-D; Ctrl-C again leaves too)")


async def terminal_lines(
    *, out: TextIO, input: Input | None = None, output: Output | None = None
) -> AsyncIterator[str]:
    """Lines typed at a terminal, with history, line editing and completion of the commands (prompt_toolkit).

    Ctrl-C on a line being typed clears it; on an empty line it says how to leave, and a second Ctrl-C in a
    row leaves.

    Args:
        out: where the hint is printed.
        input: prompt_toolkit's input (a pipe in tests); the terminal when None.
        output: prompt_toolkit's output; the terminal when None.
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    from timbot.commands.registry import COMMANDS

    keys = KeyBindings()

    @keys.add("c-c")
    def _interrupt(event: KeyPressEvent) -> None:
        if event.app.current_buffer.text:
            event.app.current_buffer.reset()
        else:
            event.app.exit(exception=KeyboardInterrupt())

    words = [*COMMANDS, *(name.lstrip("/") for name in COMMANDS), "help", "next", "prev", "quit"]
    session: PromptSession[str] = PromptSession(
        history=InMemoryHistory(), completer=WordCompleter(words, sentence=True), key_bindings=keys,
        input=input, output=output,
    )
    interrupted = False
    while True:
        try:
            line = await session.prompt_async(PROMPT)
        except KeyboardInterrupt:
            if interrupted:
                return
            interrupted = True
            print(_(LEAVE_HINT), file=out)
            continue
        except EOFError:
            return
        interrupted = False
        yield line


async def demo_main(*, stdin: TextIO, out: TextIO, seed: int = 0) -> int:
    """Run the console until quit or end of input.

    Args:
        stdin: where lines come from (a terminal gets prompt_toolkit; anything else is read line by line).
        out: where answers go.
        seed: the emulator's data seed.
    """
    client, emulator = demo_client(seed=seed)
    console = DemoConsole(client=client, out=out)
    print(banner(emulator, style=console.style) + "\n", file=out)
    interactive = stdin.isatty() and out.isatty()
    lines = terminal_lines(out=out) if interactive else _piped_lines(stdin, out)
    async with client:
        async for line in lines:
            if not await console.handle(line):
                break
    return 0


def run_demo(*, seed: int = 0) -> int:
    """``timbot demo``: the console on standard input and output; returns the exit status.

    Args:
        seed: the emulator's data seed.
    """
    return asyncio.run(demo_main(stdin=sys.stdin, out=sys.stdout, seed=seed))
