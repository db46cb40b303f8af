"""Checks of the Block Kit limits that slack_sdk does not check itself (shared by the render tests)."""

from __future__ import annotations

import re
from typing import Any

from timbot.render.message import Message

#: What must never appear raw in mrkdwn: a ping, a mention or a link made from someone else's text.
RAW_MARKUP = re.compile(r"<(?!!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9TZ:-]+>)")


def texts(node: Any) -> list[tuple[str, str]]:
    """Every (type, text) pair of the message's text objects."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            found.append((node["type"], node["text"]))
        for value in node.values():
            found.extend(texts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(texts(value))
    return found


def _follow_element(element: dict[str, Any]) -> None:
    """A follow button, overflow menu or select inside Block Kit's limits (options: text 75, value 150)."""
    assert element["action_id"] == "timbot_follow", element
    if element["type"] == "button":
        assert element["text"]["type"] == "plain_text" and 0 < len(element["text"]["text"]) <= 75
        assert 0 < len(element["value"]) <= 150
        return
    limit = 5 if element["type"] == "overflow" else 100
    assert element["type"] in ("overflow", "static_select")
    assert (2 if element["type"] == "overflow" else 1) <= len(element["options"]) <= limit
    for option in element["options"]:
        assert option["text"]["type"] == "plain_text" and 0 < len(option["text"]["text"]) <= 75
        assert 0 < len(option["value"]) <= 150
    if element["type"] == "static_select":
        assert element["placeholder"]["type"] == "plain_text" and len(element["placeholder"]["text"]) <= 150


def check(message: Message) -> dict[str, Any]:
    """Assert the message is one Slack accepts, and return its dict."""
    data = message.to_dict()  # slack_sdk validates its own limits here
    blocks = data["blocks"]
    assert 0 < len(blocks) <= 50
    assert data["text"] and len(data["text"]) <= 4000
    assert RAW_MARKUP.search(data["text"]) is None, data["text"]
    ids = [b["block_id"] for b in blocks]
    assert len(ids) == len(set(ids)) and all(0 < len(i) <= 255 for i in ids)
    for block in blocks:
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text" and len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert "text" in block or "fields" in block
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= 3000
            if "accessory" in block:
                _follow_element(block["accessory"])
            for field in block.get("fields", []):
                assert 0 < len(field["text"]) <= 2000
            assert len(block.get("fields", [])) <= 10
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
        if block["type"] == "actions":
            actions = [e["action_id"] for e in block["elements"]]
            assert len(actions) == len(set(actions))
            for element in block["elements"]:
                if element["type"] == "static_select":
                    _follow_element(element)
                    continue
                assert element["text"]["type"] == "plain_text" and len(element["text"]["text"]) <= 75
                assert 0 < len(element.get("value", "")) <= 2000
                assert element["action_id"] in ("timbot_prev", "timbot_next", "timbot_share", "timbot_export",
                                                 "timbot_export_cancel")
    for kind, text in texts(blocks):
        if kind == "mrkdwn":
            assert RAW_MARKUP.search(text) is None, text
    return data


def buttons(message: Message) -> dict[str, str]:
    """The pager's buttons: action_id -> value."""
    out: dict[str, str] = {}
    for block in message.to_dict()["blocks"]:
        if block["type"] == "actions":
            out.update({e["action_id"]: e["value"] for e in block["elements"] if e["type"] == "button"})
    return out


def all_text(message: Message) -> str:
    """Everything a user can read in the message."""
    data = message.to_dict()
    return "\n".join([data["text"], *(t for _, t in texts(data["blocks"]))])
