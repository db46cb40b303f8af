"""Raw HTTP/1.1 senders of oversized and slow request bodies, for the body-limit tests (no client library
buffers or second-guesses them)."""

from __future__ import annotations

import select
import socket
import time
from dataclasses import dataclass

CHUNK = b"x" * 65_536


@dataclass
class Outcome:
    """What the server did: the status it answered (0 if none), the body bytes it let us send, and when."""

    status: int
    sent: int
    seconds: float


def _status(sock: socket.socket, deadline: float) -> int:
    data = b""
    while b"\r\n" not in data and time.monotonic() < deadline:
        readable, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not readable:
            break
        try:
            piece = sock.recv(4096)
        except ConnectionError:
            break
        if not piece:
            break
        data += piece
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else 0


def send_body(
    url_host: str, port: int, *, size: int, chunked: bool = False, pause: float = 0.0,
    piece: int = len(CHUNK), path: str = "/slack/events", timeout: float = 30.0,
) -> Outcome:
    """POST a body of ``size`` bytes (declared by Content-Length, or chunked), sending 64 KiB at a time and
    ``pause`` seconds apart, until the server answers or closes; then read its status line.

    Args:
        url_host: the server's address.
        port: its port.
        size: how many body bytes to offer.
        chunked: send ``Transfer-Encoding: chunked`` instead of a Content-Length.
        pause: seconds between pieces (a slow body).
        piece: bytes per piece (at most 64 KiB).
        path: the request path.
        timeout: give up after this many seconds.
    """
    started = time.monotonic()
    deadline = started + timeout
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = (f"POST {path} HTTP/1.1\r\nHost: {url_host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"X-Slack-Request-Timestamp: {int(time.time())}\r\nX-Slack-Signature: v0=00\r\n{framing}\r\n\r\n")
    sent = 0
    with socket.create_connection((url_host, port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        while sent < size and time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], pause)
            if readable:
                break  # the server answered (or closed) before the body was all sent
            data = CHUNK[: min(piece, size - sent)]
            framed = b"%x\r\n%s\r\n" % (len(data), data) if chunked else data
            try:
                sock.sendall(framed)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                break
            sent += len(data)
        else:
            if chunked and sent >= size:
                sock.sendall(b"0\r\n\r\n")
        return Outcome(_status(sock, deadline), sent, time.monotonic() - started)
