"""One "process" of the limiter tests: ``python -m tests.redis.pacer_process ARGS_JSON``, prints JSON times.

It waits until the wall-clock ``start`` (so the processes begin together), runs ``calls`` callers through a
:class:`~timbot.shared.redis_pacing.RedisPacer` (``concurrent`` of them at once), and prints the true
wall-clock time each was let through. ``skew`` shifts this process's own clocks (``time.time`` and
``time.monotonic``) by that many seconds first: the limiter must not care.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

TRUE_TIME = time.time


def main(args: dict[str, float | int | str]) -> None:
    """Run the callers and print ``{"times": [...]}`` (true wall-clock seconds)."""
    skew = float(args.get("skew", 0.0))
    if skew:
        real_time, real_monotonic = time.time, time.monotonic
        time.time = lambda: real_time() + skew  # type: ignore[assignment]
        time.monotonic = lambda: real_monotonic() + skew  # type: ignore[assignment]
    from timbot.shared.redis_pacing import RedisPacer
    from timbot.shared.store import Keys, SharedRedis, redis_client

    async def run() -> list[float]:
        shared = SharedRedis(client=redis_client(str(args["url"])),
                             keys=Keys(prefix=str(args["prefix"]), sdkappid=1))
        pacer = RedisPacer(shared=shared, name="x", rate_per_second=float(args["rate"]),
                           window=float(args.get("window", 1.0)), margin=float(args.get("margin", 0.05)))
        times: list[float] = []
        gate = asyncio.Semaphore(int(args.get("concurrent", 1)))

        async def caller() -> None:
            async with gate, pacer.hold(int(args.get("priority", 0))):
                times.append(TRUE_TIME())

        await shared.run(lambda r: r.ping())  # connected before the start
        await asyncio.sleep(max(0.0, float(args["start"]) - TRUE_TIME()))
        await asyncio.gather(*(caller() for _ in range(int(args["calls"]))))
        assert shared.available, "Redis was lost during the run"
        await shared.aclose()
        return times

    print(json.dumps({"times": asyncio.run(run())}))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
