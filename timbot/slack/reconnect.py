"""Socket Mode's connection to Slack, made again with backoff whenever Slack cannot be reached.

slack_sdk's aiohttp client (the one Bolt's handler uses) notices a dropped socket and reconnects by itself,
but it tries a failed connection again every ``ping_interval`` seconds for ever, logging a traceback each
time, and a refused token just the same. :class:`ReconnectingClient` keeps its socket, pings and message
loops and replaces how a connection is made: a fresh URL from ``apps.connections.open``, then the WebSocket,
tried again with :data:`~timbot.tim.retry.SLACK_SOCKET_POLICY`'s backoff for as long as Slack cannot be
reached, at start-up or after a drop. Each outage logs one WARNING line (each attempt after it a DEBUG line)
and the connection one INFO line; a refused token ends :meth:`ReconnectingClient.serve` with a ConfigError.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Final

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.web.async_client import AsyncWebClient

from timbot.errors import ConfigError, scrub
from timbot.tim.retry import SLACK_SOCKET_POLICY, RetryPolicy

__all__ = ["PING_INTERVAL", "ReconnectingClient", "SocketHandler", "describe", "refusal"]

log = logging.getLogger("timbot.slack.socket")
#: slack_sdk's own lines about the sockets it keeps; its INFO and WARNING are DEBUG lines (``_Plumbing``).
sdk_log = logging.getLogger("timbot.slack.socket.sdk")

#: Seconds between the client's pings (Bolt's default); a socket that stops answering is replaced.
PING_INTERVAL: Final = 10.0
#: ``apps.connections.open`` errors that say Slack is unwell, not that the token is wrong: tried again.
_SLACK_UNWELL: Final = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
#: Failures that mean Slack could not be reached (or answered with something that is not Slack's answer).
_NETWORK: Final = (aiohttp.ClientError, OSError, SlackApiError)  # OSError: TimeoutError, ssl errors too


def refusal(exc: BaseException) -> str | None:
    """Slack's error code when ``exc`` is Slack refusing the app token; None for anything else.

    A captive portal's page, a proxy's 502 or Slack's own ``ratelimited`` is not a refusal: no Slack error
    code, or one that says Slack is unwell.

    Args:
        exc: what ``apps.connections.open`` raised.
    """
    if not isinstance(exc, SlackApiError):
        return None
    data = getattr(exc.response, "data", None)
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, str) and error and error not in _SLACK_UNWELL else None


def describe(exc: BaseException) -> str:
    """``exc`` on one short line with no URL query or token: ``ClientConnectorError: Cannot connect ...``.

    Args:
        exc: a failure to reach Slack.
    """
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", None)
        data = getattr(exc.response, "data", None)
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, str):
            return f"Slack answered HTTP {status} {error}"
        return f"HTTP {status} with no answer from Slack in it: a captive portal? a proxy?"
    if isinstance(exc, aiohttp.ClientResponseError):  # its text names the URL, the ticket in it too
        return f"{type(exc).__name__}: HTTP {exc.status} {exc.message}"
    text = scrub(str(exc))
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


class _Refused(Exception):
    """Slack refused the app token (``error``: its code)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class _Plumbing(logging.Filter):
    """slack_sdk's INFO and WARNING lines (sessions made, abandoned, pinged) become DEBUG lines: timbot
    reports the connection itself, once per outage. Its own DEBUG lines, which dump every envelope (user
    text, ``response_url``), are dropped; its errors pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        if record.levelno <= logging.DEBUG or not sdk_log.isEnabledFor(logging.DEBUG):
            return False
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


sdk_log.addFilter(_Plumbing())  # our own logger: the filter is there from import, once


class ReconnectingClient(SocketModeClient):
    """slack_sdk's aiohttp Socket Mode client; every (re)connection retries network failures with backoff.

    Args:
        app_token: the app-level token (``xapp-...``).
        web_client: the Web API client ``apps.connections.open`` is called with (its base URL is Slack's).
        policy: how long to wait before each attempt after a failed one (``max_tries`` is not read: the
            attempts go on until Slack answers or the client is closed).
        ping_interval: seconds between pings; a socket that stops answering them is replaced.
    """

    def __init__(
        self,
        *,
        app_token: str,
        web_client: AsyncWebClient,
        policy: RetryPolicy = SLACK_SOCKET_POLICY,
        ping_interval: float = PING_INTERVAL,
    ) -> None:
        super().__init__(
            app_token=app_token, logger=sdk_log, web_client=web_client, ping_interval=ping_interval
        )
        self.policy = policy
        #: failed attempts since the last connection (0: connected, or never tried)
        self.failures = 0
        #: connections made so far (the first is "connected", the others "reconnected")
        self.connections = 0
        self._refused: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def serve(self) -> None:
        """Connect (trying again while Slack cannot be reached), then serve until cancelled.

        Raises:
            ConfigError: Slack refused the app token, at start-up or when reconnecting.
        """
        try:
            await self.connect()
            await asyncio.shield(self._refused)
        finally:
            if self._refused.done() and not self._refused.cancelled():
                self._refused.exception()  # retrieved here, so never "never retrieved" at exit

    async def connect(self) -> None:
        """Get a fresh URL and open the WebSocket on it, trying again with backoff until one works.

        Returns without a connection when the client is closed meanwhile or Slack refuses the token (then
        :meth:`serve` raises).
        """
        while not self.closed and not self._refused.done():
            where = "apps.connections.open"
            try:
                url = await self._open_url()
                where = "the WebSocket"
                await self._open_session(url)
            except _Refused as refused:
                problem = f"Slack refused it ({refused.error}); use an app-level token with connections:write"
                if not self._refused.done():  # one refusal is enough (a reconnection may race another)
                    self._refused.set_exception(ConfigError("SLACK_APP_TOKEN", problem))
                return
            except Exception as exc:
                if self.closed:
                    return
                await asyncio.sleep(self._failed(where, exc))
                continue
            self._connected()
            return

    async def connect_to_new_endpoint(self, force: bool = False) -> None:
        """Replace a dropped (or, with ``force``, any) connection: as slack_sdk's, but the URL is asked for
        by :meth:`connect`, within its retries.

        Args:
            force: reconnect even when the current connection looks healthy (Slack's ``disconnect``).
        """
        acquired: bool
        try:
            acquired = await asyncio.wait_for(self.connect_operation_lock.acquire(), timeout=5)
        except TimeoutError:
            acquired = False  # another task is reconnecting
        try:
            if force or (acquired and not await self.is_connected()):
                await self.connect()
        finally:
            if acquired:
                self.connect_operation_lock.release()

    async def _open_url(self) -> str:
        try:
            response = await self.web_client.apps_connections_open(app_token=self.app_token)
        except SlackApiError as exc:
            if (error := refusal(exc)) is not None:
                raise _Refused(error) from None
            raise
        url = response.get("url")
        if not isinstance(url, str) or not url.startswith(("wss://", "ws://")):
            raise SlackApiError("apps.connections.open answered with no WebSocket URL", response)  # type: ignore[no-untyped-call]
        return url

    async def _open_session(self, url: str) -> None:
        """One WebSocket on ``url`` with its monitor and receiver, as slack_sdk's ``connect`` makes it."""
        self.auto_reconnect_enabled = False  # the old session's monitor must not reconnect meanwhile
        old = self.current_session
        if old is not None:
            with contextlib.suppress(Exception):  # a broken socket may fail to close: it is dropped anyway
                await old.close()
        if self.aiohttp_client_session.closed:
            self.aiohttp_client_session = aiohttp.ClientSession()
        session = await self.aiohttp_client_session.ws_connect(
            url,
            autoping=False,
            heartbeat=self.ping_interval,
            proxy=self.proxy,
            ssl=self.web_client.ssl if self.web_client.ssl is not None else True,
        )
        self.current_session = session
        self.auto_reconnect_enabled = self.default_auto_reconnect_enabled
        self.stale = False
        await session.ping(f"sdk-ping-pong:{time.time()}".encode())
        # No await from here on: the task running this may be the monitor or receiver cancelled below.
        for task in (self.current_session_monitor, self.message_receiver):
            if task is not None:
                task.cancel()
        self.current_session_monitor = asyncio.ensure_future(self.monitor_current_session())
        self.message_receiver = asyncio.ensure_future(self.receive_messages())

    def _failed(self, where: str, exc: Exception) -> float:
        """Log a failed attempt (the outage's first as WARNING) and return the seconds to wait."""
        self.failures += 1
        delay = self.policy.delay(self.failures)
        if isinstance(exc, SlackApiError):
            status = getattr(exc.response, "status_code", 0)
            headers = getattr(exc.response, "headers", None) or {}
            asked = self.policy.retry_after_delay(status, headers.get("Retry-After"))
            delay = delay if asked is None else asked
        what = f"{where}: {describe(exc)}"
        if self.failures > 1:
            log.debug("attempt %d failed (%s); next in %.1f s", self.failures, what, delay)
            return delay
        lost = "lost Slack and cannot reconnect" if self.connections else "cannot connect to Slack"
        cap = self.policy.max_delay
        often = f"less often (about every {cap:.0f} s at most)" if cap is not None else "less and less often"
        line = f"{lost} ({what}); retrying in {delay:.1f} s, then {often} until it answers"
        if isinstance(exc, _NETWORK):
            log.warning("%s", line)
        else:  # not the network: a bug, whose traceback is worth one look
            log.error("%s", line, exc_info=exc)
        return delay

    def _connected(self) -> None:
        self.connections += 1
        again = "reconnected" if self.connections > 1 else "connected"
        after = f" after {self.failures} failed attempt{'s' * (self.failures != 1)}" if self.failures else ""
        log.info("%s to Slack over Socket Mode%s", again, after)
        self.failures = 0


class SocketHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler on a :class:`ReconnectingClient` (Bolt's ``__init__`` would make a client
    of its own, with an aiohttp session and a message task, only to have it replaced).

    Args:
        app: the Bolt app that answers the envelopes.
        client: the client that receives them.
    """

    def __init__(self, app: AsyncApp, client: ReconnectingClient) -> None:
        self.app = app
        self.app_token = client.app_token
        self.client = client
        client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]  # as Bolt's
