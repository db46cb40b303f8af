"""Session-wide secret scan: every log record and every message posted to a fake Slack must hold no secret.

Test secrets (the emulator key, Slack tokens and signing secrets) are listed in :data:`SECRETS`; fixtures that
make up a new one call :func:`register_secret`. Any string in a log line or a message that decodes as a TIM
UserSig counts as a leak too. The scan runs at the end of the session and fails it (exit status 1) on a leak.

The session's Redis server (``redis_server``, started by the first test that asks for it) is scanned the same
way before it stops: every key and value left in it, and every key must carry an expiry.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import pytest
import redis

from tests.redisserver import RedisServer
from tests.slack.fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.tim import usersig
from timbot.tim.client import TimClient

#: Every secret the tests use; a fixture that invents another one adds it with :func:`register_secret`.
SECRETS: set[str] = {
    DEMO_KEY,
    BOT_TOKEN,
    SIGNING_SECRET,
    # the other test files' own secrets (tests/cli, tests/emulator, tests/test_readme.py)
    "xoxb-1111-2222-good-token-for-tests",
    "0123456789abcdef0123456789abcdef",
    "staging-emulator-key-0123456789",
    "f" * 64,
    "xoxb-readme-test",
    "readme-signing-secret",
}
#: UserSigs are base64 with ``+/=`` replaced by ``*-_``; the shortest real one is well over 100 characters.
_SIG_CANDIDATE = re.compile(r"[A-Za-z0-9*_\-]{100,}")


def register_secret(secret: str) -> str:
    """Add ``secret`` to the session scan (and return it, for ``X = register_secret("...")``).

    Args:
        secret: a key, token or signing secret a test hands to timbot.
    """
    if len(secret) >= 8:  # a shorter "secret" would match innocent text
        SECRETS.add(secret)
    return secret


def leaks(text: str) -> list[str]:
    """What in ``text`` is a known test secret or a UserSig (described, never the secret itself).

    Args:
        text: a log line, a message, anything timbot produced.
    """
    found = [f"secret ending ...{s[-4:]}" for s in SECRETS if s in text]
    for candidate in _SIG_CANDIDATE.findall(text):
        try:
            usersig.decode(candidate)
        except usersig.UserSigError:
            continue
        found.append(f"a UserSig ({len(candidate)} chars)")
    return found


class _Recorder(logging.Handler):
    """Keeps every log record's message that leaks (the scan is done as records arrive)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen = 0
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen += 1
        try:
            text = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: scan its raw parts
            text = f"{record.msg} {record.args}"
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + self.format(record)
        for leak in leaks(text):
            self.found.append(f"{record.name}:{record.levelname}: {leak}")


_RECORDER = _Recorder()
_SLACKS: list[FakeSlack] = []
_EXTRA: list[tuple[str, str]] = []  # (where, text) handed in by tests: subprocess output, ad-hoc messages


def scan_later(where: str, texts: Iterable[str]) -> None:
    """Hand more output to the session scan (e.g. a subprocess's stderr).

    Args:
        where: a short label for the report.
        texts: the output.
    """
    _EXTRA.extend((where, text) for text in texts)


#: Loggers made verbose for the session so that their lines are scanned, with the level they get.
_LEVELS = {"timbot": logging.DEBUG, "httpx": logging.INFO}


@pytest.fixture(scope="session", autouse=True)
def _secret_scan() -> Iterator[None]:
    """Record every log line and every fake-Slack instance for the end-of-session scan."""
    root = logging.getLogger()
    root.addHandler(_RECORDER)
    saved = {name: logging.getLogger(name).level for name in _LEVELS}
    for name, level in _LEVELS.items():
        if logging.getLogger(name).getEffectiveLevel() > level:
            logging.getLogger(name).setLevel(level)
    original_app = FakeSlack.app

    def app(self: FakeSlack) -> Any:
        _SLACKS.append(self)
        return original_app(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FakeSlack, "app", app)
        yield
    root.removeHandler(_RECORDER)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


_REDIS_FOUND: list[str] = []


def redis_problems(url: str) -> list[str]:
    """What is wrong with what timbot left in the Redis at ``url``: a secret in a key or value, a key with no
    expiry (described, never the secret itself). Every kind of key is read (strings, lists, hashes, sets,
    sorted sets; any other as its serialised form). saq's own keys (``saq:``: its queue's lists and sorted
    sets, which live as long as the queue, and the body of a job that has not ended, which gets its ``ttl``
    when it ends) are scanned for secrets but not held to the expiry rule, which is timbot's for its own.

    Args:
        url: the server to look into.
    """
    found: list[str] = []
    client = redis.Redis.from_url(url)
    try:
        for key in client.scan_iter(count=500):
            kind = client.type(key).decode()
            if kind == "string":
                values = [client.get(key) or b""]
            elif kind == "list":
                values = list(client.lrange(key, 0, -1))
            elif kind == "hash":
                values = [part for pair in client.hgetall(key).items() for part in pair]
            elif kind == "zset":
                values = list(client.zrange(key, 0, -1))
            elif kind == "set":
                values = list(client.smembers(key))
            else:  # a stream or a module's type: its serialised form
                values = [client.dump(key) or b""]
            name = key.decode("utf-8", "replace")
            found.extend(f"Redis key {name[:60]}: {leak}" for leak in leaks(name))
            for value in values:
                text = value.decode("utf-8", "replace")
                found.extend(f"Redis value of {name[:60]}: {leak}" for leak in leaks(text))
            # a job queue's own structures and a job not yet run must live until a worker takes it (saq
            # gives a finished job its expiry); a killed worker's test leaves one queued: scanned, not timed
            if client.pttl(key) == -1 and not name.startswith("saq:"):
                found.append(f"Redis key {name[:60]} has no expiry")
    finally:
        client.close()
    return found


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real Redis-protocol server on a free loopback port, shared by every test of the session; what is left
    in it at the end goes through the secret scan (:func:`redis_problems`).

    Tests keep apart by their key prefix (each gets its own, see ``redis_prefix``), never by flushing.
    """
    with RedisServer() as server:
        yield server
        if server.running:
            _REDIS_FOUND.extend(redis_problems(server.url))


@pytest.fixture
def redis_prefix(request: pytest.FixtureRequest) -> str:
    """A key prefix of this test's own, so tests sharing the server never read each other's keys."""
    return f"t-{request.node.nodeid.rsplit('::', 1)[-1][:40]}-{id(request)}:"


def session_leaks() -> list[str]:
    """Every leak found so far: in log records, in messages posted to fake Slacks, in handed-in output, in
    the session's Redis."""
    found = list(_RECORDER.found) + _REDIS_FOUND
    for slack in _SLACKS:
        for key, payload in list(slack.posts):
            found.extend(f"message on hook {key[:8]}: {leak}" for leak in leaks(json.dumps(payload)))
    for where, text in _EXTRA:
        found.extend(f"{where}: {leak}" for leak in leaks(text))
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the session when any secret appeared in a log line or a message."""
    found = session_leaks()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if found:
        if reporter is not None:
            reporter.write_sep("=", "SECRET LEAK", red=True)
            for line in sorted(set(found)):
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif reporter is not None:
        messages = sum(len(s.posts) for s in _SLACKS)
        reporter.write_line(
            f"secret scan: {_RECORDER.seen} log records, {messages} posted messages, "
            f"{len(_EXTRA)} other outputs, {len(SECRETS)} known secrets: no leak"
        )


@pytest.fixture(name="client")
async def emulator_client() -> AsyncIterator[TimClient]:
    """``client``: the production Tencent client on a fresh in-process emulator (seed 0, no rate limits);
    a directory or module that needs another kind of ``client`` defines its own."""
    emulator = Emulator(enforce_rate_limits=False)
    async with TimClient(sdkappid=DEMO_SDKAPPID, secret_key=DEMO_KEY, base_url="http://emulator.test",
                         transport=emulator.transport()) as tim:
        yield tim
