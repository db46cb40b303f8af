"""CSV exports end to end: the real app on loopback, the emulator as Tencent, a fake Slack that plays the DM,
the messages and the upload as Slack does. The file is read back and compared with the emulator's data."""

from __future__ import annotations

import csv
import glob
import io
import os
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Stack, buttons, running_stack, visible_text
from timbot.emulator import Emulator
from timbot.exports import walk

ALICE = "U0ALICE"


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with running_stack(Emulator(seed=0), timbot_cache_ttl=30) as running:
        yield running


@pytest.fixture
def fresh(stack: Stack) -> Stack:
    stack.emulator.faults.clear()
    stack.slack.reset()
    _idle(stack)  # no export of an earlier test still running
    return stack


def _idle(stack: Stack, timeout: float = 30.0) -> None:
    """Wait until no export runs in the app."""
    exports = stack.asgi.exports
    assert exports is not None
    deadline = time.monotonic() + timeout
    while len(exports.tasks) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not len(exports.tasks)


def _leftovers() -> list[str]:
    """Export files left in this process's export directory (the app runs in this process)."""
    return glob.glob(os.path.join(tempfile.gettempdir(), f"timbot-exports-{os.getpid()}", "*"))


def _dm(stack: Stack, user: str = ALICE) -> str:
    stack.slack.wait_for(lambda: user in stack.slack.dms)
    return stack.slack.dms[user]


def _final(stack: Stack, channel: str, before: int = 0, timeout: float = 30.0) -> dict[str, Any]:
    """The last version of the newest progress message once it is no longer queued or running."""
    def ended() -> bool:
        versions = [v for (c, _), v in stack.slack.messages.items() if c == channel][before:]
        return bool(versions) and "export:cancel" not in str(versions[-1][-1]["blocks"])
    stack.slack.wait_for(ended, timeout)
    return stack.slack.versions(channel)[-1][-1]


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_groups_csv_arrives_in_the_dm_and_matches_tencent(fresh: Stack) -> None:
    answer = fresh.answer(fresh.command("/im-groups", "Public --csv"))
    assert answer["response_type"] == "ephemeral"
    assert "Export started (900 rows)" in answer["text"] and "direct message" in answer["text"]
    channel = _dm(fresh)
    assert channel.startswith("D")
    final = _final(fresh, channel)
    assert "Export finished" in final["text"] and "900 rows in" in final["text"]
    (shared,) = fresh.slack.shared_files(channel)
    assert shared["filename"].startswith("timbot-im-groups-") and shared["filename"].endswith(".csv")
    assert "/im-groups Public --csv: 900 rows" in shared["comment"]
    rows = _rows(shared["data"])
    truth = [g for g in fresh.emulator.data.groups if g.type == "Public"]
    assert [r["group_id"] for r in rows] == [g.group_id for g in truth]
    hostile = {r["name"] for r in rows} & {"<!channel>", "=cmd|' /C calc'!A0"}
    assert "<!channel>" in hostile
    first = fresh.slack.versions(channel)[-1]
    assert any("of 900 rows" in v["text"] or "900 rows" in v["text"] for v in first)
    _idle(fresh)
    assert not _leftovers()


@pytest.mark.parametrize(("command", "text", "count"), [
    ("/im-group", "@TGS#17WEJ1OFM --csv", lambda d: len(d.members(d.by_id["@TGS#17WEJ1OFM"]))),
    ("/im-group", "@TGS#17WEJ1OFM @TGS#3GSW2YAIR @TGS#nope --csv", lambda d: 3),
    ("/im-joined", "leckie --csv", None),
    ("/im-room", "@TGS#a8GR2rdB4 --csv", None),
    ("/im-friends", "leckie --csv",
     lambda d: sum(max(1, len(fl.friends)) for fl in d.friend_lists("leckie")[0])),
])
def test_every_list_command_exports(fresh: Stack, command: str, text: str, count: Any) -> None:
    before = 0
    answer = fresh.answer(fresh.command(command, text))
    assert "Export started" in answer["text"]
    channel = _dm(fresh)
    fresh.slack.wait_for(lambda: len(fresh.slack.shared_files(channel)) > before, 30)
    rows = _rows(fresh.slack.shared_files(channel)[-1]["data"])
    assert rows and list(rows[0])[-1] == "error"
    if count is not None:
        assert len(rows) == count(fresh.emulator.data)
    _idle(fresh)


def test_export_button_on_page_one_starts_an_export(fresh: Stack) -> None:
    page = fresh.answer(fresh.command("/im-groups", "BChatRoom --limit 10"))
    assert "timbot_export" in buttons(page)
    single = fresh.answer(fresh.command("/im-friends", "leckie"))
    assert "timbot_export" not in buttons(single)  # one page: nothing to export beyond it
    answer = fresh.answer(fresh.click("timbot_export", buttons(page)["timbot_export"]))
    assert "Export started (60 rows)" in answer["text"] and answer["replace_original"] is False
    channel = _dm(fresh)
    fresh.slack.wait_for(lambda: bool(fresh.slack.shared_files(channel)), 30)
    assert len(_rows(fresh.slack.shared_files(channel)[-1]["data"])) == 60
    expired = fresh.answer(fresh.click("timbot_export", "not-a-value"))
    assert "expired" in expired["text"]


def test_bad_input_and_too_large_are_answered_without_a_walk(fresh: Stack,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    calls = len(fresh.emulator.calls)
    usage = fresh.answer(fresh.command("/im-groups", "Nope --csv"))
    assert "unknown group type" in usage["text"] and len(fresh.emulator.calls) == calls
    monkeypatch.setattr(walk, "MAX_ROWS", 1000)
    refused = fresh.answer(fresh.command("/im-groups", "--csv"))
    assert "2,700 rows, more than an export writes (1,000)" in refused["text"]
    assert "/im-groups Public --csv" in refused["text"]
    _idle(fresh)
    assert not any("get_group_info" in c.endpoint for c in list(fresh.emulator.calls)[calls:])
    assert ALICE not in fresh.slack.dms


def test_guest_is_refused_as_for_any_command(fresh: Stack) -> None:
    fresh.slack.users["U0GUEST"] = {"id": "U0GUEST", "team_id": "T0HOME", "is_restricted": True}
    answer = fresh.answer(fresh.command("/im-groups", "--csv", user="U0GUEST"))
    assert "guest" in answer["text"].lower() and "U0GUEST" not in fresh.slack.dms


def test_one_export_per_user_then_cancel(fresh: Stack) -> None:
    fresh.emulator.faults.delay(0.6, times=None, endpoint="get_group_info")
    fresh.answer(fresh.command("/im-groups", "--csv"))
    channel = _dm(fresh)
    busy = fresh.answer(fresh.command("/im-joined", "leckie --csv"))
    assert "already have an export running" in busy["text"] and "of 2,700 rows" in busy["text"]

    def cancel_button() -> bool:
        return any("timbot_export_cancel" in str(v[-1]) for v in stack_versions(fresh, channel))
    fresh.slack.wait_for(cancel_button, 10)
    message = stack_versions(fresh, channel)[-1][-1]
    value = buttons(message)["timbot_export_cancel"]
    stranger = fresh.click("timbot_export_cancel", value, user="U0BOB")
    assert "expired" in fresh.answer(stranger)["text"]  # only who started it can cancel it
    fresh.click("timbot_export_cancel", value)
    final = _final(fresh, channel)
    assert "Export cancelled" in final["text"] and not fresh.slack.shared_files(channel)
    _idle(fresh)
    assert not _leftovers()


def stack_versions(stack: Stack, channel: str) -> list[list[dict[str, Any]]]:
    return stack.slack.versions(channel)


def test_slack_faults_are_waited_out_and_a_failed_upload_retried(fresh: Stack) -> None:
    calls = len(fresh.slack.calls)
    fresh.slack.faults["chat.postMessage"] = [(429, "", "1")]
    fresh.slack.upload_status.append(500)
    fresh.answer(fresh.command("/im-groups", "BChatRoom --csv"))
    channel = _dm(fresh)
    final = _final(fresh, channel, timeout=30)
    assert "Export finished" in final["text"]
    assert len(_rows(fresh.slack.shared_files(channel)[-1]["data"])) == 60
    assert fresh.slack.calls[calls:].count("files.getUploadURLExternal") == 2  # a new URL for the 2nd try
    assert fresh.slack.calls[calls:].count("chat.postMessage") == 2  # the 429 waited out, then posted


def test_slack_refusing_the_file_says_so(fresh: Stack) -> None:
    fresh.slack.faults["files.completeUploadExternal"] = [(200, "not_allowed_token_type", None)]
    fresh.answer(fresh.command("/im-groups", "BChatRoom --csv"))
    final = _final(fresh, _dm(fresh))
    assert "The export failed" in final["text"] and "files.completeUploadExternal" in final["text"]
    assert "not_allowed_token_type" in final["text"]
    assert not visible_text(final).count("xoxb-")
    _idle(fresh)
    assert not _leftovers()


def test_tencent_failing_mid_walk_says_so_in_words(fresh: Stack) -> None:
    fresh.emulator.faults.error(10002, times=None, endpoint="get_joined_group_list")
    answer = fresh.answer(fresh.command("/im-joined", "peter --csv"))
    assert "10002" in answer["text"]  # the size is asked first: the ephemeral answer says it
    fresh.emulator.faults.clear()
    fresh.emulator.faults.error(10002, times=None, endpoint="get_members")
    fresh.answer(fresh.command("/im-room", "@TGS#a8GR2rdB4 --mark 1001 --csv"))
    final = _final(fresh, _dm(fresh))
    assert "The export failed" in final["text"] and "10002" in final["text"]


def test_more_exports_than_the_limit_are_queued(fresh: Stack) -> None:
    fresh.emulator.faults.delay(0.4, times=None, endpoint="get_group_info")
    fresh.answer(fresh.command("/im-groups", "Private --csv"))  # TIMBOT_EXPORT_LIMIT is 2 by default
    fresh.answer(fresh.command("/im-groups", "ChatRoom --csv", user="U0BOB"))
    fresh.answer(fresh.command("/im-groups", "Community --csv", user="U0CAROL"))
    carol = _dm(fresh, "U0CAROL")
    fresh.slack.wait_for(lambda: bool(fresh.slack.versions(carol)))
    assert "Export queued" in fresh.slack.versions(carol)[0][0]["text"]
    final = _final(fresh, carol)
    assert "Export finished" in final["text"] and "200 rows" in final["text"]
    _idle(fresh)


def test_shutdown_past_the_grace_says_interrupted() -> None:
    emulator = Emulator(seed=0)
    emulator.faults.delay(1.0, times=None, endpoint="get_group_info")
    with running_stack(emulator, grace=1.0) as stack:
        stack.answer(stack.command("/im-groups", "--csv"))
        channel = _dm(stack)
        stack.slack.wait_for(lambda: bool(stack.slack.versions(channel)))
        started = time.monotonic()
        stack.server.stop()  # SIGTERM: the lifespan shutdown drains within the grace
        assert time.monotonic() - started < 6
        final = stack.slack.versions(channel)[-1][-1]
        assert "interrupted because timbot restarted" in final["text"]
        assert "timbot_export_cancel" not in str(final) and not stack.slack.shared_files(channel)
    assert not _leftovers()
