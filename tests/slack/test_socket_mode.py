"""`timbot socket` end to end against a local fake of Slack Socket Mode (connections.open + WebSocket)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from starlette.responses import HTMLResponse, JSONResponse

from tests.conftest import register_secret
from tests.e2e.conftest import buttons, visible_text
from tests.slack.fakes import TEAM, click_payload
from tests.slack.socketfake import (
    ACK_LIMIT,
    APP_TOKEN,
    PROXY_VARIABLES,
    Harness,
    slash_payload,
    socket_settings,
    socket_slack,
)
from timbot.emulator import Emulator
from timbot.errors import ConfigError
from timbot.settings import Settings
from timbot.slack.reconnect import ReconnectingClient
from timbot.slack.socket import _socket_mode


@pytest.fixture
async def harness(tencent: tuple[Emulator, str], monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    async with socket_slack(tencent[0]) as built:
        yield built


@contextlib.asynccontextmanager
async def running(settings: Settings, harness: Harness) -> AsyncIterator[asyncio.Task[None]]:
    """``_socket_mode`` as a task, connected; cancelled on exit, which must end it within a few seconds."""
    task = asyncio.create_task(_socket_mode(settings))
    try:
        connected = asyncio.create_task(harness.socket.connected())
        await asyncio.wait({task, connected}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            connected.cancel()
            task.result()  # start-up failed: raise its error here
        await connected
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5.0)
    # The app left the socket on its way out.
    await harness.socket.closed()


@pytest.mark.parametrize("signing_secret", [None, ""])
async def test_command_click_and_guest_over_socket_mode(
    harness: Harness, tencent: tuple[Emulator, str], signing_secret: str | None
) -> None:
    settings = socket_settings(harness, tencent[1], slack_signing_secret=signing_secret)
    async with running(settings, harness):
        # apps.connections.open with the app-level token, once: connecting is the start-up check
        assert harness.opened_with == [APP_TOKEN]

        # /im-groups: acknowledged over the socket at once, answered on response_url with page 1.
        key, url = harness.hook()
        seconds, ack = await harness.socket.send(
            "slash_commands", slash_payload("/im-groups", "", response_url=url)
        )
        assert seconds < ACK_LIMIT and set(ack) == {"envelope_id"}  # empty ack: the answer comes later
        first = await harness.answer(key)
        assert first["response_type"] == "ephemeral" and first["replace_original"] is False
        assert "timbot_next" in buttons(first) and "timbot_prev" not in buttons(first)
        all_groups = set(harness.emulator.data.by_id)
        shown_first = {g for g in all_groups if g in visible_text(first)}
        assert shown_first, "page 1 shows no group"

        # Next: acknowledged, and the message is replaced with page 2 (other groups, a Previous button).
        key, url = harness.hook()
        seconds, ack = await harness.socket.send(
            "interactive", click_payload("timbot_next", buttons(first)["timbot_next"], response_url=url)
        )
        assert seconds < ACK_LIMIT and set(ack) == {"envelope_id"}
        second = await harness.answer(key)
        assert second["replace_original"] is True
        assert "timbot_prev" in buttons(second)
        shown_second = {g for g in all_groups if g in visible_text(second)}
        assert shown_second and not shown_second & shown_first

        # A guest: acknowledged, refused politely on response_url, and Tencent is never asked.
        harness.slack.users["U0GUEST"] = {"id": "U0GUEST", "team_id": TEAM, "is_restricted": True}
        before = len(harness.emulator.calls)
        key, url = harness.hook()
        seconds, ack = await harness.socket.send(
            "slash_commands", slash_payload("/im-groups", "", response_url=url, user="U0GUEST")
        )
        assert seconds < ACK_LIMIT
        refusal = await harness.answer(key)
        assert "guest" in refusal["text"].lower()
        assert refusal["response_type"] == "ephemeral" and refusal["replace_original"] is False
        await asyncio.sleep(0.2)
        assert len(harness.emulator.calls) == before

    assert harness.socket.connections == 1
    # Only acknowledgements came back over the socket, one per envelope.
    assert len(harness.socket.frames) == 3


async def test_shutdown_leaves_the_socket_then_delivers_acknowledged_answers(
    harness: Harness, tencent: tuple[Emulator, str]
) -> None:
    settings = socket_settings(harness, tencent[1])
    harness.emulator.faults.delay(1.5, times=1)  # the answer is still being worked on at shutdown
    key, url = harness.hook()
    task = asyncio.create_task(_socket_mode(settings))
    try:
        await harness.socket.connected()
        seconds, _ = await harness.socket.send(
            "slash_commands", slash_payload("/im-groups", "", response_url=url)
        )
        assert seconds < ACK_LIMIT
    finally:
        task.cancel()
    # The socket is left first, so Slack stops sending this process new envelopes while it drains...
    await harness.socket.closed()
    assert harness.slack.posts_for(key) == [], "the socket stayed open while answers were drained"
    # ...and the answer already acknowledged is still delivered before the process ends.
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(task, 8.0)
    answer = await harness.answer(key, within=0.5)
    assert "timbot_next" in buttons(answer)


async def test_missing_app_token_is_a_config_error(harness: Harness, tencent: tuple[Emulator, str]) -> None:
    settings = socket_settings(harness, tencent[1], slack_app_token=None)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        await _socket_mode(settings)


async def test_a_refused_app_token_stops_start_up_with_one_line(
    harness: Harness, tencent: tuple[Emulator, str]
) -> None:
    wrong = register_secret("xapp-1-A0WRONG-0000-revoked")
    settings = socket_settings(harness, tencent[1], slack_app_token=wrong)
    with pytest.raises(ConfigError) as refused:
        await asyncio.wait_for(_socket_mode(settings), 5.0)
    assert refused.value.variable == "SLACK_APP_TOKEN"
    assert "invalid_auth" in str(refused.value) and wrong not in str(refused.value)
    assert harness.opened_with == [wrong], "one check, no retry loop"
    assert not harness.emulator.calls


async def test_a_portal_page_or_slack_unwell_is_retried_not_taken_for_a_refused_token(
    harness: Harness, tencent: tuple[Emulator, str], caplog: pytest.LogCaptureFixture
) -> None:
    harness.socket.open_faults = [
        HTMLResponse("<html>Sign in to Hotel Wi-Fi</html>"),  # a captive portal's page, with 200
        JSONResponse({"ok": False, "error": "service_unavailable"}, status_code=503),
        JSONResponse({"ok": True}),  # no URL: not Slack's answer either
        JSONResponse({"ok": False, "error": "ratelimited"}, status_code=429, headers={"Retry-After": "0"}),
    ]
    settings = socket_settings(harness, tencent[1], timbot_socket_backoff=0.05)
    async with running(settings, harness):
        assert harness.opened_with == [APP_TOKEN] * 5
    ours = [r for r in caplog.records if r.name == "timbot.slack.socket"]
    assert [r.levelname for r in ours] == ["WARNING", "DEBUG", "DEBUG", "DEBUG", "INFO"]
    assert "HTTP 200 with no answer from Slack in it: a captive portal?" in ours[0].getMessage()
    assert "Slack answered HTTP 503 service_unavailable" in ours[1].getMessage()
    assert "HTTP 200 with no answer from Slack in it" in ours[2].getMessage()
    # waited as the Retry-After asked, not the backoff
    assert "Slack answered HTTP 429 ratelimited); next in 0.0 s" in ours[3].getMessage()
    assert ours[4].getMessage() == "connected to Slack over Socket Mode after 4 failed attempts"
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_failure_that_is_not_the_network_shows_its_traceback_once_and_is_retried(
    harness: Harness, tencent: tuple[Emulator, str], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened = ReconnectingClient._open_url
    calls: list[int] = []

    async def buggy(self: ReconnectingClient) -> str:
        calls.append(1)
        if len(calls) <= 2:
            raise RuntimeError("a bug")
        return await opened(self)

    monkeypatch.setattr(ReconnectingClient, "_open_url", buggy)
    settings = socket_settings(harness, tencent[1], timbot_socket_backoff=0.05)
    async with running(settings, harness):
        pass
    ours = [r for r in caplog.records if r.name == "timbot.slack.socket"]
    assert [r.levelname for r in ours] == ["ERROR", "DEBUG", "INFO"]
    assert ours[0].exc_info is not None and "RuntimeError: a bug" in ours[0].getMessage()
    assert ours[1].exc_info is None
