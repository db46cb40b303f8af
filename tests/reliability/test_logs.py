"""What an operator's log shows, from the real process (``uvicorn timbot.asgi:app``): timestamps,
``TIMBOT_LOG_LEVEL``, ``TIMBOT_LOG_FORMAT=json`` with the audit's fields, a click's audit saying what was
shown, and no stray Bolt warning at start-up."""

from __future__ import annotations

import json
import re
import time
import uuid

import httpx

from tests.e2e.conftest import backends, buttons
from tests.reliability.conftest import AppProcess
from tests.slack.fakes import FakeSlack, click_body, command_body, signed_headers
from timbot.emulator import Emulator


def _command(app: AppProcess, slack: FakeSlack, slack_url: str, command: str, text: str) -> dict[str, object]:
    key = uuid.uuid4().hex
    body = command_body(command, text, response_url=f"{slack_url}/hooks/{key}")
    answer = httpx.post(f"{app.url}/slack/events", content=body, headers=signed_headers(body))
    assert answer.status_code == 200
    return slack.wait_posts(key, 1, 10)[0]


def _click(app: AppProcess, slack: FakeSlack, slack_url: str, value: str) -> None:
    key = uuid.uuid4().hex
    body = click_body("timbot_next", value, response_url=f"{slack_url}/hooks/{key}")
    answer = httpx.post(f"{app.url}/slack/events", content=body, headers=signed_headers(body))
    assert answer.status_code == 200
    slack.wait_posts(key, 1, 10)


def _wait_for(app: AppProcess, needle: str) -> str:
    deadline = time.monotonic() + 15  # the audit line is written after the answer is posted
    while needle not in app.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    return app.log()


def test_text_logs_have_timestamps_debug_shows_tencent_calls_and_a_click_says_what_it_showed() -> None:
    with backends(Emulator(seed=0)) as (tencent_url, slack, slack_url):
        app = AppProcess(tencent_url=tencent_url, slack_url=slack_url,
                         env={"TIMBOT_LOG_LEVEL": "debug"}).start()
        try:
            page_1 = _command(app, slack, slack_url, "/im-groups", "Public --limit 6")
            _click(app, slack, slack_url, buttons(page_1)["timbot_next"])
            log = _wait_for(app, "button timbot_next")
        finally:
            app.stop()
    audit = [line for line in log.splitlines() if "timbot.audit" in line]
    assert len(audit) == 2, log
    stamp = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO timbot\.audit: "
    assert all(re.match(stamp, line) for line in audit), audit
    # the command's line follows its post, so under load the click's line may come first
    assert any("what=button timbot_next '/im-groups Public --limit 6 page 2'" in line for line in audit)
    assert re.search(r"DEBUG timbot\.tim\.client: tim \S*get_appid_group_list code=0 ", log), log
    assert "will be unused" not in log  # Bolt's warning about the token and the client


def test_json_logs_are_one_object_a_line_with_the_audit_fields() -> None:
    with backends(Emulator(seed=0)) as (tencent_url, slack, slack_url):
        app = AppProcess(tencent_url=tencent_url, slack_url=slack_url,
                         env={"TIMBOT_LOG_FORMAT": "json"}).start()
        try:
            _command(app, slack, slack_url, "/im-group", "@TGS#nope")
            log = _wait_for(app, '"logger": "timbot.audit"')
        finally:
            app.stop()
    records = [json.loads(line) for line in log.splitlines() if line.strip()]  # every line is JSON
    (audit,) = [r for r in records if r["logger"] == "timbot.audit"]
    assert audit["kind"] == "command" and audit["outcome"] == "tim:10010" and audit["user"] == "U0ALICE"
    assert audit["what"] == "/im-group '@TGS#nope'" and audit["delivered"] == "yes"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", audit["time"]) and audit["level"] == "INFO"
    assert any(r["logger"].startswith("uvicorn") for r in records)  # uvicorn's own lines too
    assert not any(r["level"] == "DEBUG" for r in records)  # INFO by default
