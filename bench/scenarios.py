"""The measured phases: ack latency, end-to-end overhead (commands, pages of groups, follows), Next clicks, a
walk of `/im-groups`, Tencent call economy, memory."""

from __future__ import annotations

import asyncio
import itertools
import json
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

    @property
    def emulator_url(self) -> str:
        """Base URL of the emulator."""
        return self._emulator

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


def follow_options(message: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """Every follow option of a posted message as (element type, label, value), in the rows' order.

    A row's button (one option), a row's overflow menu or the page's select (several), all with the action
    ``timbot_follow``.

    Args:
        message: the JSON body posted to a response_url.
    """
    out: list[tuple[str, str, str]] = []
    for block in (message or {}).get("blocks", []):
        elements = [block.get("accessory"), *(block.get("elements", []) or [])]
        for element in elements:
            if not isinstance(element, dict) or element.get("action_id") != "timbot_follow":
                continue
            if element.get("type") == "button":
                out.append(("button", element["text"]["text"], element["value"]))
            else:
                out += [(element["type"], o["text"]["text"], o["value"]) for o in element.get("options", [])]
    return out


@dataclass
class Answers:
    """One repetition of answers measured one at a time (commands or follow choices)."""

    times: list[float] = field(default_factory=list)
    calls: int = 0  # Tencent calls, all of them
    list_calls: int = 0  # of which get_appid_group_list
    info_calls: int = 0  # of which get_group_info
    service: list[float] = field(default_factory=list)
    sent: int = 0
    failures: int = 0  # no message, or not the one expected
    elements: dict[str, int] = field(default_factory=dict)  # follow choices by element type
    #: per element type: (choice -> message times, Tencent calls, emulator answer times)
    by_element: dict[str, tuple[list[float], list[int], list[float]]] = field(default_factory=dict)

    def count(self, calls: Calls) -> None:
        """Add the calls one answer made.

        Args:
            calls: the emulator's calls during that answer.
        """
        self.calls += len(calls.calls)
        self.list_calls += len(calls.of("get_appid_group_list"))
        self.info_calls += len(calls.of("get_group_info"))
        self.service += calls.service


async def _one(h: Harness, url: str, request: Signed, out: Answers, *, wait: float = 10.0) -> dict[str, Any]:
    """Send one request, time it to its message, count its Tencent calls; the message (empty if none)."""
    mark = await h.mark()
    out.sent += 1
    [result] = await h.ack_phase(url, [request], 1)
    arrived = await h.arrivals([request.rid], wait=wait)
    out.count(await h.calls_since(mark))
    if request.rid not in arrived or result.status != 200:
        out.failures += 1
        return {}
    out.times.append(arrived[request.rid] - result.sent)
    return await h.message(request.rid)


async def groups_commands(h: Harness, url: str, texts: Sequence[str], *, gap: float = 1.05) -> Answers:
    """``/im-groups TEXT`` (page 1 with names) one at a time, each text a page not cached.

    Tencent allows one ``get_appid_group_list`` a second, so each command is sent ``gap`` seconds after the
    previous message arrived: the pacer never holds one back and the time is timbot's plus Tencent's.

    Args:
        h: the harness.
        url: timbot's /slack/events URL.
        texts: distinct texts (distinct Tencent requests).
        gap: seconds between a message and the next command.
    """
    out = Answers()
    for text in texts:
        message = await _one(h, url, h.signer.command("/im-groups", text, rid=new_rid("e2e-groups")), out)
        if message and not follow_options(message):
            out.failures += 1  # a page of groups always has rows to follow
        await asyncio.sleep(gap)
    return out


async def follows(h: Harness, url: str, chosen: Sequence[tuple[str, str, str]],
                  paired: Sequence[str] = ()) -> tuple[Answers, Answers]:
    """Each follow choice (element type, label, value) one at a time: choice -> the new message; after each,
    a typed ``/im-group`` of one of ``paired`` (groups not cached), so that the follows and the commands
    they are compared with are measured at the same moments (the machine's load drifts).

    A ``Details`` choice must answer with the page of ``/im-group ID``, posted as a new message (not
    replacing the list).

    Args:
        h: the harness.
        url: timbot's /slack/events URL.
        chosen: options taken from real answers' menus.
        paired: groups of the interleaved commands (none if empty).

    Returns:
        the follows, the interleaved commands.
    """
    out, typed = Answers(), Answers()
    pairs = iter(paired)
    for element, label, value in chosen:
        group = next(pairs, None)
        if group is not None:
            await _one(h, url, h.signer.command("/im-group", group, rid=new_rid("paired")), typed)
        request = h.signer.choose(element, value, label, rid=new_rid("follow"))
        before = (len(out.times), out.calls, len(out.service))
        message = await _one(h, url, request, out)
        times, calls, service = out.by_element.setdefault(element, ([], [], []))
        times += out.times[before[0]:]
        calls.append(out.calls - before[1])
        service += out.service[before[2]:]
        target = value.split("|", 2)[-1]
        if message and (message.get("replace_original") is not False or target not in json.dumps(message)):
            out.failures += 1
        out.elements[element] = out.elements.get(element, 0) + 1
    return out, typed


#: Pages of a walk at which the list calls so far are read (the issue's examples; others up to the walk).
WALK_AT = (1, 50, 51, 135)


@dataclass
class Walk:
    """A walk of ``/im-groups`` page by page (Next after Next) on a timbot with nothing cached."""

    pages: int = 0  # pages seen
    list_at: dict[int, int] = field(default_factory=dict)  # page -> get_appid_group_list calls so far
    per_page: list[tuple[int, int]] = field(default_factory=list)  # (list, info) calls of each page
    uncached: list[float] = field(default_factory=list)  # Next click -> message, not cached
    cached: list[float] = field(default_factory=list)  # the same Next clicked again
    cached_calls: int = 0
    seconds: float = 0.0
    failures: int = 0
    options: list[tuple[str, str, str]] = field(default_factory=list)  # the follow options of every page


async def walk(h: Harness, url: str, pages: int, *, again: Sequence[int] = (2, 3, 52)) -> Walk:
    """``/im-groups`` (pages of 20), then Next until ``pages`` pages are seen or there is no Next.

    Args:
        h: the harness.
        url: the /slack/events URL of a timbot that has answered nothing yet.
        pages: how many pages to walk.
        again: pages whose Next is clicked a second time (the page is then cached: no Tencent call).
    """
    out = Walk()
    list_calls = 0
    started = time.monotonic()
    request = h.signer.command("/im-groups", "", rid=new_rid("walk"))
    clicked: str | None = None  # the Next value that led to the page
    while True:
        page = Answers()
        message = await _one(h, url, request, page, wait=15)
        if not message:
            out.failures += 1
            break
        out.pages += 1
        list_calls += page.list_calls
        out.per_page.append((page.list_calls, page.info_calls))
        if out.pages in WALK_AT or out.pages == pages:
            out.list_at[out.pages] = list_calls
        if out.pages > 1:
            out.uncached += page.times
        out.options += follow_options(message)
        if clicked is not None and out.pages in again:  # the Next that led here, clicked again
            repeat = Answers()
            if await _one(h, url, h.signer.click(clicked, rid=new_rid("walk-again")), repeat):
                out.cached += repeat.times
                out.cached_calls += repeat.calls
            else:
                out.failures += 1
        clicked = next_value(message)
        if clicked is None or out.pages >= pages:
            break
        request = h.signer.click(clicked, rid=new_rid("walk"))
    out.seconds = time.monotonic() - started
    return out
