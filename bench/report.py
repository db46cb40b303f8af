"""The figures of a run, the targets of issues 5, 11 and 13 (PASS/MISS) and the Markdown report
(bench/RESULTS.md)."""

from __future__ import annotations

import datetime
import math
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.exportbench import ExportFigures
from bench.scenarios import WALK_AT, Answers, ClickFigures, Economy, Walk
from bench.stats import Figure, Rep, describe, ms, percentile

MB = 1024 * 1024
#: IDs of one /im-groups chunk (``timbot.commands.specs.groups.CHUNK``, kept here so the report needs no
#: import of timbot) and the walk's page size.
CHUNK = 1000
WALK_PAGE = 20


def issue_list_calls(pages: int) -> int:
    """List calls of a walk of ``pages`` pages of 20 by issue 11's formula, ``ceil(20 P / chunk)``.

    Args:
        pages: P.
    """
    return math.ceil(WALK_PAGE * pages / CHUNK)


def design_list_calls(pages: int) -> int:
    """List calls by timbot's design: page 1 asks for its own 20 IDs, the chunks start at its ``Next``.

    Args:
        pages: P.
    """
    return 1 + math.ceil(WALK_PAGE * (pages - 1) / CHUNK)


@dataclass
class Results:
    """Everything a run measured."""

    latency: float
    profile: dict[str, Any]
    ack: dict[tuple[str, int], list[Rep]] = field(default_factory=dict)
    ack_errors: dict[tuple[str, int], int] = field(default_factory=dict)
    isolated: list[Rep] = field(default_factory=list)
    isolated_ref: dict[str, list[Rep]] = field(default_factory=dict)  # floor, bolt-pbr with 30 ms pauses
    unanswered: int = 0
    e2e: dict[int, list[Rep]] = field(default_factory=dict)
    e2e_calls: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    e2e_missing: int = 0
    e2e_service: dict[int, list[float]] = field(default_factory=dict)
    clicks: list[ClickFigures] = field(default_factory=list)
    economy: list[Economy] = field(default_factory=list)
    rss_before: int = 0
    rss_after: int = 0
    memory_commands: int = 0
    memory_unanswered: int = 0
    memory_seconds: float = 0.0
    groups_cmd: list[Answers] = field(default_factory=list)  # /im-groups page 1 with names, 1 concurrent
    follow: list[Answers] = field(default_factory=list)  # follow choice -> new message, 1 concurrent
    paired: list[Answers] = field(default_factory=list)  # /im-group commands interleaved with the follows
    walk: Walk | None = None
    export: ExportFigures | None = None  # issue 13's export of N groups and the answers during it
    rate_limited: int = 0
    duration: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at the start and at the end

    def add_ack(self, target: str, conc: int, rep: Rep, *, errors: int) -> None:
        """Record one repetition of an ack phase.

        Args:
            target: floor, bolt or timbot.
            conc: concurrency.
            rep: the repetition's summary.
            errors: answers other than 200.
        """
        self.ack.setdefault((target, conc), []).append(rep)
        self.ack_errors[(target, conc)] = self.ack_errors.get((target, conc), 0) + errors

    def add_e2e(self, conc: int, rep: Rep | None, *, calls: int, commands: int, missing: int,
                service: float) -> None:
        """Record one repetition of an end-to-end phase.

        Args:
            conc: concurrency.
            rep: summary of the command-to-message times (None if no message arrived).
            calls: Tencent calls made during the phase.
            commands: commands sent.
            missing: commands whose message never arrived.
            service: mean seconds the emulator took per answer (latency + its own work).
        """
        self.e2e_service.setdefault(conc, []).append(service)
        if rep is not None:
            self.e2e.setdefault(conc, []).append(rep)
        self.e2e_calls.setdefault(conc, []).append((calls, commands))
        self.e2e_missing += missing

    def calls_per_command(self, conc: int) -> float:
        """Average Tencent calls per command in the end-to-end phase at ``conc``.

        Args:
            conc: concurrency.
        """
        pairs = self.e2e_calls.get(conc, [])
        return sum(c for c, _ in pairs) / max(1, sum(n for _, n in pairs))

    def overhead(self, conc: int) -> Figure | None:
        """End-to-end minus the injected Tencent latency of the calls each command made.

        Args:
            conc: concurrency.
        """
        reps = self.e2e.get(conc)
        if not reps:
            return None
        return Figure(tuple(reps)).shifted(-self.latency * self.calls_per_command(conc))

    def own_time(self, conc: int) -> Figure | None:
        """End-to-end minus the emulator's whole answer time per call (timbot's own time, stricter).

        Args:
            conc: concurrency.
        """
        reps, service = self.e2e.get(conc), self.e2e_service.get(conc)
        if not reps or not service:
            return None
        mean = sum(service) / len(service)
        return Figure(tuple(reps)).shifted(-mean * self.calls_per_command(conc))

    def answers(self, which: str) -> tuple[Figure | None, Figure | None, Figure | None, float, float]:
        """``groups`` (``/im-groups`` page 1), ``follow`` or ``paired`` (the ``/im-group`` commands
        interleaved with the follows): (answer time, overhead minus calls x latency, minus the emulator's
        answer time per call instead, calls per answer, emulator time per call).

        Args:
            which: ``groups``, ``follow`` or ``paired``.
        """
        reps = {"groups": self.groups_cmd, "follow": self.follow, "paired": self.paired}[which]
        timed = [Rep.of(a.times) for a in reps if a.times]
        per = sum(a.calls for a in reps) / max(1, sum(a.sent for a in reps))
        service = [t for a in reps for t in a.service]
        mean = sum(service) / len(service) if service else 0.0
        if not timed:
            return None, None, None, per, mean
        fig = Figure(tuple(timed))
        return fig, fig.shifted(-self.latency * per), fig.shifted(-mean * per), per, mean

    def follow_by(self, element: str) -> tuple[Figure, Figure, Figure, float, float, int] | None:
        """The follows chosen from one element type (``button``: an ordinary group's row; ``overflow``: a
        live room's, whose answer is bigger): (time, overhead, own time, calls per follow, emulator time
        per call, follows), or None if there was none.

        Args:
            element: ``button``, ``overflow`` or ``static_select``.
        """
        parts = [a.by_element[element] for a in self.follow if a.by_element.get(element, ([],))[0]]
        if not parts:
            return None
        calls = [c for _, cs, _ in parts for c in cs]
        service = [t for _, _, ts in parts for t in ts]
        per = sum(calls) / max(1, len(calls))
        mean = sum(service) / len(service) if service else 0.0
        fig = Figure(tuple(Rep.of(times) for times, _, _ in parts))
        return fig, fig.shifted(-self.latency * per), fig.shifted(-mean * per), per, mean, len(calls)

    def click_figure(self, cached: bool) -> Figure | None:
        """Click-to-message times of the Next clicks.

        Args:
            cached: the page was already cached (the second click on the same button).
        """
        reps = [Rep.of(c.cached if cached else c.uncached) for c in self.clicks if (c.cached if cached
                                                                                    else c.uncached)]
        return Figure(tuple(reps)) if reps else None


def machine() -> str:
    """nproc, CPU model, Python version and kernel of this machine."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def targets(r: Results) -> list[tuple[bool, str, str]]:
    """Each target of issue 5 as (met, target, measurement).

    Args:
        r: the results.
    """
    out: list[tuple[bool, str, str]] = []
    levels = sorted({c for _, c in r.ack})
    low, high = levels[0], levels[-1]

    def fig(target: str, conc: int) -> Figure:
        return Figure(tuple(r.ack[(target, conc)]))

    t, f = fig("timbot", low), fig("floor", low)
    out.append((t.p50 <= 2 * f.p50, f"ack p50 at {low} concurrent within 2x the floor's",
                f"{ms(t.p50)} ms vs floor {ms(f.p50)} ms = {t.p50 / f.p50:.2f}x"))
    t, f = fig("timbot", high), fig("floor", high)
    out.append((t.p99 <= 1.5 * f.p99, f"ack p99 at {high} concurrent within 1.5x the floor's",
                f"{ms(t.p99)} ms vs floor {ms(f.p99)} ms = {t.p99 / f.p99:.2f}x"))
    worst = max(fig("timbot", c).max for c in levels)
    errors = sum(v for (name, _), v in r.ack_errors.items() if name == "timbot")
    out.append((worst <= 1.0 and errors == 0, "no timbot ack over 1 s (and every ack a 200)",
                f"slowest {ms(worst)} ms, {errors} non-200"))
    over = r.overhead(1)
    out.append((over is not None and over.p50 <= 0.015, "overhead p50 at 1 concurrent within 15 ms",
                f"{ms(over.p50)} ms" if over else "no message arrived"))
    cached = r.click_figure(True)
    calls = sum(c.calls_cached for c in r.clicks)
    out.append((cached is not None and cached.p50 <= 0.010 and calls == 0,
                "cached Next page within 10 ms (p50) with no Tencent call",
                f"{ms(cached.p50) if cached else 'n/a'} ms, {calls} Tencent calls"))
    pages = int(r.profile["pages"])
    ok = all(e.groups_calls == pages and (e.groups_min_gap is None or e.groups_min_gap >= 1.0)
             and e.answered == e.sent for e in r.economy)
    out.append((ok, f"burst of {r.profile['burst']} /im-groups, {pages} pages: {pages} calls >= 1 s apart",
                "; ".join(f"{e.groups_calls} calls, min gap "
                          f"{'n/a' if e.groups_min_gap is None else f'{e.groups_min_gap:.3f} s'}, "
                          f"{e.answered}/{e.sent} answered" for e in r.economy)))
    out.append((all(e.group_calls == 1 for e in r.economy),
                f"{r.profile['burst']} identical /im-group: 1 call",
                ", ".join(str(e.group_calls) for e in r.economy) + " call(s)"))
    out.append((r.rate_limited == 0, "no 60007 (or other over-limit answer) ever",
                f"{r.rate_limited} over-limit answers"))
    if r.follow:
        _, fover, _, per, _ = r.answers("follow")
        failures = sum(a.failures for a in r.follow)
        _, pover, _, _, _ = r.answers("paired")
        ratio = f" ({fover.p50 / pover.p50:.2f}x the {ms(pover.p50)} ms of /im-group commands interleaved)" \
            if fover and pover and pover.p50 > 0 else ""
        button = r.follow_by("button")
        like = f"; from a group's button (like the command's groups) {ms(button[1].p50)} ms" if button else ""
        out.append((fover is not None and fover.p50 <= 0.015 and failures == 0,
                    "follow (choice -> new message) overhead p50 at 1 concurrent within 15 ms, as a command",
                    (f"{ms(fover.p50)} ms{ratio}{like}, {per:.2f} Tencent calls per follow, "
                     f"{failures} failures" if fover else "no message arrived")))
    if r.walk is not None:
        w = r.walk
        wcached = Figure((Rep.of(w.cached),)) if w.cached else None
        out.append((bool(w.cached) and w.cached_calls == 0 and not w.failures,
                    "cached Next of /im-groups: no Tencent call",
                    f"{w.cached_calls} Tencent calls over {len(w.cached)} cached Next clicks"
                    + (f", p50 {ms(wcached.p50)} ms" if wcached else "")))
        at = sorted(w.list_at.items())
        measured = ", ".join(f"P={p}: {n}" for p, n in at)
        issue = ", ".join(str(issue_list_calls(p)) for p, _ in at)
        design = all(n == design_list_calls(p) for p, n in at)
        ok = all(n == issue_list_calls(p) for p, n in at)
        why = "" if ok else (
            "; missed by one call, by design: page 1 asks Tencent for its own 20 IDs only (the first answer "
            f"as fast as Tencent gives 20), the chunks of {CHUNK} start at page 1's Next, so a walk makes "
            "1 + ceil(20 (P-1) / chunk)" + (" (matched at every P)" if design else " (NOT matched either)"))
        out.append((ok, f"list calls of a walk of P pages of 20 = ceil(20 P / {CHUNK})",
                    f"measured {measured} vs formula {issue}{why}"))
    if r.export is not None:
        out += export_targets(r.export)
    growth = r.rss_after - r.rss_before
    out.append((growth < 30 * MB, f"memory growth under 30 MB across {r.memory_commands} commands",
                f"{growth / MB:+.1f} MB ({r.rss_before / MB:.1f} -> {r.rss_after / MB:.1f} MB)"))
    return out


def _p50(values: list[float]) -> float | None:
    return percentile(values, 50) if values else None


def export_targets(x: ExportFigures) -> list[tuple[bool, str, str]]:
    """Issue 13's targets of the export phase as (met, target, measurement).

    Args:
        x: the export phase's figures.
    """
    out: list[tuple[bool, str, str]] = []

    def check(e: ExportFigures) -> str:
        return (f"{e.rows:,} rows, {e.distinct:,} distinct groups, {e.row_errors} with an error, header "
                f"{'as expected' if e.header_ok else 'WRONG'}" + (f", {e.failure}" if e.failure else ""))

    alone = x.alone if x.alone is not None else x
    ratio = alone.seconds / alone.limit if alone.seconds else math.inf
    busy = (f"; with the interactive commands during it {x.seconds:.1f} s = {x.seconds / x.limit:.2f}x "
            f"({check(x)})" if x.alone is not None else "")
    out.append((alone.file_ok and x.file_ok and ratio <= 1.25,
                f"export of {x.groups:,} groups within 1.25x the physical limit "
                f"(ceil(N/{10_000:,}) list calls 1 s apart + ceil(N/50) info calls at 200/s), file complete",
                f"alone {alone.seconds:.1f} s vs {alone.limit:.1f} s = {ratio:.2f}x ({check(alone)}){busy}"))
    growths = [(e.rss_peak - e.rss_before, e) for e in (alone, x)]
    growth, worst = max(growths, key=lambda g: g[0])
    out.append((all(e.rss_before > 0 for e in (alone, x)) and growth < 50 * MB,
                "memory growth during the export under 50 MB",
                f"{growth / MB:+.1f} MB at the peak ({worst.rss_before / MB:.1f} -> "
                f"{worst.rss_peak / MB:.1f} MB; {worst.rss_after / MB:.1f} MB after)" + ("; " + ", ".join(
                    f"{label} {(e.rss_peak - e.rss_before) / MB:+.1f} MB"
                    for label, e in (("alone", alone), ("with interactive commands", x)))
                    if x.alone is not None else "")))
    for what, idle, during, bound in (("an interactive `/im-groups` page", x.idle.groups, x.busy.groups, 1.1),
                                    ("an `/im-group` card", x.idle.cards, x.busy.cards, 0.050)):
        i, b = _p50(idle), _p50(during)
        ok = i is not None and b is not None and b - i <= bound
        measured = (f"{ms(b)} ms during vs {ms(i)} ms idle = {(b - i) * 1000:+.1f} ms "
                    f"({len(during)} during, {len(idle)} idle)" if i is not None and b is not None
                    else f"not measured ({len(during)} during, {len(idle)} idle)")
        bound_text = f"{bound:.1f} s" if bound >= 1 else f"{bound * 1000:.0f} ms"
        out.append((ok, f"p50 of {what} during the export at most +{bound_text} over idle (same run)",
                    measured))
    return out


def _export_section(x: ExportFigures) -> list[str]:
    """The export phase's section."""
    def cell(values: list[float]) -> str:
        if not values:
            return "n/a"
        return f"{ms(percentile(values, 50))} / {ms(percentile(values, 99))} ({len(values)})"

    info = math.ceil(x.groups / 50)
    alone: list[str] = []
    if x.alone is not None:
        a = x.alone
        header = "as expected" if a.header_ok else "WRONG"
        alone = [f"Alone (a fresh timbot, no other command): command -> file shared in the DM "
                 f"{a.seconds:.1f} s, {a.seconds / a.limit:.2f}x the physical limit; Tencent calls "
                 f"{a.list_calls} list, {a.info_calls:,} get_group_info, {a.rate_limited} over-limit "
                 "answers; "
                 f"file {a.file_bytes:,} bytes, {a.rows:,} rows, {a.distinct:,} distinct groups, "
                 f"{a.row_errors} rows with an error, header {header}"
                 f"{'; ' + a.failure if a.failure else ''}; "
                 f"RSS {a.rss_before / MB:.1f} MB before, {a.rss_peak / MB:.1f} MB at the peak.", "",
                 "With interactive commands during it (another fresh timbot, after the idle answers below):"]
    return [f"## Export: `/im-groups --csv` of {x.groups:,} groups (fresh timbot, no Redis; emulator with "
            "Tencent's limits)", "", *alone,
            f"Command -> file shared in the DM: {x.seconds:.1f} s; physical limit {x.limit:.1f} s "
            f"(ceil(N/10,000) = {math.ceil(x.groups / 10_000)} list calls 1 s apart + {info:,} info calls "
            f"at 200/s); {x.seconds / x.limit if x.limit else 0:.2f}x. Tencent calls during it (with the "
            f"interactive ones): {x.list_calls} list, {x.info_calls:,} get_group_info, {x.rate_limited} "
            f"over-limit answers. File: {x.file_bytes:,} bytes, {x.rows:,} rows, {x.distinct:,} distinct "
            f"groups, {x.row_errors} rows with an error, header {'as expected' if x.header_ok else 'WRONG'}"
            f"{'; ' + x.failure if x.failure else ''}.",
            f"RSS of the timbot process: {x.rss_before / MB:.1f} MB before, {x.rss_peak / MB:.1f} MB at the "
            f"peak (sampled every 50 ms), {x.rss_after / MB:.1f} MB after.", "",
            "| interactive answer (command -> message), p50 / p99 (n), ms | idle (before the export) | "
            "during the export |", "|---|---|---|",
            f"| `/im-groups TYPE --limit L` (page 1 with names, distinct) | {cell(x.idle.groups)} | "
            f"{cell(x.busy.groups)} |",
            f"| `/im-group ID` (distinct groups) | {cell(x.idle.cards)} | {cell(x.busy.cards)} |", "",
            f"One command at a time: an `/im-groups` every {2.0:.0f} s, `/im-group` cards between; failures: "
            f"idle {x.idle.failures}, during {x.busy.failures}. An interactive list call goes before the "
            "export's, but waits for the second of the export's last one; each one also holds the export's "
            "next list call back (Tencent allows one a second). The machine is shared: compare the columns "
            "of one run, not runs.", ""]


def render(r: Results, *, command: str, profile_name: str) -> str:
    """The Markdown report.

    Args:
        r: the results.
        command: the command line that produced them.
        profile_name: full, quick or smoke.
    """
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# timbot benchmark results", "",
        f"- taken {now} on {machine()}",
        f"- command: `{command}` (profile `{profile_name}`, {r.duration:.0f} s); 1-minute load average "
        f"{r.load[0]:.2f} at the start, {r.load[1]:.2f} at the end (other work on the machine shows here)",
        f"- injected Tencent latency {ms(r.latency)} ms per call; every server runs under uvicorn on "
        "loopback, each in its own process; the load generator is another process (aiohttp, keep-alive)",
        "- each cell: p50 [lowest–highest of the repetitions] / p99 [lowest–highest], in ms; "
        f"{r.profile['reps']} repetitions", "",
        "## Targets", "",
    ]
    lines += [f"- **{'PASS' if ok else 'MISS'}** {name}: {measured}" for ok, name, measured in targets(r)]
    lines += ["", "## Ack latency (slash command -> HTTP 200)", "",
              "| concurrent | requests | floor (signature only) | bare Bolt (default mode) | "
              "bare Bolt (process_before_response) | timbot | timbot/floor p50, p99 | Bolt/floor p50, p99 |",
              "|---|---|---|---|---|---|---|---|"]
    for conc in sorted({c for _, c in r.ack}):
        f, b, p, t = (Figure(tuple(r.ack[(name, conc)])) for name in ("floor", "bolt", "bolt-pbr", "timbot"))
        lines.append(f"| {conc} | {r.ack[('timbot', conc)][0].n} | {describe(f)} | {describe(b)} | "
                     f"{describe(p)} | {describe(t)} | {t.p50 / f.p50:.2f}x, {t.p99 / f.p99:.2f}x | "
                     f"{b.p50 / f.p50:.2f}x, {b.p99 / f.p99:.2f}x |")
    if r.isolated:
        iso = Figure(tuple(r.isolated))
        lines += ["", "timbot, one command at a time on a keep-alive connection, the next sent once the "
                  f"previous answer arrived, so no answer is in progress ({r.isolated[0].n} per repetition): "
                  f"{describe(iso)}. The 1-concurrent row above keeps sending while the answers of earlier "
                  "commands are computed on the same event loop."]
        refs = {name: Figure(tuple(reps)) for name, reps in r.isolated_ref.items() if reps}
        if refs:
            lines += ["", "The same for the references, one request at a time with a 30 ms pause between "
                      "requests (a server that sat idle answers more slowly than one kept busy): "
                      + "; ".join(f"{name} {describe(fig)}" for name, fig in refs.items()) + "."]
    errs = {k: v for k, v in r.ack_errors.items() if v}
    lines += ["", f"Non-200 acks: {errs or 'none'}; timbot commands never answered: {r.unanswered}.",
              "", "## End-to-end: command -> message at response_url (timbot, `/im-group ID`, uncached)", "",
              "Each of the N concurrent senders sends its next command once its previous message arrived.",
              "",
              "| concurrent | command -> message | Tencent calls per command "
              "| overhead (minus calls x latency) | emulator answer time per call | minus that instead |",
              "|---|---|---|---|---|---|"]
    for conc, reps in sorted(r.e2e.items()):
        over, own = r.overhead(conc), r.own_time(conc)
        service = r.e2e_service.get(conc, [0.0])
        lines.append(f"| {conc} | {describe(Figure(tuple(reps)))} | {r.calls_per_command(conc):.2f} | "
                     f"{describe(over) if over else 'n/a'} | {ms(sum(service) / len(service))} | "
                     f"{describe(own) if own else 'n/a'} |")
    lines += ["", f"Messages missing: {r.e2e_missing}. Under concurrency the figure includes the wait for "
              "one of the 16 answers timbot works on at once (the others queue); 50 get_group_info calls are "
              "under Tencent's 200 in any second, so the pacer lets them all leave at once.", "",
              *_groups_and_follows(r),
              "## Next click -> replaced message (`/im-joined USER --limit 5`, then Next)", "",
              "| page | click -> message | Tencent calls per click |", "|---|---|---|"]
    for cached in (False, True):
        fig = r.click_figure(cached)
        n = sum(len(c.cached if cached else c.uncached) for c in r.clicks)
        calls = sum(c.calls_cached if cached else c.calls_uncached for c in r.clicks)
        lines.append(f"| {'cached (second click)' if cached else 'not cached'} | "
                     f"{describe(fig) if fig else 'n/a'} | {calls / max(1, n):.2f} |")
    lines += ["", f"Click failures: {sum(c.failures for c in r.clicks)}.", "", "## Tencent call economy", "",
              "| repetition | /im-groups burst: calls (ideal "
              f"{r.profile['pages']}) | min gap | /im-group burst: calls (ideal 1) | answered |",
              "|---|---|---|---|---|"]
    for i, e in enumerate(r.economy, 1):
        gap = "n/a" if e.groups_min_gap is None else f"{e.groups_min_gap:.3f} s"
        lines.append(f"| {i} | {e.groups_calls} | {gap} | {e.group_calls} | {e.answered}/{e.sent} |")
    lines += ["", "## Memory (RSS of the timbot server process)", "",
              f"- before (after a warm-up): {r.rss_before / MB:.1f} MB; after {r.memory_commands} commands: "
              f"{r.rss_after / MB:.1f} MB; growth {(r.rss_after - r.rss_before) / MB:+.1f} MB",
              "- mix of `/im-group`, `/im-joined`, `/im-room`, `/im-friends` over distinct IDs, "
              "50 concurrent, "
              f"{r.memory_seconds:.1f} s, {r.memory_unanswered} unanswered", ""]
    if r.export is not None:
        lines += _export_section(r.export)
    lines.append("Percentiles are nearest-rank within a repetition; a cell's first figure is the median over "
                 "repetitions. Ratios compare those medians.")
    return "\n".join(lines) + "\n"


def _groups_and_follows(r: Results) -> list[str]:
    """The sections of ``/im-groups`` with names, the follows and the walk (empty when not measured)."""
    if not (r.groups_cmd or r.follow or r.walk):
        return []
    command = r.overhead(1)
    lines = ["## End-to-end: `/im-groups` with names and a follow (timbot, 1 concurrent, uncached)", "",
             "One at a time. `/im-groups` pages are page 1 of distinct texts (`--limit 21` to `25`, every "
             "type), a second apart (Tencent allows one list call a second, so timbot's pacer never holds "
             "one back). "
             "A follow is a signed `block_actions` choosing `Details` in a real page's row (its button, or "
             "its overflow menu for a live room), answered as `/im-group ID` in a new message at the "
             "choice's response_url. After each follow a `/im-group ID` is typed (a group not cached), so "
             "the follows and the commands are compared at the same moments: the last column divides a "
             "follow's overhead by those commands', the other rows' by the `/im-group` row above's.", "",
             "| answer | n | -> message | Tencent calls per answer (list + info) | overhead (minus calls x "
             "latency) | emulator answer time per call | minus that instead | overhead / command's p50 |",
             "|---|---|---|---|---|---|---|---|"]
    rows: list[tuple[str, list[Answers]]] = [("`/im-groups` page 1 with names", r.groups_cmd),
                                              ("`/im-group ID` typed between the follows", r.paired),
                                              ("follow `Details` -> `/im-group ID`", r.follow)]
    paired = r.answers("paired")[1]
    for (label, reps), which in zip(rows, ("groups", "paired", "follow"), strict=True):
        if not reps:
            continue
        fig, over, own, per, mean = r.answers(which)
        base = paired if which == "follow" and paired is not None else command
        sent = sum(a.sent for a in reps)
        lists, infos = (sum(a.list_calls for a in reps), sum(a.info_calls for a in reps))
        split = f"{lists / max(1, sent):.2f} + {infos / max(1, sent):.2f}"
        ratio = f"{over.p50 / base.p50:.2f}x" if over and base and base.p50 > 0 else "n/a"
        lines.append(f"| {label} | {sent} | {describe(fig) if fig else 'n/a'} | {per:.2f} ({split}) | "
                     f"{describe(over) if over else 'n/a'} | {ms(mean)} | "
                     f"{describe(own) if own else 'n/a'} | "
                     f"{ratio} |")
    for element, what in (("button", "a group's button"), ("overflow", "a live room's overflow menu")):
        sub = r.follow_by(element)
        if sub is None:
            continue
        fig, over, own, per, mean, n = sub
        base = paired if paired is not None else command
        ratio = f"{over.p50 / base.p50:.2f}x" if base and base.p50 > 0 else "n/a"
        lines.append(f"| of which from {what} | {n} | {describe(fig)} | {per:.2f} | {describe(over)} | "
                     f"{ms(mean)} | {describe(own)} | {ratio} |")
    elements: dict[str, int] = {}
    for a in r.follow:
        for kind, n in a.elements.items():
            elements[kind] = elements.get(kind, 0) + n
    lines += ["", f"Failures (no message, or not the expected one): groups "
              f"{sum(a.failures for a in r.groups_cmd)}, follows {sum(a.failures for a in r.follow)}; follow "
              f"choices by element: {', '.join(f'{k} {n}' for k, n in sorted(elements.items())) or 'none'}.",
              ""]
    w = r.walk
    if w is None:
        return lines
    kinds: dict[str, list[tuple[int, int]]] = {"page 1 (the command)": w.per_page[:1]}
    for page in w.per_page[1:]:
        kinds.setdefault("Next into a new chunk" if page[0] else "Next inside a chunk", []).append(page)
    nxt = Figure((Rep.of(w.uncached),)) if w.uncached else None
    cached = Figure((Rep.of(w.cached),)) if w.cached else None
    lines += [f"## `/im-groups` walk: pages of {WALK_PAGE}, chunks of {CHUNK} (fresh timbot, nothing cached)",
              "", f"`/im-groups`, then Next after Next: {w.pages} pages in {w.seconds:.1f} s; Next click -> "
              f"replaced page {describe(nxt) if nxt else 'n/a'}; the same Next clicked again (cached) "
              f"{describe(cached) if cached else 'n/a'} with {w.cached_calls} Tencent calls; "
              f"failures {w.failures}.", "",
              "| page | pages | list calls per page | get_group_info per page |", "|---|---|---|---|"]
    for key, seen in kinds.items():
        if seen:
            lines.append(f"| {key} | {len(seen)} | {sum(c[0] for c in seen) / len(seen):.2f} | "
                         f"{sum(c[1] for c in seen) / len(seen):.2f} |")
    lines += ["", f"| P (pages walked) | list calls measured | issue 11: ceil(20 P / {CHUNK}) | "
              f"timbot's design: 1 + ceil(20 (P-1) / {CHUNK}) |", "|---|---|---|---|"]
    for p, n in sorted(w.list_at.items()):
        lines.append(f"| {p} | {n} | {issue_list_calls(p)} | {design_list_calls(p)} |")
    per_chunk = CHUNK // WALK_PAGE
    exact = f"P = 1, {1 + per_chunk}, {1 + 2 * per_chunk}, ..."
    at = ", ".join(str(p) for p in WALK_AT)
    issue = ", ".join(str(issue_list_calls(p)) for p in WALK_AT)
    design = ", ".join(str(design_list_calls(p)) for p in WALK_AT)
    lines += ["", "Page 1 asks Tencent for its own 20 IDs only (so the first answer comes as fast as Tencent "
              "gives 20; an older acceptance test needs page 1's own Next sent back); the first chunk of "
              f"{CHUNK} starts at page 1's Next. So a walk makes one list call more than the issue's "
              f"formula, except when P = 1 + {per_chunk} k ({exact}): for P = {at} the issue's figures are "
              f"{issue}, the design's {design}. A Next into a new chunk may wait for the pacer (one list "
              "call a second), which shows in the Next figure's p99.", ""]
    return lines


def write(path: Path, text: str) -> None:
    """Write the report.

    Args:
        path: destination.
        text: Markdown.
    """
    path.write_text(text)
