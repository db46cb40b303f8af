"""`timbot demo` driven through a pipe, as a user types: commands, n / p, help, errors, quit."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from timbot.commands.parse import USAGE
from timbot.emulator import Emulator

PROMPT = "timbot> "


def demo(*lines: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TIM_", "SLACK_", "TIMBOT_", "LC_"))}
    env["LANG"] = "C.UTF-8"  # the console speaks the terminal's language: these tests read English
    return subprocess.run(
        [sys.executable, "-m", "timbot", "demo"], input="".join(line + "\n" for line in lines),
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )


def answers(stdout: str) -> dict[str, str]:
    """What the console printed after each echoed input line, keyed by ``"<n>:<input>"``."""
    parts = re.split(rf"^{re.escape(PROMPT)}(.*)$", stdout, flags=re.MULTILINE)
    return {f"{i}:{parts[i]}": parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_pages_forward_and_back_then_help_and_quit() -> None:
    result = demo("/im-groups", "n", "p", "help", "quit", "/im-friends leckie")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    banner, _, _ = result.stdout.partition(PROMPT)
    assert "generated demo data" in banner
    show = Emulator(seed=0).data.showcase
    for example in (show.big_group_id, show.live_room_id, show.hostile_group_id):
        assert example in banner  # suggested commands name well-known demo ids
    said = answers(result.stdout)
    assert list(said) == ["1:/im-groups", "3:n", "5:p", "7:help", "9:quit"]  # nothing runs after quit
    page1, page2, back = said["1:/im-groups"], said["3:n"], said["5:p"]
    assert "page 1" in page1 and "[n] Next" in page1 and "[p]" not in page1
    assert "page 2" in page2 and re.search(r"\[p\][^\n]*Previous +\[n\][^\n]*Next", page2)
    ids = set(re.findall(r"`([^`\n]+)`", page1))
    assert len(ids) == 20 and ids.isdisjoint(re.findall(r"`([^`\n]+)`", page2))
    assert back == page1  # Previous through the same button value gives page 1 again
    for usage in USAGE.values():
        assert usage.splitlines()[0] in said["7:help"]


def test_errors_are_shown_and_the_console_goes_on_until_the_input_ends() -> None:
    show = Emulator(seed=0).data.showcase
    result = demo("p", "/im-groups --limit 500", "/im-room @TGS#doesnotexist", "hello",
                  f"/im-group {show.hostile_group_id}", "n")
    assert result.returncode == 0, result.stderr
    said = answers(result.stdout)
    assert "run a command first" in said["1:p"]
    assert "/im-groups [TYPE] [--limit N]" in said["3:/im-groups --limit 500"]  # the usage, as in Slack
    assert "10010" in said["5:/im-room @TGS#doesnotexist"]
    assert "help" in said["7:hello"]
    card = said[f"9:/im-group {show.hostile_group_id}"]
    assert "<!channel>" in card and "&lt;" not in card
    assert said["11:n"].strip()  # a one-group answer pages its members, or says there is no Next
    assert result.stderr == ""  # errors are answers here, and the end of input (no quit) leaves cleanly



async def _typed(keys: list[str]) -> tuple[list[str], str]:
    """Drive the terminal console's line reader with ``keys`` (sent one after another); return the lines it
    gave and what it printed."""
    import io

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from timbot.console.demo import terminal_lines

    out = io.StringIO()
    lines: list[str] = []
    with create_pipe_input() as pipe:
        reader = terminal_lines(out=out, input=pipe, output=DummyOutput())
        for key in keys:
            pipe.send_text(key)
        pipe.send_text("\x04")  # Ctrl-D, in case the reader is still reading
        async for line in reader:
            lines.append(line)
    return lines, out.getvalue()


async def test_ctrl_c_on_an_empty_line_says_how_to_leave_and_twice_leaves() -> None:
    from timbot.console.demo import LEAVE_HINT

    lines, said = await _typed(["\x03", "\x03", "/im-groups\r"])
    assert lines == [] and said.count(LEAVE_HINT) == 1  # the second Ctrl-C left: the command was not read
    lines, said = await _typed(["/im-gr\x03", "/im-room x\r", "\x03", "help\r"])
    assert lines == ["/im-room x", "help"]  # Ctrl-C on a typed line cleared it; on an empty one it hints
    assert said.count(LEAVE_HINT) == 1


def test_a_rows_number_key_follows_it_as_if_typed() -> None:
    result = demo("/im-groups Public --limit 6", "4", "quit")
    assert result.returncode == 0, result.stderr
    said = answers(result.stdout)
    assert "[4] Details" in said["1:/im-groups Public --limit 6"]
    followed = said["3:4"]
    assert followed.lstrip().startswith("/im-group @TGS#1HEXFL0E2")
    assert "[1.1] Groups joined   [1.2] Friend lists" in followed  # the owner's menu, numbered


def test_a_row_with_several_options_lists_them_and_its_dotted_key_runs_one() -> None:
    result = demo("/im-group @TGS#1HEXFL0E2", "1", "1.2", "2.1", "9", "quit")
    assert result.returncode == 0, result.stderr
    said = answers(result.stdout)
    owner = re.search(r"Owner `([^`]+)`", said["1:/im-group @TGS#1HEXFL0E2"])
    assert owner is not None
    listed = "row 1: [1.1] Groups joined   [1.2] Friend lists  (type 1.1 for Groups joined)"
    assert said["3:1"].strip() == listed
    assert said["5:1.2"].lstrip().startswith(f"/im-friends {owner.group(1)}\n")
    # the friend lists answer has no rows; the page the user reads is that one now
    assert "no row or button [2.1] on this answer" in said["7:2.1"]
    assert "no row or button [9] on this answer" in said["9:9"]


def test_the_help_and_the_banner_say_how_to_follow_a_row() -> None:
    result = demo("help", "quit")
    banner, _, _ = result.stdout.partition(PROMPT)
    assert "a row's number follows it (3, or 3.2 for its second option)" in banner
    assert "3.2 = row 3's second option" in answers(result.stdout)["1:help"]
