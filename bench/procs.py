"""Starting, watching and stopping the server processes of a run (loopback ports, logs in a run directory)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rss_bytes(pid: int) -> int:
    """Resident set size of process ``pid`` from ``/proc/PID/status`` (``VmRSS``).

    Args:
        pid: the process id.
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


@dataclass
class Server:
    """One child process serving HTTP on ``port``; its output goes to ``log``."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    stop_signal: int = signal.SIGTERM

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of the server's output (for error messages).

        Args:
            lines: how many lines.
        """
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


@dataclass
class Fleet:
    """The processes of a run; ``stop()`` ends every one of them (and only them)."""

    rundir: Path
    servers: list[Server] = field(default_factory=list)

    def launch(self, name: str, argv: list[str], *, env: dict[str, str], port: int,
               prefix: list[str] | None = None) -> Server:
        """Start ``argv`` (a Python module invocation) without waiting for it (see ``ready``).

        Args:
            name: label used in logs and errors.
            argv: arguments after ``python``.
            env: extra environment variables.
            port: the port the process will listen on.
            prefix: a wrapper command (e.g. a profiler); it is sent SIGINT to stop, so it writes its output.
        """
        log = self.rundir / f"{name}.log"
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
        with log.open("wb") as out:
            process = subprocess.Popen([*(prefix or []), sys.executable, *argv], env=full_env, stdout=out,
                                       stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parent.parent)
        server = Server(name=name, port=port, process=process, log=log,
                        stop_signal=signal.SIGINT if prefix else signal.SIGTERM)
        self.servers.append(server)
        return server

    def start(self, name: str, argv: list[str], *, env: dict[str, str], port: int) -> Server:
        """``launch`` then ``ready``.

        Args:
            name: label used in logs and errors.
            argv: arguments after ``python``.
            env: extra environment variables.
            port: the port the process will listen on.
        """
        return self.ready(self.launch(name, argv, env=env, port=port))

    @staticmethod
    def ready(server: Server, *, health: str = "/healthz", timeout: float = 30.0) -> Server:
        """Wait until ``GET health`` on the server answers 200.

        Args:
            server: a launched server.
            health: the readiness path.
            timeout: seconds to wait.
        """
        process, name = server.process, server.name
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{server.log_tail()}")
            try:
                if httpx.get(server.url + health, timeout=1.0).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{name} not ready after {timeout} s:\n{server.log_tail()}")

    def stop_one(self, server: Server) -> None:
        """Terminate one server and wait for it.

        Args:
            server: a server this fleet started.
        """
        if server.process.poll() is None:
            server.process.send_signal(server.stop_signal)
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()
        if server in self.servers:
            self.servers.remove(server)

    def stop(self) -> None:
        """Terminate every server this fleet started."""
        for server in list(self.servers):
            self.stop_one(server)
