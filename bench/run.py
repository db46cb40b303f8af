"""Orchestrates a run (`python -m bench`): starts the servers, runs the phases, writes the report."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import secrets
import shlex
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bench import scenarios
from bench.exportbench import ExportFigures, export_phase
from bench.load import Signer, send, session
from bench.procs import Fleet, Server, free_port, rss_bytes
from bench.profile import summarize
from bench.report import Results, render, write
from bench.scenarios import Harness
from bench.stats import Rep

TARGETS = ("floor", "bolt", "bolt-pbr", "timbot")
PAGES = ("", "Public", "Private", "ChatRoom", "Community")
BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Profile:
    """How much of each phase a run does."""

    reps: int
    ack: dict[int, int]  # concurrency -> commands per repetition
    e2e: dict[int, int]
    clicks: int  # users per repetition, each: one uncached and one cached Next
    economy_reps: int
    pages: int
    burst: int
    memory: int
    groups: int  # /im-groups commands (page 1 with names) per repetition, one at a time, a second apart
    follows: int  # follow choices per repetition, one at a time
    walk: int  # pages of the /im-groups walk (135: every group of the demo data)
    export_groups: int = 100_000  # groups of the export phase's emulator (its /im-groups --csv)
    export_idle: int = 6  # /im-groups answers measured idle before the export (cards between them)
    fresh: bool = True  # a fresh timbot process for the economy and memory phases
    isolated: int = 50  # timbot commands acked with no answer of an earlier one in progress
    warmup: int = 100


PROFILES = {
    "full": Profile(reps=3, ack={1: 200, 50: 600, 200: 1000}, e2e={1: 30, 50: 100}, clicks=8, economy_reps=3,
                    pages=5, burst=20, memory=5000, groups=10, follows=30, walk=135),
    "quick": Profile(reps=3, ack={1: 50, 50: 150, 200: 300}, e2e={1: 10, 50: 50}, clicks=3, economy_reps=1,
                     pages=5, burst=20, memory=1000, groups=5, follows=10, walk=135,
                     export_groups=20_000, export_idle=4),
    "memory": Profile(reps=0, ack={}, e2e={}, clicks=0, economy_reps=0, pages=5, burst=20, memory=5000,
                      groups=0, follows=0, walk=0, export_groups=0),
    "smoke": Profile(reps=1, ack={1: 3, 4: 8}, e2e={1: 2, 4: 4}, clicks=1, economy_reps=1, pages=2, burst=4,
                     memory=20, groups=2, follows=2, walk=52, fresh=False, warmup=4, isolated=2,
                     export_groups=5000, export_idle=2),
}


#: Texts of the /im-groups commands of the end-to-end phase: each a Tencent request of its own (not cached,
#: and none of the economy phase's pages of 20), pages of 21 to 25 rows.
GROUPS_TEXTS = tuple(f"{kind} --limit {limit}".strip() for limit in range(21, 26)
                     for kind in ("", "Public", "Private", "ChatRoom", "Community", "AVChatRoom"))


def follow_choices(options: list[tuple[str, str, str]],
                   used: set[str]) -> Iterator[tuple[str, str, str] | None]:
    """``Details`` options of a walk's pages for follows that no earlier command has cached: from the last
    page backwards, alternating a row's button and a row's overflow menu when both are there; then None.

    Args:
        options: (element type, label, value) of every page of the walk.
        used: group IDs some command of the run already asked for.
    """
    seen: set[str] = set()
    kinds: dict[str, list[tuple[str, str, str]]] = {}
    for option in reversed(options):
        target = option[2].split("|", 2)[-1]
        if option[1] == "Details" and target not in used and target not in seen:
            seen.add(target)
            kinds.setdefault(option[0], []).append(option)
    queues = [iter(q) for q in kinds.values()]
    while queues:
        for queue in list(queues):
            got = next(queue, None)
            if got is None:
                queues.remove(queue)
            else:
                yield got
    while True:
        yield None


@dataclass
class Run:
    """The processes and settings of one run."""

    fleet: Fleet
    secret: str
    latency: float
    slack: Server
    emulator: Server
    targets: dict[str, Server] = field(default_factory=dict)
    seed: int = 0

    def timbot_env(self, tim_url: str | None = None) -> dict[str, str]:
        """Environment for a timbot server: the fake Slack, the emulator, the demo credentials, no Redis.

        Args:
            tim_url: another emulator's base URL (the run's own when None).
        """
        from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID

        return {"SLACK_SIGNING_SECRET": self.secret, "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_API_URL": f"{self.slack.url}/api/", "TIM_SDKAPPID": str(DEMO_SDKAPPID),
                "TIM_SECRET_KEY": DEMO_KEY, "TIM_BASE_URL": tim_url or self.emulator.url,
                "TIMBOT_ALLOWED_USERS": "", "TIMBOT_ALLOWED_CHANNELS": "", "TIMBOT_ALLOW_GUESTS": "false",
                "REDIS_URL": ""}

    def launch_timbot(self, name: str, *, profile: Path | None = None, tim_url: str | None = None) -> Server:
        """Launch ``uvicorn timbot.asgi:app`` on a free port (call ``Fleet.ready`` on the result).

        Args:
            name: label of the process.
            profile: if given, run it under ``py-spy record`` writing collapsed stacks there.
            tim_url: another emulator's base URL (the run's own when None).
        """
        port = free_port()
        argv = ["-m", "uvicorn", "timbot.asgi:app", "--host", "127.0.0.1", "--port", str(port),
                "--log-level", "warning", "--no-access-log"]
        prefix = None
        if profile is not None:
            pyspy = str(Path(sys.executable).with_name("py-spy"))
            prefix = [pyspy, "record", "--format", "raw", "--rate", "250", "-o", str(profile), "--"]
        return self.fleet.launch(name, argv, env=self.timbot_env(tim_url), port=port, prefix=prefix)

    def fresh_timbot(self, name: str) -> Server:
        """Launch a new timbot server and wait until it is ready (nothing cached, no pacing history).

        Args:
            name: label of the process.
        """
        return Fleet.ready(self.launch_timbot(name))


def start(rundir: Path, latency: float, seed: int, *, profile: Path | None = None) -> Run:
    """Start the emulator, the fake Slack, the floor, bare Bolt and timbot, each in its own process.

    Args:
        rundir: where the logs go.
        latency: injected Tencent latency in seconds.
        seed: emulator data seed.
        profile: where py-spy writes the main timbot server's profile (no profiling if None).
    """
    fleet = Fleet(rundir)
    secret = secrets.token_hex(16)
    env = {"BENCH_SIGNING_SECRET": secret}
    ports = {name: free_port() for name in ("emulator", "slack", "floor", "bolt", "bolt-pbr")}

    def helper(kind: str, *extra: str) -> Server:
        return fleet.launch(kind, ["-m", "bench.servers", kind, "--port", str(ports[kind]), *extra],
                            env=env, port=ports[kind])

    try:
        emulator = helper("emulator", "--seed", str(seed), "--latency", str(latency))
        slack = helper("slack")
        run = Run(fleet=fleet, secret=secret, latency=latency, slack=slack, emulator=emulator, seed=seed)
        floor = helper("floor")
        api = f"http://127.0.0.1:{ports['slack']}/api/"
        bolt, pbr = helper("bolt", "--api-url", api), helper("bolt-pbr", "--api-url", api)
        timbot = run.launch_timbot("timbot", profile=profile)
        for server in (emulator, slack, floor, bolt, pbr, timbot):
            fleet.ready(server)
        run.targets = {"floor": floor, "bolt": bolt, "bolt-pbr": pbr, "timbot": timbot}
        return run
    except BaseException:
        fleet.stop()
        raise


async def measure(run: Run, profile: Profile, log: list[str]) -> Results:
    """Run every phase of ``profile`` and collect the figures.

    Args:
        run: the started processes.
        profile: how much to do.
        log: progress lines (printed as they come).
    """
    def say(line: str) -> None:
        log.append(line)
        print(line, flush=True)

    res = Results(latency=run.latency, profile=profile.__dict__.copy())
    h = Harness(signer=Signer(secret=run.secret, hooks_url=run.slack.url), slack_url=run.slack.url,
                emulator_url=run.emulator.url)
    try:
        ids = await h.demo_ids()
        groups, users = ids["groups"], ids["users"]
        ack_cmds = [("/im-group", g) for g in groups[:100]]
        url = {name: f"{server.url}/slack/events" for name, server in run.targets.items()}
        for name in TARGETS:  # warm-up: imports, Bolt's auth.test, connection pools
            warm = h.commands(f"warm-{name}", ack_cmds, profile.warmup)
            await h.ack_phase(url[name], warm, 10)
            if name == "timbot":
                await h.arrivals([r.rid for r in warm], wait=30)

        say("ack latency ...")
        for rep in range(profile.reps):
            for conc, n in profile.ack.items():
                for name in TARGETS:
                    requests = h.commands(f"ack-{name}-{conc}", ack_cmds, n)
                    results = await h.ack_phase(url[name], requests, conc)
                    res.add_ack(name, conc, Rep.of([r.ack for r in results]),
                                errors=sum(r.status != 200 for r in results))
                    if name == "timbot":
                        got = await h.arrivals([r.rid for r in results], wait=60)
                        res.unanswered += len(results) - len(got)
            isolated = []  # one command at a time, the next only after the previous answer arrived
            async with session(1) as client:  # one keep-alive connection, like the rows above
                for request in h.commands("ack-isolated", ack_cmds, profile.isolated):
                    result = await send(client, url["timbot"], request)
                    await h.arrivals([request.rid], wait=10)
                    isolated.append(result.ack)
            res.isolated.append(Rep.of(isolated))
            for name in ("floor", "bolt-pbr"):  # the same pauses between requests (an idle server is slower)
                paused = []
                async with session(1) as client:
                    for request in h.commands(f"ack-paused-{name}", ack_cmds, profile.isolated):
                        paused.append((await send(client, url[name], request)).ack)
                        await asyncio.sleep(0.03)
                res.isolated_ref.setdefault(name, []).append(Rep.of(paused))
            say(f"  rep {rep + 1}: " + ", ".join(f"{t}@{c}={res.ack[(t, c)][-1].p50 * 1000:.2f}ms"
                                                 for c in profile.ack for t in TARGETS))

        say("end-to-end ...")
        fresh_groups = iter(groups[100:])
        cmds_sent: list[tuple[str, str]] = []
        for _rep in range(profile.reps):
            for conc, n in profile.e2e.items():
                cmds = [("/im-group", next(fresh_groups)) for _ in range(n)]
                cmds_sent += cmds
                times, results, calls = await h.e2e(url["timbot"], h.commands(f"e2e-{conc}", cmds, n), conc)
                res.add_e2e(conc, scenarios.rep_of(times), calls=len(calls.calls), commands=n,
                            missing=n - len(times), service=calls.mean_service)
                res.rate_limited += calls.rate_limited

        used = set(groups[:100]) | {g for _, g in cmds_sent}
        say("end-to-end: /im-groups with names, a walk, follows ...")
        texts = iter(GROUPS_TEXTS)
        for _rep in range(profile.reps):
            if profile.groups:
                res.groups_cmd.append(await scenarios.groups_commands(
                    h, url["timbot"], [next(texts) for _ in range(profile.groups)]))
        if profile.walk:
            await asyncio.sleep(1.1)  # the pacer's 1 s window of the last /im-groups is over
            server = await asyncio.to_thread(run.fresh_timbot, "timbot-walk")
            try:
                res.walk = await scenarios.walk(h, f"{server.url}/slack/events", profile.walk)
            finally:
                run.fleet.stop_one(server)
            chosen = follow_choices(res.walk.options, used)
            for _rep in range(profile.reps):
                options = [next(chosen) for _ in range(profile.follows)]
                targets = {o[2].split("|", 2)[-1] for o in options if o}
                paired = [g for g in itertools.islice(fresh_groups, 2 * profile.follows) if g not in targets]
                follow, typed = await scenarios.follows(h, url["timbot"], [o for o in options if o], paired)
                res.follow.append(follow)
                res.paired.append(typed)

        say("next clicks ...")
        fresh_users = iter(users)
        for _rep in range(profile.reps):
            picked = [next(fresh_users) for _ in range(profile.clicks)]
            res.clicks.append(await scenarios.clicks(h, url["timbot"], picked))

        say("call economy ...")
        pages = PAGES[: profile.pages]
        for rep in range(profile.economy_reps):
            server = run.targets["timbot"]
            if profile.fresh:
                server = await asyncio.to_thread(run.fresh_timbot, f"timbot-eco{rep}")
            await asyncio.sleep(1.1)  # the 1/s window of the previous repetition is over
            eco = await scenarios.economy(h, f"{server.url}/slack/events", pages=pages,
                                          burst_size=profile.burst, group_id=groups[-1 - rep])
            res.economy.append(eco)
            if profile.fresh:
                run.fleet.stop_one(server)

        say("memory ...")
        server = run.targets["timbot"]
        if profile.fresh:
            server = await asyncio.to_thread(run.fresh_timbot, "timbot-mem")
        mem_url = f"{server.url}/slack/events"
        rooms = ids["rooms"]
        mix = [cmd for i in range(max(len(groups), len(users)))
               for cmd in (("/im-group", groups[i % len(groups)]), ("/im-joined", users[i % len(users)]),
                           ("/im-room", rooms[i % len(rooms)]), ("/im-friends", users[-1 - i % len(users)]))]
        warm = h.commands("mem-warm", mix[-200:], min(200, profile.memory))
        await h.ack_phase(mem_url, warm, 20)
        await h.arrivals([r.rid for r in warm], wait=60)
        await asyncio.sleep(0.5)
        res.rss_before = rss_bytes(server.process.pid)
        requests = h.commands("mem", mix, profile.memory)
        started = time.monotonic()
        results = await h.ack_phase(mem_url, requests, 50)
        got = await h.arrivals([r.rid for r in results], wait=120)
        res.memory_seconds = time.monotonic() - started
        await asyncio.sleep(0.5)
        res.rss_after = rss_bytes(server.process.pid)
        res.memory_commands, res.memory_unanswered = len(results), len(results) - len(got)
        res.rate_limited += (await h.calls_since((0, 0))).rate_limited

        if profile.export_groups:
            say(f"export of {profile.export_groups:,} groups ...")
            res.export = await export(run, h.signer, profile)
            failed = f", {res.export.failure}" if res.export.failure else ""
            say(f"  {res.export.rows:,} rows in {res.export.seconds:.1f} s "
                f"(physical limit {res.export.limit:.1f} s){failed}")
        return res
    finally:
        await h.aclose()


async def export(run: Run, signer: Signer, profile: Profile) -> ExportFigures:
    """The export phase on an emulator of its own (``profile.export_groups`` groups): an export alone on a
    fresh timbot, then, on another fresh one, idle answers and an export with the same answers during it.

    Args:
        run: the started processes.
        signer: signs the commands.
        profile: how much to do.
    """
    port = free_port()
    argv = ["-m", "bench.servers", "emulator", "--port", str(port), "--seed", str(run.seed),
            "--latency", str(run.latency), "--groups", str(profile.export_groups)]
    env = {"BENCH_SIGNING_SECRET": run.secret}
    emulator = run.fleet.launch("emulator-export", argv, env=env, port=port)
    try:
        await asyncio.to_thread(Fleet.ready, emulator, timeout=300.0)
        h = Harness(signer=signer, slack_url=run.slack.url, emulator_url=emulator.url)
        try:
            figures: list[ExportFigures] = []
            for name, alone in (("timbot-export-alone", True), ("timbot-export", False)):
                timbot = await asyncio.to_thread(
                    lambda name=name: Fleet.ready(run.launch_timbot(name, tim_url=emulator.url)))
                try:
                    figures.append(await export_phase(h, timbot, run.slack.url, groups=profile.export_groups,
                                                      idle=profile.export_idle, alone=alone))
                finally:
                    run.fleet.stop_one(timbot)
            figures[1].alone = figures[0]
            return figures[1]
        finally:
            await h.aclose()
    finally:
        run.fleet.stop_one(emulator)


def report_path(name: str) -> Path:
    """Where a run of profile ``name`` writes its report unless ``--out`` says otherwise.

    The full run writes the committed ``bench/RESULTS.md``; the others (quick, smoke) write
    ``bench/RESULTS-<name>.md`` beside it (git-ignored), so they never overwrite the full run's figures.

    Args:
        name: the profile (full, quick, smoke).
    """
    return BENCH_DIR / ("RESULTS.md" if name == "full" else f"RESULTS-{name}.md")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, with ``name`` (the profile) set and ``out`` resolved (see ``report_path``).

    Args:
        argv: command-line arguments (``sys.argv[1:]`` if None).
    """
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="a short run (about two minutes), written to bench/RESULTS-quick.md")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only checks the harness works, "
                             "written to bench/RESULTS-smoke.md")
    parser.add_argument("--memory-only", action="store_true", help="the memory phase only (printed)")
    parser.add_argument("--multiproc", action="store_true",
                        help="the several-processes scenario instead: four web processes with and without "
                             "Redis, the same burst (printed; the same as python -m bench.multiproc)")
    parser.add_argument("--latency", type=float, default=0.05, help="injected Tencent latency, seconds")
    parser.add_argument("--seed", type=int, default=0, help="emulator data seed")
    parser.add_argument("--profile", action="store_true",
                        help="run the main timbot server under py-spy and print where its time goes "
                             "(figures are inflated by the sampling)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the report (default bench/RESULTS.md for the full run, "
                             "bench/RESULTS-quick.md with --quick, bench/RESULTS-smoke.md with --smoke)")
    args = parser.parse_args(argv)
    args.name = "smoke" if args.smoke else "quick" if args.quick else "memory" if args.memory_only else "full"
    if args.out is None:
        args.out = report_path(args.name)
    return args


def _print_log_tails(rundir: Path, lines: int = 20) -> None:
    """Print the end of every server log of a failed run to stderr (the run directory is removed after).

    Args:
        rundir: the run directory.
        lines: how many lines of each log.
    """
    for log in sorted(rundir.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        if tail:
            print(f"--- {log.name} (last {len(tail)} lines)", *tail, sep="\n", file=sys.stderr)


def _terminated(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so the finally clauses stop the servers and remove the run directory


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report.

    The servers' logs (and a profile) go to a temporary run directory, removed at the end whether the run
    succeeds, fails or is interrupted (Ctrl-C or SIGTERM); after a failure the end of each log is printed
    first.

    Args:
        argv: command-line arguments.
    """
    args = parse(argv)
    if args.multiproc:  # its own scenario and its own table (bench/multiproc.py)
        from bench import multiproc

        return multiproc.main([])
    name = args.name
    command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    previous = signal.signal(signal.SIGTERM, _terminated)
    rundir = Path(tempfile.mkdtemp(prefix="timbot-bench-"))
    try:
        print(f"timbot benchmark ({name}); logs in {rundir} (removed at the end)", flush=True)
        started = time.monotonic()
        load_start = os.getloadavg()[0]
        profile = rundir / "timbot-profile.txt" if args.profile else None
        try:
            run = start(rundir, args.latency, args.seed, profile=profile)
            try:
                results = asyncio.run(measure(run, PROFILES[name], log=[]))
            finally:
                run.fleet.stop()
        except Exception:
            _print_log_tails(rundir)
            raise
        results.duration = time.monotonic() - started
        results.load = (load_start, os.getloadavg()[0])
        if profile is not None:
            print(summarize(profile))
            command += "  # profiled: figures inflated by py-spy"
    finally:
        shutil.rmtree(rundir, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    if name == "memory":  # a check while working on memory: figures printed, no report written
        mib = 2**20
        print(f"memory: {results.rss_before / mib:.1f} -> {results.rss_after / mib:.1f} MB "
              f"(+{(results.rss_after - results.rss_before) / mib:.1f} MB) over {results.memory_commands} "
              f"commands in {results.memory_seconds:.1f} s, {results.memory_unanswered} unanswered, "
              f"{results.rate_limited} over-limit answers")
        return 0
    text = render(results, command=command.strip(), profile_name=name)
    write(args.out, text)
    print(text)
    print(f"written to {args.out}")
    return 0
