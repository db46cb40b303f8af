"""``Message``: what timbot sends to Slack, a plain-text fallback plus Block Kit blocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block

from timbot.render.serialize import block_dict

__all__ = ["Message"]


@dataclass
class Message:
    """One Slack message.

    Args:
        text: the fallback for notifications and screen readers (escaped mrkdwn, at most 4000 chars).
        blocks: the Block Kit blocks (built by :mod:`timbot.render.limits`, inside Slack's limits).
    """

    text: str
    blocks: list[Block] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"text": ..., "blocks": [...]}`` (slack_sdk's validators run on each block here)."""
        return {"text": self.text, "blocks": [block_dict(block) for block in self.blocks]}
