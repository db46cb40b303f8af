"""Socket Mode (``timbot socket``): the Bolt app over Slack's WebSocket, for a laptop with no public URL.

The connection is :class:`~timbot.slack.reconnect.ReconnectingClient`'s: while Slack cannot be reached (at
start-up or after the socket drops) it retries with backoff, saying so in one line; a refused app token
stops the command with one line instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses

from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient

from timbot.settings import Settings
from timbot.slack.app import build_app, open_exports
from timbot.slack.reconnect import PING_INTERVAL, ReconnectingClient, SocketHandler
from timbot.slack.respond import response_client
from timbot.slack.serving import ensure_logging, tune_gc
from timbot.slack.tasks import TaskRegistry
from timbot.tim.client import TimClient
from timbot.tim.retry import SLACK_SOCKET_POLICY

__all__ = ["run_socket_mode"]

#: Seconds Socket Mode waits, on exit, for answers already acknowledged.
GRACE = 20.0
#: Seconds ``apps.connections.open`` may take (a slow hotel network still gets its socket).
OPEN_TIMEOUT = 10


async def _socket_mode(
    settings: Settings, *, tune_process: bool = False, ping_interval: float = PING_INTERVAL
) -> None:
    """Serve over Socket Mode until cancelled.

    Args:
        settings: the loaded settings.
        tune_process: as in ``timbot.asgi.create_app``.
        ping_interval: seconds between the socket's pings (a socket that stops answering is replaced).

    Raises:
        ConfigError: a required setting is missing, or Slack refused the app token.
    """
    if tune_process:
        ensure_logging(level=settings.timbot_log_level, fmt=settings.timbot_log_format)
    settings.require("slack_app_token", "slack_bot_token", "tim_sdkappid", "tim_secret_key")
    app_token = settings.slack_app_token
    assert app_token is not None
    if settings.slack_signing_secret is None or not settings.slack_signing_secret.get_secret_value():
        # Socket Mode does not sign requests; Bolt still wants a value to build the app.
        settings = settings.model_copy(update={"slack_signing_secret": SecretStr("socket-mode-unsigned")})
    tasks = TaskRegistry()
    async with response_client() as http, contextlib.AsyncExitStack() as stack:
        tim = TimClient.from_settings(settings)
        stack.push_async_callback(tim.aclose)
        if tim.shared is not None:  # REDIS_URL: unreachable, it warns once and the app starts anyway
            await tim.shared.start()
        exports = await open_exports(settings, tim=tim, http=http, stack=stack)
        bolt = build_app(settings, tim=tim, http=http, tasks=tasks, exports=exports)
        client = ReconnectingClient(
            app_token=app_token.get_secret_value(),
            # Not Bolt's client: its 1 s timeout is for the ack path, and its own retry of a failed
            # connection would only stretch one attempt of the client's.
            web_client=AsyncWebClient(
                base_url=settings.slack_api_url, timeout=OPEN_TIMEOUT, retry_handlers=[]
            ),
            policy=dataclasses.replace(SLACK_SOCKET_POLICY, backoff=settings.timbot_socket_backoff),
            ping_interval=ping_interval,
        )
        handler = SocketHandler(bolt, client)
        if tune_process:
            tune_gc()  # everything the process keeps is made: freeze it (see tune_gc)
        try:
            await client.serve()
        finally:
            # Leave the socket first: while it is open Slack keeps sending envelopes, which would be
            # acknowledged and then cut off when the process ends. Answers go to response_url, so the
            # ones already acknowledged are still delivered while draining.
            try:
                await handler.close_async()  # type: ignore[no-untyped-call]
            finally:
                await asyncio.gather(tasks.drain(GRACE), exports.drain(GRACE))


def run_socket_mode(settings: Settings) -> None:
    """Connect to Slack over Socket Mode with ``SLACK_APP_TOKEN`` (no public URL needed); blocks.

    The process is this command's, so it is tuned like the HTTP server's (``timbot.slack.serving``: a
    handler for timbot's log lines when logging is not configured, the GC frozen and its threshold raised).

    Args:
        settings: the loaded settings.

    Raises:
        ConfigError: ``SLACK_APP_TOKEN`` or another required setting is missing, or Slack refused the token.
    """
    settings.require("slack_app_token")
    asyncio.run(_socket_mode(settings, tune_process=True))
