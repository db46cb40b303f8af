"""The export phase: ``/im-groups --csv`` of N groups against Tencent's limits; interactive answers during it.

A fresh timbot (no Redis: the export runs in the web process) talks to an emulator of its own holding N groups
with Tencent's limits on (one ``get_appid_group_list`` a second, 200 ``get_group_info`` a second). The export
is started by a signed slash command and timed until the fake Slack has the file shared
(``files.completeUploadExternal``); the file is read back (header, one row per group, each group once). The
physical limit is ``ceil(N / 10000)`` list calls a second apart plus ``ceil(N / 50)`` info calls at 200/s.
Interactive ``/im-groups`` pages (distinct texts, so nothing is cached) and ``/im-group ID`` cards (distinct
groups) are timed command -> message before the export (idle) and during it, in the same pattern.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.load import Signed, new_rid
from bench.procs import Server, rss_bytes
from bench.scenarios import Harness

#: IDs of one ``get_appid_group_list`` of an export and of one ``get_group_info`` (Tencent's maxima).
LIST_IDS = 10_000
INFO_IDS = 50
#: Tencent's limits: list calls a second, info calls a second.
LIST_RATE = 1
INFO_RATE = 200
#: The export file's header (``timbot.exports`` GROUP_COLUMNS).
HEADER = ("group_id", "name", "type", "member_count", "max_members", "owner", "created", "error")
#: Seconds between two interactive ``/im-groups`` (Tencent's one list call a second, and room for the
#: export's own) and between the ``/im-group`` cards sent meanwhile.
GROUPS_GAP = 2.0
CARD_GAP = 0.25
_KINDS = ("", "Public", "Private", "ChatRoom", "Community", "AVChatRoom")


def physical_limit(groups: int) -> float:
    """Seconds an export of ``groups`` groups takes at least: its list calls 1 s apart plus its info calls at
    200/s, ``ceil(N / 10000) + ceil(N / 50) / 200``.

    Args:
        groups: N.
    """
    return math.ceil(groups / LIST_IDS) / LIST_RATE + math.ceil(groups / INFO_IDS) / INFO_RATE


def groups_texts() -> Iterator[str]:
    """Distinct ``/im-groups`` texts (each a Tencent request of its own): a type and a page size."""
    for limit in itertools.count(5):
        for kind in _KINDS:
            yield f"{kind} --limit {limit}".strip()


@dataclass
class Probes:
    """Interactive answers, command -> message, in seconds."""

    groups: list[float] = field(default_factory=list)
    cards: list[float] = field(default_factory=list)
    failures: int = 0


@dataclass
class ExportFigures:
    """What the export phase measured."""

    groups: int
    seconds: float = 0.0  # the command sent -> the file shared in the DM
    rss_before: int = 0
    rss_peak: int = 0
    rss_after: int = 0
    rows: int = 0
    distinct: int = 0
    row_errors: int = 0
    header_ok: bool = False
    file_bytes: int = 0
    list_calls: int = 0
    info_calls: int = 0
    rate_limited: int = 0
    failure: str = ""
    idle: Probes = field(default_factory=Probes)
    busy: Probes = field(default_factory=Probes)
    #: the same export with no interactive command before or during it (another fresh timbot)
    alone: ExportFigures | None = None

    @property
    def limit(self) -> float:
        """The physical limit of this export."""
        return physical_limit(self.groups)

    @property
    def file_ok(self) -> bool:
        """The file has the header and one row per group, each group once, none with an error."""
        return (not self.failure and self.header_ok and self.rows == self.groups == self.distinct
                and self.row_errors == 0)


async def _timed(h: Harness, url: str, request: Signed, out: list[float], probes: Probes) -> None:
    [result] = await h.ack_phase(url, [request], 1)
    arrived = await h.arrivals([request.rid], wait=15)
    if result.status != 200 or request.rid not in arrived:
        probes.failures += 1
    else:
        out.append(arrived[request.rid] - result.sent)


async def probe(h: Harness, url: str, probes: Probes, *, texts: Iterator[str], cards: Iterator[str],
                until: Callable[[], bool], first: float = 0.0) -> None:
    """``/im-groups`` every ``GROUPS_GAP`` s, ``/im-group`` cards between, one at a time, until ``until()``.

    Args:
        h: the harness.
        url: timbot's /slack/events URL.
        probes: where the times go.
        texts: distinct ``/im-groups`` texts.
        cards: distinct group IDs.
        until: checked before each command.
        first: seconds before the first ``/im-groups`` (cards meanwhile).
    """
    due = time.monotonic() + first
    while not until():
        if time.monotonic() >= due:
            due = time.monotonic() + GROUPS_GAP
            request = h.signer.command("/im-groups", next(texts), rid=new_rid("x-groups"))
            await _timed(h, url, request, probes.groups, probes)
        else:
            request = h.signer.command("/im-group", next(cards), rid=new_rid("x-card"))
            await _timed(h, url, request, probes.cards, probes)
            await asyncio.sleep(CARD_GAP)


def check_file(data: bytes, figures: ExportFigures) -> None:
    """Read the CSV back into ``figures``: header, rows, distinct group IDs, rows with an error.

    Args:
        data: the file's bytes.
        figures: updated in place.
    """
    figures.file_bytes = len(data)
    text = data.decode("utf-8")
    text = text.removeprefix(codecs.BOM_UTF8.decode("utf-8"))
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    figures.header_ok = tuple(header or ()) == HEADER
    seen: set[str] = set()
    rows = errors = 0
    for row in reader:
        rows += 1
        seen.add(row[0])
        errors += bool(row[-1])
    figures.rows, figures.distinct, figures.row_errors = rows, len(seen), errors


async def _one_export(h: Harness, timbot: Server, http: httpx.AsyncClient, slack_url: str,
                      figures: ExportFigures, *, texts: Iterator[str], cards: Iterator[str],
                      probing: bool) -> None:
    """One export of ``/im-groups --csv`` into ``figures``, interactive commands during it if ``probing``."""
    url = f"{timbot.url}/slack/events"
    known = {f["id"] for f in (await http.get(f"{slack_url}/_bench/files")).json()}
    mark = await h.mark()
    figures.rss_before = figures.rss_peak = rss_bytes(timbot.process.pid)
    request = h.signer.command("/im-groups", "--csv", rid=new_rid("x-export"))
    done = asyncio.Event()

    async def watch_rss() -> None:
        while not done.is_set():
            figures.rss_peak = max(figures.rss_peak, rss_bytes(timbot.process.pid))
            await asyncio.sleep(0.05)

    async def wait_file() -> dict[str, Any] | None:
        deadline = time.monotonic() + max(120.0, 6 * physical_limit(figures.groups))
        while time.monotonic() < deadline:
            listed = (await http.get(f"{slack_url}/_bench/files", params={"wait": 5})).json()
            shared = [f for f in listed if f["shared"] is not None and f["id"] not in known]
            if shared:
                return dict(shared[0])
        return None

    watcher = asyncio.create_task(watch_rss())
    [result] = await h.ack_phase(url, [request], 1)
    waiter = asyncio.create_task(wait_file())
    try:
        if probing:
            await probe(h, url, figures.busy, texts=texts, cards=cards, until=waiter.done, first=0.5)
        shared = await waiter
    finally:
        done.set()
        await watcher
    if result.status != 200 or shared is None:
        figures.failure = f"ack {result.status}, file {'not shared' if shared is None else 'shared'}"
        return
    figures.seconds = float(shared["shared"]) - result.sent
    await asyncio.sleep(0.5)
    figures.rss_after = rss_bytes(timbot.process.pid)
    calls = await h.calls_since(mark)
    figures.list_calls = len(calls.of("get_appid_group_list"))
    figures.info_calls = len(calls.of("get_group_info"))
    figures.rate_limited = calls.rate_limited
    check_file((await http.get(f"{slack_url}/_bench/file/{shared['id']}")).content, figures)


async def export_phase(h: Harness, timbot: Server, slack_url: str, *, groups: int, idle: int,
                       alone: bool = False) -> ExportFigures:
    """An export of ``groups`` groups: alone, or after idle answers and with the same answers during it.

    Args:
        h: a harness whose emulator is the sized one ``timbot`` talks to.
        timbot: a fresh timbot server (nothing cached).
        slack_url: the fake Slack.
        groups: N (the emulator's size).
        idle: ``/im-groups`` answers measured idle (cards: as many as fit between them).
        alone: no interactive command before or during the export (after a warm-up).
    """
    url = f"{timbot.url}/slack/events"
    figures = ExportFigures(groups=groups)
    async with httpx.AsyncClient(timeout=60) as http:
        ids = (await http.get(f"{h.emulator_url}/_bench/groups", params={"n": 2000})).json()["groups"]
        texts, cards = groups_texts(), iter(ids[1:] if alone else ids[len(ids) // 2:])
        # warm-up: imports, Bolt's auth.test, the first connection to Tencent (not measured)
        await _timed(h, url, h.signer.command("/im-group", ids[0], rid=new_rid("x-warm")), [], Probes())
        await asyncio.sleep(1.1)
        if not alone:
            await probe(h, url, figures.idle, texts=texts, cards=cards,
                        until=lambda: len(figures.idle.groups) >= idle)
            await asyncio.sleep(1.1)  # the last list call's second is over
        await _one_export(h, timbot, http, slack_url, figures, texts=texts, cards=cards, probing=not alone)
    return figures
