"""`timbot run`: every command on the demo emulator, --json, --page, exit codes, and the configured path."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from tests.render.checker import check
from timbot.cli import main
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator, Showcase
from timbot.render.message import Message


@pytest.fixture(scope="module")
def show() -> Showcase:
    """The well-known ids of the demo data (seed 0, the data `--demo` runs on)."""
    return Emulator(seed=0).data.showcase


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["run", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def commands(show: Showcase) -> list[str]:
    return [
        "/im-groups Public --limit 5",
        f"/im-group {show.big_group_id}",
        f"/im-group {' '.join(show.hostile_group_ids)}",
        f"/im-joined {show.user} --limit 5",
        f"/im-room {show.live_room_id}",
        f"/im-friends {show.user}",
        "/im-groups help",
    ]


def test_every_command_answers_on_the_demo(show: Showcase, capsys: pytest.CaptureFixture[str]) -> None:
    for line in commands(show):
        code, out, err = run(capsys, "--demo", line)
        assert code == 0, (line, err)
        assert err == ""
        assert out.splitlines()[0].strip(), line
        assert "\x1b" not in out  # not a terminal: no colour


def test_answers_show_the_data(show: Showcase, capsys: pytest.CaptureFixture[str]) -> None:
    data = Emulator(seed=0).data
    _, out, _ = run(capsys, "--demo", f"/im-group {show.big_group_id}")
    assert data.by_id[show.big_group_id].name in out
    assert f"{show.big_group_members:,}" in out
    assert "[n] Next" in out and "[p]" not in out
    _, out, _ = run(capsys, "--demo", f"/im-room {show.live_room_id}")
    assert "[n] Next" in out  # 1,200 viewers do not fit one page
    _, out, _ = run(capsys, "--demo", f"/im-group {show.hostile_group_id}")
    assert "<!channel>" in out and "&lt;" not in out  # shown as the name it is, unescaped for reading


def test_json_is_the_block_kit_message(show: Showcase, capsys: pytest.CaptureFixture[str]) -> None:
    for line in commands(show):
        code, out, _ = run(capsys, "--demo", "--json", line)
        assert code == 0
        data = json.loads(out)
        assert set(data) == {"text", "blocks"} and data["blocks"]
        check(Message(text=data["text"], blocks=[Block.parse(block) for block in data["blocks"]]))


def next_value(data: dict[str, Any]) -> str | None:
    for block in data["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == "timbot_next":
                return str(element["value"])
    return None


def has_prev(data: dict[str, Any]) -> bool:
    return any(e.get("action_id") == "timbot_prev" for b in data["blocks"] for e in b.get("elements", []))


def test_page_follows_next(show: Showcase, capsys: pytest.CaptureFixture[str]) -> None:
    for line in ("/im-groups --limit 5", f"/im-joined {show.user} --limit 5"):
        _, first, _ = run(capsys, "--demo", "--json", line)
        _, second, _ = run(capsys, "--demo", "--json", "--page", "2", line)
        one, two = json.loads(first), json.loads(second)
        assert one["text"] != two["text"]
        assert next_value(one) != next_value(two)
        assert not has_prev(one) and has_prev(two)
    code, text, _ = run(capsys, "--demo", "--page", "3", f"/im-joined {show.user} --limit 5")
    assert code == 0
    assert re.search(r"\[p\] [^\n]*Previous +\[n\] [^\n]*Next", text), text


def test_page_past_the_end_is_an_error(show: Showcase, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--demo", "--page", "3", f"/im-friends {show.user}")
    assert code == 2
    assert out == ""
    assert "there is no page 3" in err and "page 1" in err


def test_follow_answers_the_rows_option_as_typing_its_command(
    show: Showcase, capsys: pytest.CaptureFixture[str]
) -> None:
    code, listed, _ = run(capsys, "--demo", "/im-group @TGS#1HEXFL0E2")
    owner = listed.split("Owner `", 1)[1].split("`", 1)[0]
    code, followed, err = run(capsys, "--demo", "--follow", "1.1", "/im-group @TGS#1HEXFL0E2")
    assert (code, err) == (0, "")
    code, typed, _ = run(capsys, "--demo", f"/im-joined {owner}")
    assert followed == typed and followed.startswith(f"/im-joined {owner}\n")
    code, followed, _ = run(capsys, "--demo", "--page", "2", "--follow", "1", "/im-groups Public --limit 6")
    assert code == 0 and followed.startswith("/im-group @TGS#")


def test_follow_of_a_missing_row_or_a_row_with_several_options_is_a_usage_error(
    capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--demo", "--follow", "1", "/im-group @TGS#1HEXFL0E2")
    assert (code, out) == (2, "")
    assert "row 1 has 2 options (1.1 Groups joined, 1.2 Friend lists)" in err
    code, out, err = run(capsys, "--demo", "--follow", "40", "/im-groups Public --limit 6")
    assert (code, out) == (2, "") and "page 1 has no row 40 to follow" in err
    with pytest.raises(SystemExit):
        main(["run", "--demo", "--follow", "x", "/im-groups"])
    assert "not a row's number" in capsys.readouterr().err


def test_usage_error_exits_2_with_the_usage_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--demo", "/im-groups --bogus")
    assert (code, out) == (2, "")
    assert "unknown flag --bogus" in err and "/im-groups [TYPE] [--limit N]" in err
    code, _, err = run(capsys, "--demo", "/im-nothing")
    assert code == 2 and "unknown command" in err


def test_tencent_error_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--demo", "/im-room @TGS#doesnotexist")
    assert (code, out) == (1, "")
    assert "10010" in err


def test_flags_of_the_command_may_follow_unquoted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "--json", "/im-groups", "Public", "--limit", "3")
    assert code == 0
    ids = [line for line in json.loads(out)["text"].splitlines() if line.startswith("`@TGS#")]
    assert 0 < len(ids) <= 3 or "3" in out


def test_without_demo_it_needs_the_tencent_settings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "/im-groups")
    assert (code, out) == (2, "")
    assert err == ("timbot: TIM_SDKAPPID: is required but not set\n"
                   "timbot: TIM_SECRET_KEY: is required but not set\n")


def test_without_demo_it_uses_the_configured_app(monkeypatch: pytest.MonkeyPatch, emulator_url: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TIM_SDKAPPID", str(DEMO_SDKAPPID))
    monkeypatch.setenv("TIM_SECRET_KEY", DEMO_KEY)
    monkeypatch.setenv("TIM_BASE_URL", emulator_url)
    code, out, _ = run(capsys, "/im-groups Public --limit 5")
    assert code == 0 and "900" in out  # the demo data's Public groups, fetched over HTTP
    monkeypatch.setenv("TIM_SECRET_KEY", "wrong-key")
    code, out, err = run(capsys, "/im-groups Public --limit 5")
    assert (code, out) == (1, "")
    assert "70009" in err and "wrong-key" not in err


def test_serve_with_missing_variables_prints_one_line_for_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    required = ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "TIM_SDKAPPID", "TIM_SECRET_KEY")
    assert captured.err.splitlines() == [f"timbot: {name}: is required but not set" for name in required]


def test_socket_with_a_missing_app_token_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["socket"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("timbot: SLACK_APP_TOKEN: ")


def test_malformed_variable_is_named_without_its_value(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PORT", "http-port-9")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("timbot: PORT: ") and "http-port-9" not in err


def test_help_is_light_and_lists_every_subcommand() -> None:
    code = (
        "import sys, timbot.cli as c\n"
        "c.build_parser().format_help()\n"
        "heavy = [m for m in ('httpx', 'slack_sdk', 'slack_bolt', 'uvicorn', 'prompt_toolkit', 'pydantic')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    result = subprocess.run([sys.executable, "-m", "timbot", "--help"], capture_output=True, text=True,
                            check=True)
    for name in ("serve", "socket", "demo", "run", "check", "emulator"):
        assert f"    {name} " in result.stdout


@pytest.mark.parametrize(("line", "code", "where"), [
    ("/im-groups Public --limit 5", 0, "out"),
    ("/im-group @TGS#1HEXFL0E2 @TGS#nope", 0, "out"),  # one card answered: the answer is there
    ("/im-group @TGS#nope", 1, "out"),  # the card is all there is, and it is Tencent's 10010
    ("/im-group @TGS#nope @TGS#nope2", 1, "out"),  # every card an error
    ("/im-joined nosuchuser", 1, "err"),  # Tencent's 10019 for the whole command
    ("/im-room @TGS#1HEXFL0E2", 1, "err"),  # 10007: not a live room
    ("/im-groups --limit 0", 2, "err"),
    ("/im-groups help", 0, "out"),
])
def test_every_outcome_has_the_exit_status_run_help_gives(
    line: str, code: int, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    got, out, err = run(capsys, "--demo", line)
    assert got == code, (out, err)
    assert (out if where == "out" else err).strip() and not (err if where == "out" else out).strip()


def test_an_unexpected_error_exits_1_with_its_ref(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    async def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("timbot.answer.fetch_page", broken)
    code, out, err = run(capsys, "--demo", "/im-groups")
    assert code == 1 and out == ""
    assert re.search(r"something went wrong \(ref [0-9A-F]{6}\)", err), err
