"""The load generator: signed slash commands, button clicks and follow choices over keep-alive connections
(aiohttp).

Bodies are built and signed before a timed phase starts, so the client's own work inside the timed window is
only sending and reading. Times are ``time.monotonic()``, the clock the fake Slack stamps arrivals with.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from bench.servers import BENCH_TEAM

BENCH_USER = "U0BENCH1"
BENCH_CHANNEL = "C0BENCH1"
_rids = itertools.count(1)


def new_rid(prefix: str) -> str:
    """A request id unique within the run, used as the last part of the ``response_url``.

    Args:
        prefix: a label for the phase (shows up in the fake Slack's records).
    """
    return f"{prefix}-{next(_rids)}"


@dataclass(frozen=True)
class Signed:
    """A ready-to-send request: body, headers and the request id of its ``response_url``."""

    rid: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Result:
    """What the load generator saw of one request."""

    rid: str
    sent: float
    acked: float
    status: int

    @property
    def ack(self) -> float:
        """Ack latency in seconds."""
        return self.acked - self.sent


class Signer:
    """Builds signed Slack requests whose ``response_url`` points at the fake Slack's hooks.

    Args:
        secret: the signing secret shared with the servers.
        hooks_url: base URL of the fake Slack (``http://127.0.0.1:N``).
    """

    def __init__(self, *, secret: str, hooks_url: str) -> None:
        self._verifier = SignatureVerifier(secret)
        self._hooks = hooks_url.rstrip("/") + "/hooks/"

    def _sign(self, rid: str, body: bytes, content_type: str) -> Signed:
        ts = str(int(time.time()))
        signature = self._verifier.generate_signature(timestamp=ts, body=body)
        headers = {"content-type": content_type, "x-slack-request-timestamp": ts,
                   "x-slack-signature": signature or ""}
        return Signed(rid=rid, body=body, headers=headers)

    def command(self, command: str, text: str, *, rid: str, user: str = BENCH_USER) -> Signed:
        """A slash command as Slack posts it.

        Args:
            command: e.g. ``/im-groups``.
            text: the arguments.
            rid: request id for the response_url.
            user: the invoking user id.
        """
        form = {"token": "unused", "team_id": BENCH_TEAM, "team_domain": "bench", "channel_id": BENCH_CHANNEL,
                "channel_name": "bench", "user_id": user, "user_name": user.lower(), "command": command,
                "text": text, "api_app_id": "A0BENCH", "is_enterprise_install": "false",
                "response_url": self._hooks + rid, "trigger_id": f"1.2.{rid}"}
        return self._sign(rid, urlencode(form).encode(), "application/x-www-form-urlencoded")

    def click(self, value: str, *, rid: str, action_id: str = "timbot_next",
              user: str = BENCH_USER) -> Signed:
        """A ``block_actions`` button click as Slack posts it.

        Args:
            value: the button's value.
            rid: request id for the click's response_url.
            action_id: ``timbot_next`` or ``timbot_prev``.
            user: the clicking user id.
        """
        action = {"type": "button", "action_id": action_id, "block_id": "pager", "value": value,
                  "text": {"type": "plain_text", "text": "Next"}, "action_ts": "1700000001.000200"}
        return self._actions(action, rid=rid, user=user, trigger=f"1.3.{rid}")

    def choose(self, element: str, value: str, label: str, *, rid: str, action_id: str = "timbot_follow",
               user: str = BENCH_USER) -> Signed:
        """A ``block_actions`` follow choice as Slack posts it: a button sends its ``value``, an overflow
        menu or a select the ``selected_option`` chosen.

        Args:
            element: the element's type (``button``, ``overflow`` or ``static_select``).
            value: the chosen option's value.
            label: the option's text.
            rid: request id for the choice's response_url.
            action_id: the element's action id.
            user: the choosing user id.
        """
        if element == "button":
            return self.click(value, rid=rid, action_id=action_id, user=user)
        action = {"type": element, "action_id": action_id, "block_id": "row",
                  "action_ts": "1700000001.000300",
                  "selected_option": {"text": {"type": "plain_text", "text": label}, "value": value}}
        return self._actions(action, rid=rid, user=user, trigger=f"1.4.{rid}")

    def _actions(self, action: dict[str, Any], *, rid: str, user: str, trigger: str) -> Signed:
        """A signed ``block_actions`` payload of ``action``, by ``user`` in the bench channel."""
        payload = {
            "type": "block_actions", "api_app_id": "A0BENCH", "token": "unused", "trigger_id": trigger,
            "team": {"id": BENCH_TEAM, "domain": "bench"}, "is_enterprise_install": False, "enterprise": None,
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": BENCH_TEAM},
            "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": BENCH_CHANNEL,
                          "is_ephemeral": True},
            "channel": {"id": BENCH_CHANNEL, "name": "bench"},
            "response_url": self._hooks + rid,
            "actions": [action],
        }
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self._sign(rid, body, "application/x-www-form-urlencoded")


def session(concurrency: int) -> aiohttp.ClientSession:
    """A keep-alive client session allowing ``concurrency`` connections.

    Args:
        concurrency: the connection limit.
    """
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=max(1, concurrency)),
                                 timeout=aiohttp.ClientTimeout(total=10))


async def send(client: aiohttp.ClientSession, url: str, request: Signed) -> Result:
    """Send one signed request and time its acknowledgement.

    Args:
        client: the session.
        url: the server's ``/slack/events`` URL.
        request: the signed request.
    """
    sent = time.monotonic()
    async with client.post(url, data=request.body, headers=request.headers) as response:
        await response.read()
        acked = time.monotonic()
        return Result(rid=request.rid, sent=sent, acked=acked, status=response.status)


async def closed_loop(client: aiohttp.ClientSession, url: str, requests: Sequence[Signed],
                      concurrency: int) -> list[Result]:
    """Send ``requests`` keeping ``concurrency`` of them in flight until all are answered.

    Args:
        client: the session (its connection limit should be at least ``concurrency``).
        url: the server's ``/slack/events`` URL.
        requests: the signed requests, sent in order.
        concurrency: how many are in flight at once.
    """
    queue = iter(requests)
    results: list[Result] = []

    async def worker() -> None:
        for request in queue:
            results.append(await send(client, url, request))

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(requests)))))
    return results


async def burst(client: aiohttp.ClientSession, url: str, requests: Sequence[Signed]) -> list[Result]:
    """Send every request at once.

    Args:
        client: the session.
        url: the server's ``/slack/events`` URL.
        requests: the signed requests.
    """
    return list(await asyncio.gather(*(send(client, url, r) for r in requests)))
