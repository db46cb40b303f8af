"""The work done after the ack: answer through ``timbot.answer``, post the reply, audit it."""

from __future__ import annotations

from typing import Any

from timbot.answer import Reply, describe_click, reply_click, reply_command
from timbot.errors import AccessDenied
from timbot.render import Message, error_message
from timbot.slack.audit import Incoming, audit
from timbot.slack.respond import ResponsePoster
from timbot.tim.client import TimClient

__all__ = ["Worker"]


def _payload(message: Message, *, replace: bool) -> dict[str, Any]:
    return {**message.to_dict(), "response_type": "ephemeral", "replace_original": replace}


class Worker:
    """Answers one command or click through its ``response_url``.

    Args:
        tim: the Tencent client.
        poster: posts to ``response_url``.
    """

    def __init__(self, *, tim: TimClient, poster: ResponsePoster) -> None:
        self._tim = tim
        self._poster = poster

    async def answer(self, incoming: Incoming) -> None:
        """Answer ``incoming`` and post the reply (the answer, or the error in words).

        A successful click replaces the page in place; an error is posted as a new ephemeral message,
        so the page the user was reading stays. Never raises (except on cancellation).

        Args:
            incoming: the command or click, already authorised and acknowledged.
        """
        is_click = incoming.kind == "click"
        answered: Reply
        if is_click:
            answered = await reply_click(self._tim, incoming.text)
        else:
            answered = await reply_command(self._tim, incoming.what, incoming.text)
        payload = _payload(answered.message, replace=is_click and answered.page)
        delivered = await self._poster.post(incoming.response_url, payload)
        shown = describe_click(incoming.text) if is_click else None
        audit(incoming, answered.outcome, delivered=delivered, shown=shown)

    async def refuse(self, incoming: Incoming, *, code: str, reason: str) -> None:
        """Tell the caller, ephemerally, why timbot will not answer; no Tencent call.

        Args:
            incoming: the refused command or click.
            code: the short refusal code for the audit line.
            reason: the polite sentence for the user.
        """
        payload = _payload(error_message(AccessDenied(reason)), replace=False)
        delivered = await self._poster.post(incoming.response_url, payload)
        audit(incoming, f"refused:{code}", delivered=delivered)
