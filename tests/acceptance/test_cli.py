"""`timbot run --demo` (text, --json) for every command; `timbot check` against the outsider stand-ins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.acceptance.blockkit import check_message
from tests.acceptance.conftest import free_port
from tests.acceptance.standins import ADMIN, BOT_TOKEN, KEY, SDKAPPID, SIGNING_SECRET, StandIns

TIMBOT = str(Path(sys.executable).with_name("timbot"))
CLEAN = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), "TZ": "UTC"}

DEMO = [
    "/im-groups",
    "/im-groups public --limit 7",
    "/im-group @TGS#1HEXFL0E2",
    "/im-group @TGS#1HEXFL0E2 @TGS#17WEJ1OFM @TGS#nope",
    "/im-joined leckie --limit 4",
    "/im-room @TGS#a8GR2rdB4 --mark 1000",
    "/im-friends leckie",
    "/im-friends leckie Family Work",
    "/im-groups help",
    "/im-room --help",
]


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TIMBOT, *args], env={**CLEAN, **(env or {})}, capture_output=True, text=True, timeout=timeout
    )


def test_run_demo_json_every_command() -> None:
    for text in DEMO:
        out = run("run", "--demo", "--json", text)
        assert out.returncode == 0, (text, out.stderr)
        msg = json.loads(out.stdout)
        check_message(msg)
        assert "\x1b" not in out.stdout


def test_run_demo_text_and_bad_input() -> None:
    out = run("run", "--demo", "/im-groups")
    assert out.returncode == 0 and "page 1 of" in out.stdout and "\x1b" not in out.stdout
    bad = run("run", "--demo", "/im-groups --limit 101")
    assert bad.returncode != 0 and "--limit" in bad.stderr and bad.stdout == ""
    page2 = run("run", "--demo", "--page", "2", "/im-groups")
    assert page2.returncode == 0 and "page 2 of" in page2.stdout


def _tim_env(stand_url: str, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": f"{stand_url}/api/",
        "TIM_SDKAPPID": str(SDKAPPID),
        "TIM_SECRET_KEY": KEY,
        "TIM_ADMIN": ADMIN,
        "TIM_BASE_URL": stand_url,
        **extra,
    }


@pytest.fixture
def stand_clean(stand: StandIns) -> StandIns:
    stand.tim.reset()
    return stand


def test_check_reachable(stand_clean: StandIns) -> None:
    out = run("check", env=_tim_env(stand_clean.url))
    assert out.returncode == 0, out.stdout + out.stderr
    calls = [c for c in stand_clean.tim.calls if c.endpoint.endswith("get_appid_group_list")]
    assert calls and calls[0].body.get("Limit") == 1
    for secret in (KEY, BOT_TOKEN, SIGNING_SECRET):
        assert secret not in out.stdout + out.stderr


def test_check_unreachable_and_wrong_key(stand_clean: StandIns) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    out = run("check", env=_tim_env(stand_clean.url, TIM_BASE_URL=dead))
    assert out.returncode != 0 and "unreachable" in out.stdout and "TIM_BASE_URL" in out.stdout
    wrong = "0" * 64
    out2 = run("check", env=_tim_env(stand_clean.url, TIM_SECRET_KEY=wrong))
    assert out2.returncode != 0 and "70003" in out2.stdout + out2.stderr
    assert "TIM_SECRET_KEY" in out2.stdout + out2.stderr
    for o in (out, out2):
        assert wrong not in o.stdout + o.stderr and BOT_TOKEN not in o.stdout + o.stderr


def test_check_missing_settings() -> None:
    out = run("check")
    assert out.returncode != 0 and "TIM_SDKAPPID" in out.stdout + out.stderr
