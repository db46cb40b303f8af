"""Summaries of a py-spy raw profile (collapsed stacks): where the timbot server spends its time."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def _short(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})"


def summarize(path: Path, *, top: int = 25) -> str:
    """Self time per function and inclusive time per timbot/bolt/starlette function, as text.

    Args:
        path: a py-spy raw (collapsed) profile.
        top: how many rows in each table.
    """
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(f) for f in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if not total:
        return "no samples"
    rows = [f"{total} samples", "", "self time:"]
    rows += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    rows += ["", "inclusive time (timbot, slack_bolt, slack_sdk, starlette, httpx, pydantic):"]
    interesting = [(f, n) for f, n in inclusive.most_common()
                   if any(k in f for k in ("timbot/", "slack_bolt/", "slack_sdk/", "starlette/", "httpx/",
                                           "pydantic", "httpcore/", "uvicorn/"))]
    rows += [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in interesting[:top]]
    return "\n".join(rows)
