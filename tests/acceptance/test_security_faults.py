"""Forged and stale requests, guests, strangers, tampered buttons, slow/failing Tencent, secrets in logs."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.acceptance.blockkit import check_message
from tests.acceptance.conftest import App, find_button, sign
from tests.acceptance.standins import BOT_TOKEN, KEY, SIGNING_SECRET
from tests.acceptance.test_paging import body_text


def _only_text(msg: dict[str, Any]) -> str:
    check_message(msg)
    return body_text(msg)


def test_forged_and_stale_requests_refused(app: App) -> None:
    import urllib.parse

    body = urllib.parse.urlencode(
        {
            "command": "/im-groups",
            "text": "",
            "team_id": "T0OUTSIDE",
            "user_id": "U1",
            "channel_id": "C1",
            "response_url": f"{app.stand.url}/hooks/x",
        }
    )
    cases = [
        {"Content-Type": "application/x-www-form-urlencoded"},
        sign(body, secret="wrong-secret"),
        sign(body, ts=int(time.time()) - 400),
        {**sign(body), "X-Slack-Request-Timestamp": "soon"},
    ]
    for headers in cases:
        r = app.http.post(f"{app.url}/slack/events", content=body, headers=headers)
        assert r.status_code == 401, (headers, r.status_code)
    for swapped in (body + "&text=x", body.replace("im-groups", "im-room")):  # body changed after signing
        r = app.http.post(f"{app.url}/slack/events", content=swapped, headers=sign(body))
        assert r.status_code == 401, (headers, r.status_code)
    assert app.stand.tim.calls == []


def test_guest_and_stranger_refused_for_command_and_click(app: App) -> None:
    for user in ("UGUEST1", "USCG1"):
        text = _only_text(app.answer("/im-groups", "", user=user))
        assert "guest" in text.lower()
    first = app.answer("/im-groups", "--limit 5")
    button = find_button(first, "timbot_next")
    assert button
    calls = len(app.stand.tim.calls)
    for kw in ({"user": "UGUEST2"}, {"team": "TOTHER"}):
        r, took, key = app.click(
            {"action_id": "timbot_next", "block_id": "b", "value": button["value"], "text": button["text"]},
            **kw,
        )
        assert r.status_code == 200 and took < 3
        msg = app.wait_posts(key)[0]
        check_message(msg)
        assert "timbot_next" not in json.dumps(msg)
    assert len(app.stand.tim.calls) == calls


def test_tampered_button_value_expired(app: App) -> None:
    for value in ("garbage", "", "x" * 2000, "eNqrVipTsjLUUSpUsqpWylayUkovyi8tKFbSUcpRsjI"):
        r, took, key = app.click(
            {
                "action_id": "timbot_next",
                "block_id": "b",
                "value": value,
                "text": {"type": "plain_text", "text": "Next"},
            }
        )
        assert r.status_code == 200 and took < 3
        msg = app.wait_posts(key)[0]
        assert "this result has expired; run the command again" in _only_text(msg)


def test_bad_input_costs_no_tencent_call(app: App) -> None:
    for cmd, text in [
        ("/im-groups", "--limit 101"),
        ("/im-groups", "--limit abc"),
        ("/im-groups", "Foo"),
        ("/im-joined", "leckie --topics"),
        ("/im-joined", ""),
        ("/im-room", "@TGS#a --mark x"),
        ("/im-groups", "--bogus"),
        ("/im-group", ""),
        ("/im-friends", ""),
    ]:
        text_out = _only_text(app.answer(cmd, text))
        assert cmd in text_out, (cmd, text, text_out)  # usage shown
    for cmd in ("/im-groups", "/im-group", "/im-joined", "/im-room", "/im-friends"):
        for h in ("help", "--help"):
            assert f"{cmd} " in _only_text(app.answer(cmd, h))
    assert app.stand.tim.calls == []


def test_tencent_502_retried_then_answered(app: App) -> None:
    app.stand.tim.faults = [{"status": 502}, {"code": 10002}]
    text = _only_text(app.answer("/im-friends", "leckie"))
    assert "group1" in text


def test_tencent_always_failing_explained(app: App) -> None:
    app.stand.tim.faults = [{"status": 502}] * 6
    text = _only_text(app.answer("/im-friends", "always502"))
    assert "502" in text or "try again" in text.lower()
    app.stand.tim.faults = [{"code": 10004, "info": "bad"}]
    assert "10004" in _only_text(app.answer("/im-friends", "bob"))


def test_slow_tencent_ack_in_time(app: App) -> None:
    app.stand.tim.faults = [{"delay": 4.0}]
    r, took, key = app.command("/im-friends", "slowpoke")
    assert r.status_code == 200 and took < 3.0
    msg = app.wait_posts(key, timeout=25)[0]
    check_message(msg)


def test_no_secret_in_logs(app: App) -> None:
    app.answer("/im-friends", "leckie")
    logs = app.logs()
    sigs = {c.query.get("usersig", "") for c in app.stand.tim.calls}
    for secret in (KEY, BOT_TOKEN, SIGNING_SECRET, *sigs):
        assert secret and secret not in logs
    assert "/hooks/" not in logs  # response_url is a bearer URL
    assert "Traceback" not in logs
