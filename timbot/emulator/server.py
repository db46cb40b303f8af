"""Serving the emulator over HTTP with uvicorn (``timbot emulator --port N``)."""

from __future__ import annotations

import uvicorn

from timbot.bodylimit import DEFAULT_MAX_BODY, BodyLimit
from timbot.emulator.control import CONTROL_PREFIX
from timbot.emulator.core import DEFAULT_MAX_CALLS, DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.emulator.data import SHOWCASE_USER

__all__ = ["banner", "run_emulator_server"]


def banner(*, host: str, port: int, emulator: Emulator, key: str) -> str:
    """The start-up text: the base URL and the credentials the emulator accepts.

    The key is printed on purpose: it is the public demo key, or one the user chose for the emulator.

    Args:
        host: the listening address.
        port: the listening port.
        emulator: the emulator being served.
        key: the secret key it accepts.
    """
    shown_host = f"[{host}]" if ":" in host else host
    data = emulator.data  # not its showcase: that walks every membership (seconds for 100,000 groups)
    return "\n".join(
        [
            f"Tencent Cloud Chat emulator (seed {emulator.data.seed}) listening on http://{shown_host}:{port}",
            f"  TIM_BASE_URL=http://{shown_host}:{port}",
            f"  TIM_SDKAPPID={emulator.sdkappid}",
            f"  TIM_ADMIN={emulator.admin}",
            f"  TIM_SECRET_KEY={key}",
            f"  demo data: {len(emulator.data.groups)} groups, {len(emulator.data.users)} users; try user "
            f"{SHOWCASE_USER}, group {data.big_group().group_id}, live room {data.live_room().group_id}",
            f"  control: POST/DELETE {CONTROL_PREFIX}/faults, GET/DELETE {CONTROL_PREFIX}/calls, "
            f"GET {CONTROL_PREFIX} (script faults, read calls)",
        ]
    )


def run_emulator_server(
    *,
    host: str = "127.0.0.1",
    port: int,
    seed: int = 0,
    sdkappid: int = DEMO_SDKAPPID,
    key: str = DEMO_KEY,
    latency: float = 0.0,
    max_body: int = DEFAULT_MAX_BODY,
    max_calls: int = DEFAULT_MAX_CALLS,
    groups: int | None = None,
) -> None:
    """Print the base URL and credentials, then serve the emulator until interrupted.

    Args:
        host: the address to listen on.
        port: the port to listen on.
        seed: the demo-data seed.
        sdkappid: the SDKAppID to host.
        key: the secret key UserSigs must be signed with.
        latency: seconds each call waits before it is answered.
        max_body: the largest request body read; a larger one gets 413 first
            (:class:`~timbot.bodylimit.BodyLimit`).
        max_calls: how many call records ``GET /_emulator/calls`` can list, the most recent ones.
        groups: how many groups the demo data has (None: the default 2,700).
    """
    emulator = Emulator(
        sdkappid=sdkappid, key=key, admin=DEMO_ADMIN, seed=seed, latency=latency, max_calls=max_calls,
        groups=groups,
    )
    print(banner(host=host, port=port, emulator=emulator, key=key), flush=True)
    # No access log: request URLs carry the caller's UserSig, which must never reach a log line.
    app = BodyLimit(emulator.asgi, max_body=max_body)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on")
