"""The work done after the ack: run the pipeline, turn any error into a message, post it, audit it."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from timbot.commands.pipeline import answer_click, answer_command
from timbot.errors import (
    AccessDenied,
    ExpiredError,
    TimApiError,
    TimbotError,
    TimError,
    TimProtocolError,
    TimTransportError,
    UsageError,
)
from timbot.render import Message, error_message
from timbot.slack.audit import Incoming, audit
from timbot.slack.respond import ResponsePoster
from timbot.tim.client import TimClient

__all__ = ["Worker", "outcome_of"]

logger = logging.getLogger(__name__)


def outcome_of(exc: TimbotError) -> str:
    """The audit outcome of an expected error, e.g. ``usage``, ``expired``, ``tim:10010``.

    Args:
        exc: the error the pipeline raised.
    """
    if isinstance(exc, UsageError):
        return "usage"
    if isinstance(exc, ExpiredError):
        return "expired"
    if isinstance(exc, AccessDenied):
        return "refused"
    if isinstance(exc, TimApiError):
        return f"tim:{exc.code}"
    if isinstance(exc, TimTransportError):
        return "tim:transport"
    if isinstance(exc, TimProtocolError):
        return "tim:protocol"
    if isinstance(exc, TimError):
        return "tim"
    return type(exc).__name__


def new_ref() -> str:
    """A short reference shown to the user and logged beside the traceback."""
    return secrets.token_hex(3).upper()


def _payload(message: Message, *, replace: bool) -> dict[str, Any]:
    return {**message.to_dict(), "response_type": "ephemeral", "replace_original": replace}


class Worker:
    """Answers one command or click through its ``response_url``; the one error handler of timbot.

    Args:
        tim: the Tencent client.
        poster: posts to ``response_url``.
    """

    def __init__(self, *, tim: TimClient, poster: ResponsePoster) -> None:
        self._tim = tim
        self._poster = poster

    async def answer(self, incoming: Incoming) -> None:
        """Run the pipeline for ``incoming`` and post the answer (or the error, in words).

        A successful click replaces the page in place; an error is posted as a new ephemeral message,
        so the page the user was reading stays. Never raises (except on cancellation).

        Args:
            incoming: the command or click, already authorised and acknowledged.
        """
        is_click = incoming.kind == "click"
        try:
            if is_click:
                message = await answer_click(self._tim, incoming.text)
            else:
                message = await answer_command(self._tim, incoming.what, incoming.text)
            payload = _payload(message, replace=is_click)
            outcome = "ok"
        except TimbotError as exc:
            payload = _payload(error_message(exc), replace=False)
            outcome = outcome_of(exc)
        except Exception as exc:  # the one place an unexpected error becomes words + a logged ref
            ref = new_ref()
            logger.exception("unexpected error answering %s %s (ref %s)", incoming.kind, incoming.what, ref)
            payload = _payload(error_message(exc, ref=ref), replace=False)
            outcome = f"error:{ref}"
        delivered = await self._poster.post(incoming.response_url, payload)
        audit(incoming, outcome, delivered=delivered)

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
