"""`timbot emulator --port N`: serves the emulator with the chosen app, key and seed; `timbot run` uses it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.bodies import send_body
from tests.cli.conftest import closed_port
from timbot.cli import main

APP, KEY = "1400000777", "staging-emulator-key-0123456789"


@contextlib.contextmanager
def _emulator_process(*args: str) -> Iterator[tuple[int, str]]:
    """``timbot emulator --port N ARGS...`` in its own process: yields the port and the banner's lines."""
    port = closed_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "timbot", "emulator", "--port", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith(("TIM_", "SLACK_"))},
    )
    try:
        assert proc.stdout is not None
        banner = "".join(proc.stdout.readline() for _ in range(5))
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the emulator did not start listening"
                time.sleep(0.05)
        yield port, banner
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def served() -> Iterator[tuple[int, str]]:
    with _emulator_process("--seed", "3", "--sdkappid", APP, "--key", KEY, "--latency", "50") as running:
        yield running


def test_emulator_serves_the_app_it_prints(served: tuple[int, str], monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    port, banner = served
    assert f"TIM_BASE_URL=http://127.0.0.1:{port}" in banner
    assert f"TIM_SDKAPPID={APP}" in banner and f"TIM_SECRET_KEY={KEY}" in banner and "seed 3" in banner
    monkeypatch.setenv("TIM_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("TIM_SDKAPPID", APP)
    monkeypatch.setenv("TIM_SECRET_KEY", KEY)
    started = time.monotonic()
    assert main(["run", "/im-groups --limit 2"]) == 0
    assert time.monotonic() - started >= 0.05  # --latency is in milliseconds
    assert "page 1" in capsys.readouterr().out
    monkeypatch.setenv("TIM_SDKAPPID", "1400000000")  # the default demo app is not hosted by this one
    assert main(["run", "/im-groups --limit 2"]) == 1
    assert "70020" in capsys.readouterr().err


def test_emulator_needs_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["emulator"])
    assert exit_info.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_emulator_refuses_oversized_bodies_before_reading_them(served: tuple[int, str]) -> None:
    port, _ = served
    path = "/v4/group_open_http_svc/get_appid_group_list"
    declared = send_body("127.0.0.1", port, size=200 * 1024 * 1024, path=path)
    chunked = send_body("127.0.0.1", port, size=200 * 1024 * 1024, chunked=True, path=path)
    assert (declared.status, chunked.status) == (413, 413)
    assert declared.sent < 16 * 1024 * 1024 and chunked.sent < 32 * 1024 * 1024
    assert httpx.get(f"http://127.0.0.1:{port}/_emulator").status_code == 200  # still serving


def test_max_calls_bounds_the_call_record_the_control_api_lists() -> None:
    with _emulator_process("--max-calls", "2") as (port, _):
        base = f"http://127.0.0.1:{port}"
        for limit in (1, 2, 3):  # unsigned: refused (60012), and recorded all the same
            httpx.post(f"{base}/v4/group_open_http_svc/get_appid_group_list", json={"Limit": limit})
        record = httpx.get(f"{base}/_emulator/calls").json()
        described = httpx.get(f"{base}/_emulator").json()
    assert [c["code"] for c in record["calls"]] == [60012, 60012]
    assert record["counts"] == {"group_open_http_svc/get_appid_group_list": 2}
    assert described["max_calls"] == 2


def test_max_calls_reaches_the_server_and_must_be_positive(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[dict[str, object]] = []
    monkeypatch.setattr("timbot.emulator.server.run_emulator_server", lambda **kwargs: seen.append(kwargs))
    assert main(["emulator", "--port", "9", "--max-calls", "50"]) == 0
    assert main(["emulator", "--port", "9"]) == 0
    assert seen[0]["max_calls"] == 50 and "max_calls" not in seen[1]  # the server's default: 10,000
    with pytest.raises(SystemExit) as exit_info:
        main(["emulator", "--port", "9", "--max-calls", "0"])
    assert exit_info.value.code == 2 and "--max-calls" in capsys.readouterr().err
