"""The Bolt AsyncApp: one ack-first listener for the commands and page buttons, authorising before the ack."""

from __future__ import annotations

import contextlib
import re
import time
from typing import Any

import httpx
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from timbot.commands.registry import COMMANDS
from timbot.commands.spec import PAGER_ACTIONS
from timbot.i18n import _, language
from timbot.settings import Settings
from timbot.slack.audit import Incoming, audit
from timbot.slack.authz import Authoriser
from timbot.slack.dm import Delivery, web_client
from timbot.slack.exports import Exports
from timbot.slack.queue import QueuedExports, connect_queue
from timbot.slack.respond import ResponsePoster
from timbot.slack.tasks import TaskRegistry
from timbot.slack.work import Worker
from timbot.tim.client import TimClient

__all__ = ["ACTIONS", "BOT_SCOPES", "COMMANDS", "build_app", "build_exports", "open_exports"]

#: The bot token scopes timbot needs (``manifest.yaml`` asks for these; ``timbot check`` verifies the token
#: has them): the commands, ``users:read`` for the access checks' ``users.info``, and for the CSV exports
#: ``chat:write`` (the progress message), ``im:write`` (the DM) and ``files:write`` (the file).
BOT_SCOPES: tuple[str, ...] = ("commands", "users:read", "chat:write", "im:write", "files:write")
#: The ``action_id`` of the buttons timbot answers (the commands come from the registry).
ACTIONS: tuple[str, ...] = PAGER_ACTIONS

#: Context key the ASGI route sets to the request's arrival time (``time.monotonic()``).
RECEIVED_KEY = "timbot_received"
#: Seconds a Slack Web API call may take. On a cold start both Bolt's ``auth.test`` and our ``users.info``
#: run before the ack, so two of these must fit in Slack's 3 s with room to spare.
SLACK_API_TIMEOUT = 1


def _exactly(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("^(?:" + "|".join(re.escape(name) for name in names) + ")$")


def build_app(
    settings: Settings,
    *,
    tim: TimClient,
    http: httpx.AsyncClient,
    tasks: TaskRegistry | None = None,
    authoriser: Authoriser | None = None,
    poster: ResponsePoster | None = None,
    exports: Exports | QueuedExports | None = None,
) -> AsyncApp:
    """Build the Bolt app once; nothing in it changes per request and nothing calls the network here.

    Args:
        settings: needs ``SLACK_SIGNING_SECRET`` and ``SLACK_BOT_TOKEN`` (``ConfigError`` otherwise).
        tim: the Tencent client the commands use.
        http: the shared client for ``response_url`` posts.
        tasks: where the post-ack work is tracked (graceful shutdown drains it).
        authoriser: the access checks (built from ``settings`` when omitted, sharing ``tim``'s Redis).
        poster: the ``response_url`` poster (built on ``http`` when omitted).
        exports: runs the CSV exports (built on ``http`` and the bot token when omitted; the caller
            drains it on shutdown).

    Raises:
        ConfigError: a required Slack setting is missing.
    """
    settings.require("slack_signing_secret", "slack_bot_token")
    assert settings.slack_signing_secret is not None and settings.slack_bot_token is not None
    registry = tasks if tasks is not None else TaskRegistry()
    shared = getattr(tim, "shared", None)  # the client's Redis, when REDIS_URL is set
    checks = authoriser if authoriser is not None else Authoriser(settings=settings, shared=shared)
    if exports is None:
        exports = build_exports(settings, tim=tim, http=http)
    worker = Worker(tim=tim, poster=poster if poster is not None else ResponsePoster(http=http),
                    exports=exports, share=settings.timbot_allow_share)
    app = AsyncApp(
        # Bolt names a logger after the app and resets its level on every request: keep it out of
        # "timbot", whose INFO audit lines would otherwise be silenced after the first request.
        name="slack_bolt.timbot",
        process_before_response=True,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # The token, not a client of our own: Bolt also reads SLACK_BOT_TOKEN, and given both it warns at
        # every start-up that the token goes unused. Its client takes our API URL and timeout below (each
        # request's client is made from it).
        token=settings.slack_bot_token.get_secret_value(),
    )
    app.client.base_url = settings.slack_api_url
    app.client.timeout = SLACK_API_TIMEOUT

    async def handle(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        # One listener does the checks, the ack and the hand-off: Bolt builds the injected arguments
        # afresh for every matcher, middleware and listener it calls, so fewer of them is a faster ack.
        incoming = Incoming.from_body(body, started=context.get(RECEIVED_KEY))
        result = context.authorize_result
        decision = await checks.check(
            incoming,
            client=client,
            installed_team=getattr(result, "team_id", None),
            installed_enterprise=getattr(result, "enterprise_id", None),
            enterprise_id=context.enterprise_id,
        )
        # the caller's language (TIMBOT_LANGUAGE for everyone): the tasks spawned here keep it
        with language(settings.timbot_language or decision.language):
            if decision.allowed:
                await ack()  # empty: the answer comes through response_url
                registry.spawn(worker.answer(incoming), name=f"timbot-{incoming.kind}")
            elif incoming.response_url:
                await ack()
                registry.spawn(
                    worker.refuse(incoming, code=decision.code, reason=decision.reason), name="timbot-refuse"
                )
            else:
                audit(incoming, f"refused:{decision.code}")
                await ack(response_type="ephemeral", text=_(decision.reason))

    # One matcher per kind (Bolt tries each listener's matcher in turn, each with its own arguments).
    app.command(_exactly(COMMANDS))(handle)
    app.action(_exactly(ACTIONS))(handle)
    return app


def build_exports(settings: Settings, *, tim: TimClient, http: httpx.AsyncClient) -> Exports:
    """The exports of this process: delivered with the bot token on ``SLACK_API_URL``, files POSTed on
    ``http``, ``TIMBOT_EXPORT_LIMIT`` at once.

    Args:
        settings: needs ``SLACK_BOT_TOKEN``.
        tim: the Tencent client the walks use.
        http: the client the files are uploaded with.
    """
    settings.require("slack_bot_token")
    assert settings.slack_bot_token is not None
    web = web_client(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url)
    return Exports(tim=tim, delivery=Delivery(web=web, http=http), limit=settings.timbot_export_limit)


async def open_exports(settings: Settings, *, tim: TimClient, http: httpx.AsyncClient,
                       stack: contextlib.AsyncExitStack) -> Exports | QueuedExports:
    """Where this process's exports run: jobs on the Redis queue for ``timbot worker`` with ``REDIS_URL``
    (the queue closed with ``stack``), else in this process (also when Redis does not answer at start-up).

    Args:
        settings: ``REDIS_URL``, the bot token and the limits.
        tim: the Tencent client.
        http: the client files are uploaded with (in-process exports).
        stack: closes the queue's connection.
    """
    queue = await connect_queue(settings)
    if queue is None:
        return build_exports(settings, tim=tim, http=http)
    stack.push_async_callback(queue.disconnect)
    return QueuedExports(settings=settings, tim=tim, queue=queue)


def received_now() -> dict[str, float]:
    """The extra context the ASGI route hands Bolt: the arrival time, for the audit duration."""
    return {RECEIVED_KEY: time.monotonic()}
