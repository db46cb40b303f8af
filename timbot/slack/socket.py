"""Socket Mode (``timbot socket``): the Bolt app over Slack's WebSocket, for a laptop with no public URL."""

from __future__ import annotations

import asyncio
import contextlib

from pydantic import SecretStr

from timbot.errors import ConfigError
from timbot.settings import Settings
from timbot.slack.app import build_app
from timbot.slack.respond import response_client
from timbot.slack.serving import ensure_logging, tune_gc
from timbot.slack.tasks import TaskRegistry
from timbot.tim.client import TimClient

__all__ = ["run_socket_mode"]

#: Seconds Socket Mode waits, on exit, for answers already acknowledged.
GRACE = 20.0


async def _socket_mode(settings: Settings, *, tune_process: bool = False) -> None:
    """Serve over Socket Mode until cancelled; ``tune_process`` as in ``timbot.asgi.create_app``."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    if tune_process:
        ensure_logging(level=settings.timbot_log_level, fmt=settings.timbot_log_format)
    settings.require("slack_app_token", "slack_bot_token", "tim_sdkappid", "tim_secret_key")
    app_token = settings.slack_app_token
    assert app_token is not None
    if settings.slack_signing_secret is None or not settings.slack_signing_secret.get_secret_value():
        # Socket Mode does not sign requests; Bolt still wants a value to build the app.
        settings = settings.model_copy(update={"slack_signing_secret": SecretStr("socket-mode-unsigned")})
    await _check_app_token(settings, app_token)
    tasks = TaskRegistry()
    async with response_client() as http, contextlib.AsyncExitStack() as stack:
        tim = TimClient.from_settings(settings)
        stack.push_async_callback(tim.aclose)
        bolt = build_app(settings, tim=tim, http=http, tasks=tasks)
        handler = AsyncSocketModeHandler(bolt, app_token.get_secret_value())
        if tune_process:
            tune_gc()  # everything the process keeps is made: freeze it (see tune_gc)
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            # Leave the socket first: while it is open Slack keeps sending envelopes, which would be
            # acknowledged and then cut off when the process ends. Answers go to response_url, so the
            # ones already acknowledged are still delivered while draining.
            try:
                await handler.close_async()  # type: ignore[no-untyped-call]
            finally:
                await tasks.drain(GRACE)


async def _check_app_token(settings: Settings, app_token: SecretStr) -> None:
    """Ask Slack once for a socket with the app token, so a wrong token stops start-up with one line.

    Left alone, Bolt's handler retries a refused token every 10 s forever. Network errors are left to it:
    it retries them, which is right for a laptop that is briefly offline.

    Raises:
        ConfigError: Slack refused the token (``invalid_auth``, ``not_allowed_token_type``, ...).
    """
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    probe = AsyncWebClient(base_url=settings.slack_api_url, timeout=10)
    try:
        await probe.apps_connections_open(app_token=app_token.get_secret_value())
    except SlackApiError as exc:
        error = exc.response.get("error", "refused") if exc.response is not None else "refused"
        problem = f"Slack refused it ({error}); use an app-level token with connections:write"
        raise ConfigError("SLACK_APP_TOKEN", problem) from None


def run_socket_mode(settings: Settings) -> None:
    """Connect to Slack over Socket Mode with ``SLACK_APP_TOKEN`` (no public URL needed); blocks.

    The process is this command's, so it is tuned like the HTTP server's (``timbot.slack.serving``: a
    handler for timbot's log lines when logging is not configured, the GC frozen and its threshold raised).

    Args:
        settings: the loaded settings.

    Raises:
        ConfigError: ``SLACK_APP_TOKEN`` or another required setting is missing.
    """
    settings.require("slack_app_token")
    asyncio.run(_socket_mode(settings, tune_process=True))
