"""Every command in README.md is run here; every example output shown there is regenerated and compared."""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from timbot.emulator import DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID
from timbot.tim.usersig import sign

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def _blocks(lang: str) -> list[str]:
    return [body for kind, body in FENCE.findall(README) if kind == lang]


def _console_examples() -> list[tuple[str, str]]:
    """(command, expected output) for each ``$`` line of the console blocks; output may be empty."""
    examples = []
    for body in _blocks("console"):
        lines = body.splitlines(keepends=True)
        assert lines[0].startswith("$ "), "a console block starts with the command"
        assert sum(line.startswith("$ ") for line in lines) == 1, "one command per console block"
        examples.append((lines[0][2:].strip(), "".join(lines[1:])))
    return examples


def _sh_commands() -> list[str]:
    return [line for body in _blocks("sh") for line in body.splitlines() if line and not line.startswith("#")]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TIM_", "TIMBOT_", "LC_")) and k != "LANG"}
    # the README's examples are in English: a terminal in another language would answer in it
    env.update(TZ="UTC", NO_COLOR="1", LANG="C.UTF-8", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               **extra)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timbot(
    args: list[str], *, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "timbot", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=60, cwd=ROOT, check=False,
    )


def test_readme_opens_with_the_demo_and_the_test_command() -> None:
    first, second = _sh_commands()[:2]
    assert first == "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/timbot demo"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert second in ci, ".ci/run runs exactly the README's test command"
    assert README.index(first) < 200, "the two commands are the README's first lines"


def test_the_demo_command_answers_im_groups() -> None:
    done = _timbot(["demo"], env=_env(), stdin="/im-groups --limit 3\nquit\n")
    assert done.returncode == 0, done.stderr
    assert "generated demo data" in done.stdout
    assert re.search(r"[\d,]+ groups\s+·\s+page 1 of", done.stdout)
    assert "[n] Next" in done.stdout


@pytest.mark.parametrize(("command", "expected"), _console_examples(), ids=lambda v: str(v)[:60])
def test_console_examples_print_what_the_readme_shows(command: str, expected: str) -> None:
    argv = shlex.split(command)
    assert argv[0] == ".venv/bin/timbot" and argv[1] == "run", "console examples are timbot run commands"
    done = _timbot(argv[1:], env=_env())
    assert done.returncode == 0, done.stderr
    if "--json" in argv:
        import json

        message = json.loads(done.stdout)
        assert message["text"] and message["blocks"]
    if expected:
        assert done.stdout == expected
    else:
        assert done.stdout.strip()


@pytest.fixture
def emulator_url() -> Iterator[tuple[str, int]]:
    """The README's ``timbot emulator --port 8080 --seed 7`` line, on a free port instead of 8080."""
    line = next(c for c in _sh_commands() if c.startswith(".venv/bin/timbot emulator"))
    port = _free_port()
    argv = shlex.split(line.replace("8080", str(port)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "timbot", *argv[1:]], env=_env(), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.post(f"http://127.0.0.1:{port}/v4/sns/group_get", content=b"{}", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield line, port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_staging_lines_check_the_emulator(emulator_url: tuple[str, int]) -> None:
    _, port = emulator_url
    check = next(c for c in _sh_commands() if c.endswith("timbot check"))
    assignments, _, tail = check.rpartition(" .venv/bin/timbot ")
    env = dict(item.split("=", 1) for item in assignments.split())
    env["TIM_SECRET_KEY"] = DEMO_KEY  # the README's "..." is the key the emulator prints
    env["TIM_BASE_URL"] = env["TIM_BASE_URL"].replace("8080", str(port))
    assert env["TIM_SDKAPPID"] == str(DEMO_SDKAPPID)
    done = _timbot(tail.split(), env=_env(**env, SLACK_API_URL="http://127.0.0.1:9/"))
    assert re.search(r"(✔|\[ok\]) Tencent", done.stdout), done.stdout
    assert done.returncode != 0, "Slack is not configured here, so check must not pass"
    assert DEMO_KEY not in done.stdout + done.stderr


def test_the_curl_line_scripts_a_fault_on_the_emulator(
    emulator_url: tuple[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    _, port = emulator_url
    line = next(c for c in _sh_commands() if c.startswith("curl "))
    argv = shlex.split(line.replace("8080", str(port)))
    assert argv[:3] == ["curl", "-X", "POST"] and argv[4] == "-d" and len(argv) == 6
    # what curl sends for -d: the body as is, with a form content type the control API ignores
    scripted = httpx.post(f"http://{argv[3]}", content=argv[5].encode(),
                          headers={"content-type": "application/x-www-form-urlencoded"}, timeout=5)
    assert scripted.status_code == 200 and scripted.json() == {"ok": True}, scripted.text
    fault = json.loads(argv[5])
    sig = sign(sdkappid=DEMO_SDKAPPID, key=DEMO_KEY, identifier=DEMO_ADMIN)
    query: dict[str, str | int] = {
        "sdkappid": DEMO_SDKAPPID, "identifier": DEMO_ADMIN, "usersig": sig, "random": 1,
        "contenttype": "json",
    }
    url = f"http://127.0.0.1:{port}/v4/group_open_http_svc/get_appid_group_list"
    caplog.set_level(logging.WARNING, logger="httpx")  # its INFO line would show the sig in the URL
    codes = [httpx.post(url, params=query, json={"Limit": 1}, timeout=5).json()["ErrorCode"]
             for _ in range(fault["times"] + 1)]
    assert codes == [fault["code"]] * fault["times"] + [0], "the scripted error answers the next calls"
    assert fault["times"] >= 3, "it outlasts timbot's 3 tries, so the README's failure is visible"
    record = httpx.get(f"http://127.0.0.1:{port}/_emulator/calls", timeout=5).json()
    assert [c["code"] for c in record["calls"]][-len(codes):] == codes


def test_the_procfile_command_serves_healthz() -> None:
    line = next(c for c in _sh_commands() if c.startswith("uvicorn "))
    procfile = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    assert procfile == [f"web: {line}", "worker: timbot worker"]
    assert "worker: timbot worker" in README
    port = _free_port()
    env = _env(
        PORT=str(port), SLACK_BOT_TOKEN="xoxb-readme-test", SLACK_SIGNING_SECRET="readme-signing-secret",
        TIM_SDKAPPID=str(DEMO_SDKAPPID), TIM_SECRET_KEY=DEMO_KEY, TIM_BASE_URL="http://127.0.0.1:9",
        SLACK_API_URL="http://127.0.0.1:9/",
    )
    proc = subprocess.Popen(["bash", "-c", f"exec {line}"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "the server did not start"
                time.sleep(0.1)
        assert answer.status_code == 200
    finally:
        proc.terminate()
        # uvicorn shuts down gracefully, then re-raises SIGTERM so the platform sees why it stopped
        assert proc.wait(timeout=25) in (0, -15)
        assert proc.stdout is not None
        assert "Application shutdown complete" in proc.stdout.read()


def test_the_socket_mode_line_names_what_is_missing() -> None:
    line = next(c for c in _sh_commands() if c.endswith("timbot socket"))
    assignment, _, tail = line.partition(" .venv/bin/timbot ")
    name, value = assignment.split("=", 1)
    done = _timbot(tail.split(), env=_env(**{name: value}))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    missing = ("SLACK_BOT_TOKEN", "TIM_SDKAPPID", "TIM_SECRET_KEY")
    assert lines == [f"timbot: {name}: is required but not set" for name in missing]  # all, one line each


def test_the_benchmark_commands_exist() -> None:
    lines = [c for c in _sh_commands() if c.split()[:3] == [".venv/bin/python", "-m", "bench"]]
    assert [shlex.split(line)[3:] for line in lines] == [[], ["--quick"], ["--multiproc"]], (
        "the full run, the quick one, then the several-processes scenario")
    multi = subprocess.run([sys.executable, "-m", "bench.multiproc", "--help"], capture_output=True,
                           text=True, cwd=ROOT, timeout=60, check=False)
    assert multi.returncode == 0 and "--latency" in multi.stdout, multi.stderr
    assert ".venv/bin/python -m bench --multiproc" in _sh_commands()
    for line in lines:  # .venv/bin/python is run as this interpreter (the README's venv or the tests' own)
        done = subprocess.run([sys.executable, *shlex.split(line)[1:], "--help"], capture_output=True,
                              text=True, cwd=ROOT, timeout=60, check=False)
        assert done.returncode == 0 and "--quick" in done.stdout, done.stderr
        assert "bench/RESULTS-quick.md" in re.sub(r"\s+", "", done.stdout), "--help says where --quick writes"


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_the_development_checks_pass(tool: str) -> None:
    line = next(c for c in _sh_commands() if c.startswith(f".venv/bin/{tool} "))
    argv = shlex.split(line)
    exe = BIN / tool
    if not exe.exists():
        pytest.fail(f"{tool} is in the test extra and must be installed")
    done = subprocess.run(
        [str(exe), *argv[1:]], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_every_readme_command_is_covered_above() -> None:
    covered = ("python3 -m venv", "uvicorn ", ".venv/bin/timbot emulator", "TIM_BASE_URL=",
               "SLACK_APP_TOKEN=", ".venv/bin/python -m bench", ".venv/bin/ruff ", ".venv/bin/mypy ",
               "curl -X POST ")
    for line in _sh_commands():
        assert line.startswith(covered), f"README command not run by any test: {line}"
