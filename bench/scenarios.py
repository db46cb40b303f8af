"""The measured phases: ack latency, end-to-end overhead, Next clicks, Tencent call economy, memory."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import httpx

from bench.load import Result, Signed, Signer, burst, closed_loop, new_rid, send, session
from bench.stats import Rep

Command = tuple[str, str]


@dataclass
class Calls:
    """Tencent calls the emulator answered in a window."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    service: list[float] = field(default_factory=list)  # emulator's answer times (latency + its own work)

    @property
    def mean_service(self) -> float:
        """Mean seconds the emulator took per answer (0 when there was none)."""
        return sum(self.service) / len(self.service) if self.service else 0.0

    def of(self, endpoint_part: str) -> list[dict[str, Any]]:
        """The calls whose endpoint contains ``endpoint_part``.

        Args:
            endpoint_part: e.g. ``get_appid_group_list``.
        """
        return [c for c in self.calls if endpoint_part in c["endpoint"]]

    @property
    def rate_limited(self) -> int:
        """How many calls were answered 60007 (or another over-limit code)."""
        return sum(1 for c in self.calls if c["code"] in (60007, 60011, 60018, 60019, 10006))


class Harness:
    """Drives one run: sends signed requests, reads the fake Slack's arrivals and the emulator's calls.

    Args:
        signer: builds signed requests whose response_url points at the fake Slack.
        slack_url: base URL of the fake Slack.
        emulator_url: base URL of the emulator.
    """

    def __init__(self, *, signer: Signer, slack_url: str, emulator_url: str) -> None:
        self.signer = signer
        self._slack = slack_url
        self._emulator = emulator_url
        self._http = httpx.AsyncClient(timeout=30.0, limits=httpx.Limits(max_connections=None))
        self._calls_seen = 0

    async def aclose(self) -> None:
        """Close the read-out client."""
        await self._http.aclose()

    def commands(self, prefix: str, commands: Sequence[Command], n: int) -> list[Signed]:
        """``n`` signed commands cycling over ``commands``, each with its own response_url.

        Args:
            prefix: request id prefix.
            commands: (command, text) pairs.
            n: how many.
        """
        return [self.signer.command(*commands[i % len(commands)], rid=new_rid(prefix)) for i in range(n)]

    async def mark(self) -> tuple[int, int]:
        """The emulator's call and answer counts now (pass it to ``calls_since``)."""
        response = await self._http.get(f"{self._emulator}/_bench/calls",
                                        params={"since": 1 << 62, "served": 1 << 62})
        got = response.json()
        return int(got["total"]), int(got["served"])

    async def calls_since(self, mark: tuple[int, int]) -> Calls:
        """The Tencent calls answered after ``mark``.

        Args:
            mark: a value returned by ``mark()``.
        """
        response = await self._http.get(f"{self._emulator}/_bench/calls",
                                        params={"since": mark[0], "served": mark[1]})
        got = response.json()
        return Calls(got["calls"], got["service"])

    async def demo_ids(self) -> dict[str, list[str]]:
        """The group, live-room and user IDs the emulator's demo data holds (see ``bench.demo``)."""
        response = await self._http.get(f"{self._emulator}/_bench/data", timeout=120)
        ids: dict[str, list[str]] = response.json()
        return ids

    async def arrivals(self, rids: Sequence[str], *, wait: float) -> dict[str, float]:
        """First arrival time at the fake Slack of each rid's response_url post, waiting up to ``wait``.

        Args:
            rids: the request ids.
            wait: seconds to wait for all of them; missing ones are left out.
        """
        deadline = time.monotonic() + wait
        while True:
            got: dict[str, list[float]] = (await self._http.post(f"{self._slack}/_bench/arrivals",
                                                                 json=list(rids))).json()
            if len(got) == len(rids) or time.monotonic() > deadline:
                return {rid: times[0] for rid, times in got.items()}
            await asyncio.sleep(0.02)

    async def message(self, rid: str) -> dict[str, Any]:
        """The last message posted to rid's response_url.

        Args:
            rid: the request id.
        """
        body: dict[str, Any] = (await self._http.get(f"{self._slack}/_bench/body/{rid}")).json()
        return body

    async def ack_phase(self, url: str, requests: Sequence[Signed], concurrency: int) -> list[Result]:
        """Send ``requests`` with ``concurrency`` in flight; return what each ack looked like.

        Args:
            url: the server's /slack/events URL.
            requests: signed requests.
            concurrency: requests in flight.
        """
        async with session(concurrency) as client:
            return await closed_loop(client, url, requests, concurrency)

    async def burst(self, url: str, requests: Sequence[Signed]) -> list[Result]:
        """Send all ``requests`` at once.

        Args:
            url: the server's /slack/events URL.
            requests: signed requests.
        """
        async with session(len(requests)) as client:
            return await burst(client, url, requests)

    async def e2e(self, url: str, requests: Sequence[Signed], concurrency: int,
                  wait: float = 30.0) -> tuple[list[float], list[Result], Calls]:
        """Command-to-message times (seconds) with ``concurrency`` commands in progress end to end.

        A worker sends a command and sends its next one only when the message of the first has arrived.

        Args:
            url: timbot's /slack/events URL.
            requests: signed commands.
            concurrency: commands in progress (acked or not, answered not yet).
            wait: seconds to wait for each message.
        """
        mark = await self.mark()
        queue = iter(requests)
        results: list[Result] = []
        times: list[float] = []

        async def worker(client: aiohttp.ClientSession) -> None:
            for request in queue:
                result = await send(client, url, request)
                results.append(result)
                response = await self._http.get(f"{self._slack}/_bench/wait/{request.rid}",
                                                params={"timeout": wait}, timeout=wait + 5)
                arrived = response.json()
                if arrived is not None:
                    times.append(arrived - result.sent)

        async with session(concurrency) as client:
            await asyncio.gather(*(worker(client) for _ in range(min(concurrency, len(requests)))))
        calls = await self.calls_since(mark)
        return times, results, calls


def next_value(message: dict[str, Any] | None) -> str | None:
    """The value of the ``timbot_next`` button in a posted message, if it has one.

    Args:
        message: the JSON body posted to a response_url.
    """
    for block in (message or {}).get("blocks", []):
        for element in block.get("elements", []) or []:
            if isinstance(element, dict) and element.get("action_id") == "timbot_next":
                value: str = element["value"]
                return value
    return None


@dataclass
class ClickFigures:
    """One repetition of the Next-click phase."""

    uncached: list[float] = field(default_factory=list)
    cached: list[float] = field(default_factory=list)
    calls_uncached: int = 0
    calls_cached: int = 0
    failures: int = 0


async def clicks(h: Harness, url: str, users: Sequence[str], *, limit: int = 5) -> ClickFigures:
    """Per user: ``/im-joined USER --limit N``, then Next (page not cached), then the same Next (cached).

    Args:
        h: the harness.
        url: timbot's /slack/events URL.
        users: distinct users (one uncached query each).
        limit: page size.
    """
    out = ClickFigures()
    for user in users:
        first = h.signer.command("/im-joined", f"{user} --limit {limit}", rid=new_rid("page1"))
        await h.ack_phase(url, [first], 1)
        await h.arrivals([first.rid], wait=10)
        value = next_value(await h.message(first.rid))
        if value is None:
            out.failures += 1
            continue
        for cached in (False, True):
            click = h.signer.click(value, rid=new_rid("next"))
            mark = await h.mark()
            [result] = await h.ack_phase(url, [click], 1)
            arrived = await h.arrivals([click.rid], wait=10)
            calls = len((await h.calls_since(mark)).calls)
            if click.rid not in arrived or result.status != 200:
                out.failures += 1
                continue
            (out.cached if cached else out.uncached).append(arrived[click.rid] - result.sent)
            if cached:
                out.calls_cached += calls
            else:
                out.calls_uncached += calls
    return out


@dataclass
class Economy:
    """One repetition of the call-economy bursts."""

    groups_calls: int
    groups_min_gap: float | None
    group_calls: int
    rate_limited: int
    answered: int
    sent: int


async def economy(h: Harness, url: str, *, pages: Sequence[str], burst_size: int, group_id: str) -> Economy:
    """A burst of ``/im-groups`` over ``pages`` distinct texts, then a burst of identical ``/im-group``.

    Args:
        h: the harness.
        url: timbot's /slack/events URL (a fresh process: nothing cached).
        pages: distinct /im-groups texts.
        burst_size: commands per burst.
        group_id: the group of the identical /im-group burst.
    """
    mark = await h.mark()
    groups = [h.signer.command("/im-groups", pages[i % len(pages)], rid=new_rid("eco-groups"))
              for i in range(burst_size)]
    await h.burst(url, groups)
    got1 = await h.arrivals([r.rid for r in groups], wait=len(pages) * 1.5 + 10)
    between = await h.mark()  # the /im-groups pages ask get_group_info for their names: count from here
    same = [h.signer.command("/im-group", group_id, rid=new_rid("eco-group")) for _ in range(burst_size)]
    await h.burst(url, same)
    got2 = await h.arrivals([r.rid for r in same], wait=10)
    calls = await h.calls_since(mark)
    times = sorted(c["t"] for c in calls.of("get_appid_group_list"))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    group_calls = len((await h.calls_since(between)).of("get_group_info"))
    return Economy(groups_calls=len(times), groups_min_gap=min(gaps) if gaps else None,
                   group_calls=group_calls, rate_limited=calls.rate_limited,
                   answered=len(got1) + len(got2), sent=2 * burst_size)


def rep_of(samples: Sequence[float]) -> Rep | None:
    """``Rep.of`` that tolerates an empty sample list (every request failed).

    Args:
        samples: latencies in seconds.
    """
    return Rep.of(samples) if samples else None
