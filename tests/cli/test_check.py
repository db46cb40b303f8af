"""`timbot check` against the emulator on a loopback port and a local fake Slack: marks, hints, exit codes."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import GOOD_TOKEN, NARROW_TOKEN, closed_port
from tests.redisserver import RedisServer
from tests.slack.fakes import ServerThread
from timbot.cli import main
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator

SIGNING_SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, emulator_url: str, slack_api_url: str) -> pytest.MonkeyPatch:
    """A complete, correct configuration pointing at the emulator and the fake Slack."""
    monkeypatch.setenv("TIM_SDKAPPID", str(DEMO_SDKAPPID))
    monkeypatch.setenv("TIM_SECRET_KEY", DEMO_KEY)
    monkeypatch.setenv("TIM_BASE_URL", emulator_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", GOOD_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack_api_url)
    return monkeypatch


def lines_of(out: str) -> dict[str, str]:
    """The checklist's lines by check name (the line starting with a mark, then the name)."""
    found = {}
    for line in out.splitlines():
        mark, _, rest = line.partition(" ")
        if mark in ("✔", "✘", "–"):
            found[rest.partition(":")[0]] = mark + " " + rest
    return found


def assert_no_secret(text: str) -> None:
    assert DEMO_KEY not in text
    assert GOOD_TOKEN not in text
    assert SIGNING_SECRET not in text


def test_everything_passes_against_the_emulator(configured: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    checks = lines_of(out)
    assert set(checks) == {"settings", "UserSig", "Tencent", "Slack", "signing secret"}
    assert all(line.startswith("✔") for line in checks.values()), out
    assert "ms" in checks["Tencent"] and "groups" in checks["Tencent"]
    assert "Acme Ops" in checks["Slack"] and "timbot" in checks["Slack"]
    assert "all 5 checks passed" in out
    assert_no_secret(out)


def test_unreachable_tencent_fails_with_a_network_hint(configured: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    configured.setenv("TIM_BASE_URL", f"http://127.0.0.1:{closed_port()}")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    checks = lines_of(out)
    assert checks["Tencent"].startswith("✘") and "unreachable" in checks["Tencent"]
    assert "check TIM_BASE_URL" in out
    assert checks["Slack"].startswith("✔")  # the other checks still run and pass
    assert_no_secret(out)


def test_wrong_key_fails_with_the_wrong_key_hint(configured: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    configured.setenv("TIM_SECRET_KEY", "not-the-key-" + "x" * 40)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    checks = lines_of(out)
    assert checks["UserSig"].startswith("✔")  # it signs; only Tencent can tell the key is wrong
    assert checks["Tencent"].startswith("✘") and "70009" in checks["Tencent"]
    assert "wrong key" in out and "TIM_SECRET_KEY" in out
    assert "not-the-key-" not in out


def test_unknown_sdkappid_is_the_wrong_region_hint(configured: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    configured.setenv("TIM_SDKAPPID", str(DEMO_SDKAPPID + 1))
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "70020" in lines_of(out)["Tencent"]
    assert "wrong region" in out and "TIM_REGION" in out


def test_admin_that_is_not_an_app_admin(configured: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    configured.setenv("TIM_ADMIN", "somebody")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "60010" in lines_of(out)["Tencent"]
    assert "TIM_ADMIN is not an app admin" in out


def test_bad_slack_token_and_missing_signing_secret(configured: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    configured.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    configured.delenv("SLACK_SIGNING_SECRET")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    checks = lines_of(out)
    assert checks["Tencent"].startswith("✔")
    assert checks["Slack"].startswith("✘") and "invalid_auth" in checks["Slack"]
    assert "Bot User OAuth Token" in out
    assert checks["settings"].startswith("✘") and "SLACK_SIGNING_SECRET: is required but not set" in out
    assert checks["signing secret"].startswith("–") and "SLACK_SIGNING_SECRET is not set" in out
    assert "xoxb-revoked" not in out
    assert "2 passed, 2 failed, 1 skipped (of 5 checks)" in out


def test_unreachable_slack(configured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    configured.setenv("SLACK_API_URL", f"http://127.0.0.1:{closed_port()}/api/")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert lines_of(out)["Slack"].startswith("✘")
    assert "check SLACK_API_URL" in out


def test_nothing_configured_names_every_missing_variable_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    checks = lines_of(out)
    assert checks["settings"].startswith("✘") and "parsed" not in out
    for name in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "TIM_SDKAPPID", "TIM_SECRET_KEY"):
        assert f"    {name}: is required but not set" in out  # one line each, all in one run
    assert all(checks[name].startswith("–") for name in ("UserSig", "Tencent", "Slack", "signing secret"))
    assert "0 passed, 1 failed, 4 skipped (of 5 checks)" in out


def test_a_token_without_a_scope_the_manifest_asks_for_fails_with_the_fix(
    configured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configured.setenv("SLACK_BOT_TOKEN", NARROW_TOKEN)
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    slack = lines_of(out)["Slack"]
    assert slack.startswith("✘") and "lacks users:read, chat:write, im:write, files:write" in slack
    assert "add users:read, chat:write, im:write, files:write under OAuth & Permissions" in out
    assert "reinstall the app" in out
    assert NARROW_TOKEN not in out


def test_a_rate_limit_wait_is_not_reported_as_round_trip(
    configured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = Emulator(seed=0, enforce_rate_limits=False)
    emulator.faults.error(60007, times=1)
    server = ServerThread(emulator.asgi, lifespan="off").start()
    try:
        configured.setenv("TIM_BASE_URL", server.url)
        assert main(["check"]) == 0
    finally:
        server.stop()
    tencent = lines_of(capsys.readouterr().out)["Tencent"]
    trip = int(re.search(r"round trip (\d+) ms", tencent).group(1))  # type: ignore[union-attr]
    waited = re.search(r"after ([\d.]+) s waiting out Tencent's rate limit", tencent)
    assert waited is not None, tencent
    assert trip < 500 and float(waited.group(1)) >= 0.5, tencent



def test_malformed_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TIM_SDKAPPID", "not-a-number")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert lines_of(out)["settings"].startswith("✘ settings: TIM_SDKAPPID")
    assert "fix TIM_SDKAPPID" in out
    assert "not-a-number" not in out


def test_redis_is_reported_when_set(configured: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                    redis_server: RedisServer) -> None:
    password_url = redis_server.url.replace("redis://", "redis://:not-a-real-password@")
    configured.setenv("REDIS_URL", redis_server.url)
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    line = lines_of(out)["Redis"]
    assert line.startswith("✔") and "reachable" in line and "round trip" in line, out
    assert re.search(r"Redis \d+\.\d+", line) and f"{DEMO_SDKAPPID}:*" in line
    assert "all 6 checks passed" in out
    configured.setenv("REDIS_URL", password_url.replace(str(redis_server.port), str(closed_port())))
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    line = lines_of(out)["Redis"]
    assert line.startswith("✘") and "unreachable" in line, out
    assert "start Redis or fix REDIS_URL" in out
    assert "not-a-real-password" not in out
