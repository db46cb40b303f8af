"""Hostile input, fuzzed with hypothesis: command text and button values through the pipeline.

The pipeline runs on the real ``TimClient`` over the in-process emulator. Every case ends in a usage or
"expired" answer with no Tencent call, or, for valid input, in a real answer (data, or Tencent's own verdict
such as 10010); never anything else.

The budget is the ``ci`` profile (200 examples each, derandomized); ``TIMBOT_FUZZ=long`` runs 20 000."""

from __future__ import annotations

import asyncio
import base64
import json
import zlib
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reliability.conftest import FUZZ_PROFILE
from tests.render.checker import buttons, check
from timbot.answer import answer_click, answer_command
from timbot.commands.parse import parse
from timbot.emulator import DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.errors import ExpiredError, TimApiError, UsageError
from timbot.render import Message, error_message
from timbot.tim.client import TimClient

T = TypeVar("T")
COMMANDS = ("/im-groups", "/im-group", "/im-joined", "/im-room", "/im-friends")
#: Tokens that mean something to the parser or to Slack, for the flag soup.
WORDS = (
    "--limit", "--limit=5", "--limit=0", "--limit=-1", "--limit=101", "--type", "--type=Public", "--huge",
    "--huge=1", "--inactive", "--topics", "--mark", "--mark=1000", "--help", "help", "-h", "--", "---", "-",
    "--=", "--limit=99999999999999999999999", "Public", "work", "Live", "community", "nonsense", "leckie",
    "peter", "107867", "@TGS#3GSW2YAIR", "@TGS#a8GR2rdB4", "club:chess-677", "@TGS#_@TGS#cVWCL859LQB",
    "&lt;@U123|name&gt;", "&lt;!channel&gt;", "&lt;#C123|general&gt;", "&lt;https://x|y&gt;", "&amp;",
    "&amp;lt;", "<!here>", "`", "```", "*", "\u202e", "\u200b", "\x00", "\t", "\n", "日本語", "🎉", "0", "-0",
    "1e9", "NaN", "x" * 33, "@" * 65,
)
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u3000", ""])


@st.composite
def command_text(draw: st.DrawFn) -> str:
    """Any unicode (control characters too), 10 kB strings, flag soup, Slack's escaped forms."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.text(st.characters(codec=None, exclude_categories=["Cs"]), max_size=200))
    if kind == 1:
        unit = draw(st.text(min_size=1, max_size=8))
        return unit * (10_240 // len(unit))
    words = draw(st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=12))
    seps = draw(st.lists(SEPARATORS, min_size=len(words), max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, seps, strict=True))
    return text if kind == 2 else f"&lt;@U{draw(st.integers(0, 10**9))}|{text}&gt;"


@dataclass
class Fuzz:
    """The pipeline's world: a loop, the emulator, a real client, and what every case ended in."""

    runner: asyncio.Runner
    emulator: Emulator
    client: TimClient
    seeds: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(work)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


@pytest.fixture(scope="module")
def fuzz() -> Iterator[Fuzz]:
    emulator = Emulator(seed=0, enforce_rate_limits=False)
    with asyncio.Runner() as runner:

        async def make() -> TimClient:
            return TimClient(sdkappid=DEMO_SDKAPPID, secret_key=DEMO_KEY, base_url="http://emulator.test",
                             transport=emulator.transport(), list_rate=1000.0)

        client = runner.run(make())
        world = Fuzz(runner=runner, emulator=emulator, client=client)
        # Real button values to start mutations from: page 2 of every paging style, and a Previous.
        for command, text in [("/im-groups", "Public --limit 5"), ("/im-group", "@TGS#3GSW2YAIR"),
                              ("/im-joined", "leckie --limit 5"), ("/im-room", "@TGS#a8GR2rdB4"),
                              ("/im-friends", "leckie")]:
            first = buttons(runner.run(answer_command(client, command, text)))
            if "timbot_next" in first:
                world.seeds.append(first["timbot_next"])
                second = buttons(runner.run(answer_click(client, first["timbot_next"])))
                world.seeds.extend(second.values())
        assert len(world.seeds) >= 8
        yield world
        print(f"\nfuzz outcomes: {world.outcomes}")
        runner.run(client.aclose())


def _unpack(value: str) -> Any:
    return json.loads(zlib.decompress(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))))


def _pack(data: Any) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()


_NUMBERS = st.sampled_from([-1, -(2**63), 0, 1, 2**31, 2**63, 2**64, 10**30]) | st.integers() | st.floats()
_JUNK = _NUMBERS | st.text(max_size=20) | st.none() | st.booleans() | st.just([]) | st.just({})


@st.composite
def button_value(draw: st.DrawFn, seeds: list[str]) -> str:
    """Random bytes, truncated or re-encoded JSON, unknown versions, wild numbers, foreign cursors, 2000
    characters."""
    seed = draw(st.sampled_from(seeds))
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return draw(st.binary(max_size=300)).decode("latin-1")
    if kind == 1:
        return base64.urlsafe_b64encode(draw(st.binary(max_size=1500))).decode().rstrip("=")
    if kind == 2:
        return seed[: draw(st.integers(0, len(seed)))]
    if kind == 3:  # one character changed
        at = draw(st.integers(0, len(seed) - 1))
        return seed[:at] + draw(st.sampled_from("A_-z09=+/")) + seed[at + 1 :]
    if kind == 4:  # padded to Slack's 2000 (or one more)
        return (seed + draw(st.sampled_from(["A", "-", "="])) * 2001)[: draw(st.sampled_from([2000, 2001]))]
    data = _unpack(seed)
    if kind == 5:  # a cursor (or query) from another command's value
        other = _unpack(draw(st.sampled_from(seeds)))
        part = draw(st.sampled_from(["c", "q", "h"]))
        if part in other:
            data[part] = other[part]
        return _pack(data)
    path = draw(st.sampled_from(["v", "p", "c.o", "c.n", "c.t", "c.s", "c.k", "q.k", "q.l", "q.m", "h", "x"]))
    target, _, key = path.rpartition(".")
    holder = data.get(target) if target else data
    if isinstance(holder, dict):
        holder[key] = draw(_JUNK if path != "h" else st.lists(_JUNK, max_size=300))
    return _pack(data)


def _valid(command: str, text: str) -> bool:
    try:
        parse(command, text)
    except UsageError:
        return False
    return True


@settings(settings.get_profile(FUZZ_PROFILE))
@given(command=st.sampled_from(COMMANDS), text=command_text())
def test_command_text(fuzz: Fuzz, command: str, text: str) -> None:
    before = len(fuzz.emulator.calls)
    try:
        message: Message = fuzz.run(answer_command(fuzz.client, command, text))
    except UsageError as exc:
        assert len(fuzz.emulator.calls) == before, "a Tencent call for invalid input"
        data = check(error_message(exc))
        assert data["text"].startswith(":x:")
        fuzz.count("text:usage")
        return
    except TimApiError as exc:  # valid input Tencent refuses (unknown group or user): its verdict, in words
        assert _valid(command, text) and exc.kind == "fatal", exc
        check(error_message(exc))
        fuzz.count(f"text:tencent:{exc.code}")
        return
    check(message)
    fuzz.count("text:answer")


@settings(settings.get_profile(FUZZ_PROFILE))
@given(data=st.data())
def test_button_value(fuzz: Fuzz, data: st.DataObject) -> None:
    value = data.draw(button_value(fuzz.seeds))
    before = len(fuzz.emulator.calls)
    try:
        message: Message = fuzz.run(answer_click(fuzz.client, value))
    except ExpiredError as exc:
        assert len(fuzz.emulator.calls) == before, "a Tencent call for a value that does not parse"
        assert "expired" in check(error_message(exc))["text"]
        fuzz.count("click:expired")
        return
    except TimApiError as exc:
        assert exc.kind == "fatal", exc
        check(error_message(exc))
        fuzz.count(f"click:tencent:{exc.code}")
        return
    check(message)
    fuzz.count("click:answer")
