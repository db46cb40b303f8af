"""timbot cannot be turned against the workspace: forged requests, guests, strangers, allow-lists, hostile
Tencent data, secrets in what Tencent sends back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import leaks
from tests.e2e.conftest import Stack
from tests.reliability.conftest import running_stack, text_of
from tests.render.checker import RAW_MARKUP
from tests.slack.fakes import OTHER_TEAM, SIGNING_SECRET, click_body, command_body, signed_headers
from timbot.emulator import DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.tim import usersig

GROUP = "club:chess-677"
#: Bidirectional controls (embeddings, overrides, isolates): they reorder the text after them on screen.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


# -- forged requests --------------------------------------------------------------------------------------

def _forgeries() -> list[tuple[str, Any]]:
    now = int(time.time())
    return [
        ("missing", lambda body: {"content-type": "application/x-www-form-urlencoded"}),
        ("wrong-secret", lambda body: signed_headers(body, secret="not-the-signing-secret")),
        ("stale", lambda body: signed_headers(body, timestamp=now - 310)),
        ("future", lambda body: signed_headers(body, timestamp=now + 310)),
        ("swapped-body", lambda body: signed_headers(body.replace("C0GENERAL", "C0ELSEWHERE"))),
        ("bad-timestamp", lambda body: {**signed_headers(body), "x-slack-request-timestamp": "soon"}),
        ("empty-signature", lambda body: {**signed_headers(body), "x-slack-signature": ""}),
    ]


@pytest.mark.parametrize("kind", ["command", "click"])
@pytest.mark.parametrize("forgery", [f[0] for f in _forgeries()])
def test_forged_requests_refused(clean: Stack, forgery: str, kind: str) -> None:
    headers_for = dict(_forgeries())[forgery]
    url = f"{clean.slack_url}/hooks/forged{uuid.uuid4().hex}"
    body = command_body("/im-group", GROUP, response_url=url) if kind == "command" else click_body(
        "timbot_next", "x", response_url=url)
    before, calls = len(clean.emulator.calls), len(clean.slack.calls)
    answer = clean.http.post(f"{clean.app_url}/slack/events", content=body, headers=headers_for(body))
    assert answer.status_code == 401
    time.sleep(0.1)
    assert len(clean.emulator.calls) == before and len(clean.slack.calls) == calls  # not even users.info
    assert not any(key.startswith("forged") for key, _ in clean.slack.posts)


# -- who may ask --------------------------------------------------------------------------------------------

def _click(rig: Stack, key: str, **fields: Any) -> None:
    body = click_body("timbot_next", "x", response_url=f"{rig.slack_url}/hooks/{key}", **fields)
    answer = rig.http.post(f"{rig.app_url}/slack/events", content=body, headers=signed_headers(body))
    assert answer.status_code == 200


def _refused(rig: Stack, key: str, words: str, before: int) -> None:
    (message,) = rig.slack.wait_posts(key, 1)
    assert words in message["text"], message["text"]
    assert message["response_type"] == "ephemeral" and message["replace_original"] is False
    time.sleep(0.05)
    assert len(rig.emulator.calls) == before, "a Tencent call for a refused request"


@pytest.mark.parametrize("flag", ["is_restricted", "is_ultra_restricted"])
@pytest.mark.parametrize("kind", ["command", "click"])
def test_guests_refused(clean: Stack, flag: str, kind: str) -> None:
    user = f"U0G{flag[3:8].upper()}{kind[:2].upper()}"
    clean.slack.users[user] = {"id": user, "team_id": "T0HOME", flag: True}
    before, key = len(clean.emulator.calls), uuid.uuid4().hex
    if kind == "command":
        assert clean.command("/im-group", GROUP, key=key, user=user).status == 200
    else:
        _click(clean, key, user=user)
    _refused(clean, key, "guest accounts cannot use timbot", before)


@pytest.mark.parametrize("kind", ["command", "click"])
def test_other_teams_refused(clean: Stack, kind: str) -> None:
    before, key = len(clean.emulator.calls), uuid.uuid4().hex
    if kind == "command":
        sent = clean.command("/im-group", GROUP, key=key, user="U0STRANGE", team=OTHER_TEAM)
        assert sent.status == 200
    else:
        _click(clean, key, user="U0STRANGE", user_team=OTHER_TEAM)
    _refused(clean, key, "other teams", before)


@pytest.fixture(scope="module")
def gated() -> Iterator[Stack]:
    with running_stack(Emulator(seed=0, enforce_rate_limits=False), timbot_allowed_users="U0ALICE,U0BOB",
                       timbot_allowed_channels="C0OPS") as rig:
        yield rig


@pytest.mark.parametrize(
    ("user", "channel", "refusal"),
    [
        ("U0MALLORY", "C0OPS", "list of allowed users"),
        ("U0ALICE", "C0GENERAL", "does not answer in this channel"),
        ("U0BOB", "C0OPS", None),
    ],
)
@pytest.mark.parametrize("kind", ["command", "click"])
def test_allow_lists(gated: Stack, user: str, channel: str, refusal: str | None, kind: str) -> None:
    before, key = len(gated.emulator.calls), uuid.uuid4().hex
    if kind == "command":
        assert gated.command("/im-group", GROUP, key=key, user=user, channel=channel).status == 200
    else:
        _click(gated, key, user=user, channel=channel)
    if refusal is not None:
        _refused(gated, key, refusal, before)
    else:
        (message,) = gated.slack.wait_posts(key, 1)
        expected = GROUP if kind == "command" else "expired"  # allowed through to the pipeline
        assert expected in text_of(message), message["text"]


# -- hostile Tencent data -----------------------------------------------------------------------------------

HOSTILE_ID = "<!channel>&<@U1>"


def _hostile_emulator() -> Emulator:
    emulator = Emulator(seed=0, enforce_rate_limits=False)
    data = emulator.data
    showcase = data.showcase
    big = data.by_id[showcase.hostile_group_id]
    big.name = "<!channel> " + "<@U0ADMIN> &amp; " * 700  # over 10 kB
    big.introduction = "<https://evil.example|https://slack.com> <!subteam^S0ADMINS> <!everyone>"
    big.notification = "zero\u200bwidth \u202eevil RTL\u202c <#C0GENERAL> \u2066isolate\u2069 &lt;"
    renamed = data.by_id.pop(GROUP)
    renamed.group_id = HOSTILE_ID
    renamed.name = "\u202e" + "x" * 10_000
    data.by_id[HOSTILE_ID] = renamed
    return emulator


@pytest.fixture(scope="module")
def hostile() -> Iterator[Stack]:
    with running_stack(_hostile_emulator()) as rig:
        yield rig


def _harmless(message: dict[str, Any]) -> None:
    """No ping, mention, link or bidi control from someone else's text; within Block Kit's limits."""
    texts: list[tuple[str, str]] = [("mrkdwn", message["text"])]  # the fallback is read as mrkdwn

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                texts.append((node["type"], node["text"]))
                limit = 150 if node["type"] == "plain_text" else 3000
                assert len(node["text"]) <= limit
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    assert len(message["blocks"]) <= 50 and len(message["text"]) <= 4000
    for kind, text in texts:  # plain_text is never parsed for mentions or links; mrkdwn is
        assert kind == "plain_text" or RAW_MARKUP.search(text) is None, text[:300]
        assert BIDI.search(text) is None, repr(text[:300])


def _hostile_queries(emulator: Emulator) -> list[tuple[str, str]]:
    data, showcase = emulator.data, emulator.data.showcase
    hostile = data.by_id[showcase.hostile_group_id]
    owner = data.users[data.member_indices(hostile)[0]]
    ids = " ".join(showcase.hostile_group_ids[:8])
    return [
        ("/im-group", showcase.hostile_group_id),
        ("/im-group", f"{ids} {HOSTILE_ID.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}"),
        ("/im-groups", f"{renamed_type(emulator)} --limit 100"),
        ("/im-joined", f"{owner} --limit 100 --huge --inactive"),
        ("/im-room", showcase.live_room_id),
        ("/im-friends", showcase.user),
        ("/im-friends", f"{owner} " + " ".join(f.name for f in data.friend_lists(owner)[0][:3])),
    ]


def renamed_type(emulator: Emulator) -> str:
    return emulator.data.by_id[HOSTILE_ID].type


def test_hostile_corpus_renders_harmlessly(hostile: Stack) -> None:
    queries = _hostile_queries(hostile.emulator)
    seen_hostile_id = False
    for command, text in queries:
        message = hostile.answer(hostile.command(command, text), timeout=15)
        assert ":boom:" not in message["text"] and ":x:" not in message["text"], (command, message["text"])
        _harmless(message)
        seen_hostile_id |= "&lt;!channel&gt;&amp;&lt;@U1&gt;" in text_of(message)
    assert seen_hostile_id  # the hostile ID was shown, escaped, not dropped


# -- secrets ------------------------------------------------------------------------------------------------

def test_secrets_in_tencent_error_texts_never_reach_slack(clean: Stack) -> None:
    sig = usersig.sign(sdkappid=DEMO_SDKAPPID, key=DEMO_KEY, identifier=DEMO_ADMIN, expire=3600)
    clean.emulator.faults.error(70003, times=None, info=f"bad sig {sig} for key {DEMO_KEY}")
    message = clean.answer(clean.command("/im-group", GROUP))
    assert "70003" in message["text"]
    assert leaks(json.dumps(message)) == []


def test_the_session_scan_recognises_secrets() -> None:
    sig = usersig.sign(sdkappid=DEMO_SDKAPPID, key=DEMO_KEY, identifier=DEMO_ADMIN, expire=3600)
    assert leaks(f"usersig={sig}") and leaks(f"key {DEMO_KEY}") and leaks(SIGNING_SECRET)
    assert leaks("nothing secret here: @TGS#3GSW2YAIR " + "A" * 300) == []


def test_the_session_scan_fails_a_session_that_leaks(tmp_path: Path) -> None:
    """A session whose log carries the key or a UserSig ends red, naming neither."""
    sig = usersig.sign(sdkappid=DEMO_SDKAPPID, key=DEMO_KEY, identifier=DEMO_ADMIN, expire=60)
    (tmp_path / "test_leaky.py").write_text(
        "import logging\n"
        "from timbot.emulator import DEMO_KEY\n"
        "def test_leaks_the_key():\n"
        "    logging.getLogger('timbot.leaky').warning('key is %s', DEMO_KEY)\n"
        "def test_leaks_a_usersig():\n"
        f"    logging.getLogger('timbot.leaky').debug('usersig=%s', {sig!r})\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-q",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 passed" in run.stdout and "SECRET LEAK" in run.stdout
    assert "timbot.leaky:WARNING: secret ending" in run.stdout and "a UserSig" in run.stdout
    assert DEMO_KEY not in run.stdout and sig not in run.stdout
