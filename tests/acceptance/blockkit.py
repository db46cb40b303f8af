"""An outsider's Block Kit check: slack_sdk models round trip plus Slack's documented limits."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.models.blocks import Block

SECRETS: list[str] = []


def _texts(block: dict[str, Any]) -> list[str]:
    out: list[str] = []
    text = block.get("text")
    if isinstance(text, dict):
        out.append(text.get("text", ""))
    for f in block.get("fields") or []:
        out.append(f.get("text", ""))
    for el in block.get("elements") or []:
        if el.get("type") in ("mrkdwn", "plain_text"):
            out.append(el.get("text", ""))
    return out


def _element(el: dict[str, Any]) -> None:
    """A menu's options: at most 5 (overflow) or 100 (select), plain text of at most 75, values of 150."""
    if el["type"] in ("overflow", "static_select"):
        assert len(el["options"]) <= (5 if el["type"] == "overflow" else 100)
        for o in el["options"]:
            assert o["text"]["type"] == "plain_text" and len(o["text"]["text"]) <= 75
            assert len(o["value"]) <= 150
    if el["type"] == "static_select":
        assert len(el["placeholder"]["text"]) <= 150


RAW = re.compile(r"<(?!!date\^)")  # any '<' that is not a Slack date token is an unescaped control sequence


def check_message(msg: dict[str, Any]) -> None:
    """Raise AssertionError for anything Slack would reject or that would ping/link from data."""
    assert isinstance(msg.get("text"), str) and msg["text"].strip(), "empty text fallback"
    blocks = msg.get("blocks", [])
    assert 1 <= len(blocks) <= 50, f"{len(blocks)} blocks"
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids)), "duplicate block_id"
    for b in blocks:
        parsed = Block.parse(b)
        assert parsed is not None
        assert parsed.to_dict() == b, (parsed.to_dict(), b)
        assert len(b.get("block_id", "")) <= 255
        t = b["type"]
        if t == "header":
            assert len(b["text"]["text"]) <= 150 and b["text"]["type"] == "plain_text"
        if t == "section":
            if "accessory" in b:
                _element(b["accessory"])
            if "text" in b:
                assert 1 <= len(b["text"]["text"]) <= 3000
            fields = b.get("fields") or []
            assert len(fields) <= 10 and all(len(f["text"]) <= 2000 for f in fields)
        if t == "context":
            assert len(b["elements"]) <= 10
        if t == "actions":
            assert len(b["elements"]) <= 25
            for el in b["elements"]:
                _element(el)
                if el["type"] == "static_select":
                    continue
                assert len(el["text"]["text"]) <= 75
                assert len(el.get("value", "")) <= 2000
                assert len(el["action_id"]) <= 255
        for s in _texts(b):
            assert not RAW.search(s), f"unescaped '<' in {s!r}"
            assert not re.search(r"&(?!amp;|lt;|gt;)", s), f"unescaped '&' in {s!r}"
    blob = str(msg)
    for secret in SECRETS:
        assert secret not in blob
