"""Run the emulator under uvicorn in a process of its own, then write its call records as JSON on exit.

Used by the load test so that the emulator's arrival times are not skewed by the test process's own work:
``python -m tests.reliability.emulator_process PORT LATENCY OUT.json``.
"""

from __future__ import annotations

import json
import signal
import sys

import uvicorn

from timbot.emulator import Emulator


def main(port: int, latency: float, out: str) -> None:
    """Serve until SIGTERM/SIGINT, then dump ``[endpoint, at, code]`` of every call to ``out``.

    Args:
        port: the loopback port.
        latency: seconds every call waits.
        out: where the call records go.
    """
    emulator = Emulator(seed=0, latency=latency, enforce_rate_limits=True)
    config = uvicorn.Config(emulator.asgi, host="127.0.0.1", port=port, lifespan="off", log_level="warning",
                            access_log=False)
    server = uvicorn.Server(config)
    # uvicorn re-raises the SIGTERM it handled once it has stopped: let that land here, not kill us early
    signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        server.run()
    finally:
        with open(out, "w", encoding="utf-8") as file:
            json.dump([[c.endpoint, c.at, c.code] for c in emulator.calls], file)


if __name__ == "__main__":
    main(int(sys.argv[1]), float(sys.argv[2]), sys.argv[3])
