"""The work done after the ack: answer through ``timbot.answer``, post the reply, audit it."""

from __future__ import annotations

from typing import Any

from timbot.answer import (
    Reply,
    describe_click,
    export_query,
    failure,
    reply_click,
    reply_command,
    reply_share,
)
from timbot.commands.follow import decode_follow
from timbot.commands.queries import Query
from timbot.commands.spec import CANCEL_EXPORT, EXPORT, FOLLOW, SHARE
from timbot.commands.state import decode
from timbot.errors import AccessDenied, ExpiredError
from timbot.i18n import N_
from timbot.render import Message, error_message
from timbot.slack.audit import Incoming, audit
from timbot.slack.exports import Exports
from timbot.slack.queue import QueuedExports
from timbot.slack.respond import ResponsePoster
from timbot.tim.client import TimClient

__all__ = ["Worker"]


def _payload(message: Message, *, replace: bool, in_channel: bool = False) -> dict[str, Any]:
    kind = "in_channel" if in_channel else "ephemeral"
    return {**message.to_dict(), "response_type": kind, "replace_original": replace}


class Worker:
    """Answers one command or click through its ``response_url``.

    Args:
        tim: the Tencent client.
        poster: posts to ``response_url``.
        share: whether answers carry a Share button (``TIMBOT_ALLOW_SHARE``; a Share click is refused
            without it, as if the button were not there).
        exports: runs the CSV exports (``--csv``, Export CSV, Cancel).
    """

    def __init__(self, *, tim: TimClient, poster: ResponsePoster, exports: Exports | QueuedExports,
                 share: bool = True) -> None:
        self._tim = tim
        self._poster = poster
        self._share = share
        self._exports = exports

    async def answer(self, incoming: Incoming) -> None:
        """Answer ``incoming`` and post the reply (the answer, or the error in words).

        A successful click replaces the page in place; a follow (a row's button or menu) answers its command
        as typing it would, in a new ephemeral message; an error is posted as a new ephemeral message,
        so the page the user was reading stays. A Share click posts the page in the channel, visibly,
        "shared by" the clicker and without buttons; the private copy stays. Never raises (except on
        cancellation).

        Args:
            incoming: the command or click, already authorised and acknowledged.
        """
        is_click = incoming.kind == "click"
        if is_click and incoming.what == FOLLOW:
            await self._follow(incoming)
            return
        if is_click and incoming.what in (EXPORT, CANCEL_EXPORT):
            await (self._export_click if incoming.what == EXPORT else self._cancel)(incoming)
            return
        exported = None if is_click else export_query(incoming.what, incoming.text)
        if exported is not None:
            await self._export(incoming, exported)
            return
        shared = is_click and incoming.what == SHARE
        answered: Reply
        if shared and not self._share:
            await self.refuse(incoming, code="share-off", reason=N_("sharing answers is turned off here"))
            return
        if shared:
            answered = await reply_share(self._tim, incoming.text, user_id=incoming.user_id)
        elif is_click:
            answered = await reply_click(self._tim, incoming.text, share=self._share)
        else:
            answered = await reply_command(self._tim, incoming.what, incoming.text, share=self._share)
        in_channel = shared and answered.page
        payload = _payload(answered.message, replace=is_click and answered.page and not shared,
                           in_channel=in_channel)
        delivered = await self._poster.post(incoming.response_url, payload)
        shown = describe_click(incoming.text) if is_click else None
        audit(incoming, answered.outcome, delivered=delivered, shown=shown)

    async def _follow(self, incoming: Incoming) -> None:
        """A row's follow option: its command answered exactly as if typed, posted as a new ephemeral
        message (the list the user was reading stays); an expired value makes no Tencent call."""
        try:
            command, text = decode_follow(incoming.text)
        except ExpiredError as exc:
            answered = failure(exc, what="follow")
            followed = f"expired value ({len(incoming.text)} chars)"
        else:
            answered = await reply_command(self._tim, command, text, share=self._share)
            followed = f"{command} {text}"
        delivered = await self._poster.post(incoming.response_url, _payload(answered.message, replace=False))
        audit(incoming, answered.outcome, delivered=delivered, followed=followed)

    async def _export(self, incoming: Incoming, query: Query) -> None:
        """Start an export and answer, ephemerally, that it started (or why it cannot)."""
        answered: Reply
        try:
            message = await self._exports.start(user=incoming.user_id, query=query)
        except Exception as exc:  # the one handler: refusals and Tencent's errors become words
            answered = failure(exc, what="export")
        else:
            answered = Reply(message=message, outcome="export", exit_code=0, page=False)
        delivered = await self._poster.post(incoming.response_url, _payload(answered.message, replace=False))
        audit(incoming, answered.outcome, delivered=delivered)

    async def _export_click(self, incoming: Incoming) -> None:
        """The Export CSV button: its value is page 1's state (an expired one makes no Tencent call)."""
        try:
            query = decode(incoming.text).query
        except ExpiredError as exc:
            answered = failure(exc, what="export")
            payload = _payload(answered.message, replace=False)
            delivered = await self._poster.post(incoming.response_url, payload)
            audit(incoming, answered.outcome, delivered=delivered)
            return
        await self._export(incoming, query)

    async def _cancel(self, incoming: Incoming) -> None:
        """The Cancel button of a progress message: the export's own task updates the message."""
        if await self._exports.cancel(export_id=incoming.text, user=incoming.user_id):
            audit(incoming, "cancelled")
            return
        answered = failure(ExpiredError("the export has ended"), what="cancel")
        delivered = await self._poster.post(incoming.response_url, _payload(answered.message, replace=False))
        audit(incoming, answered.outcome, delivered=delivered)

    async def refuse(self, incoming: Incoming, *, code: str, reason: str) -> None:
        """Tell the caller, ephemerally, why timbot will not answer; no Tencent call.

        Args:
            incoming: the refused command or click.
            code: the short refusal code for the audit line.
            reason: the polite sentence for the user (an English message id: shown in the current language).
        """
        payload = _payload(error_message(AccessDenied(reason)), replace=False)
        delivered = await self._poster.post(incoming.response_url, payload)
        audit(incoming, f"refused:{code}", delivered=delivered)
