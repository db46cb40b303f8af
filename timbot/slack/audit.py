"""The audit line: one log line per command and click (who, where, what, outcome, duration)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Incoming", "audit", "audit_logger"]

audit_logger = logging.getLogger("timbot.audit")

_TEXT_LIMIT = 200


def _clean(value: str, limit: int = _TEXT_LIMIT) -> str:
    """One line, bounded: control characters become spaces, long text is cut with an ellipsis."""
    flat = "".join(ch if ch.isprintable() else " " for ch in value)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True, kw_only=True)
class Incoming:
    """What timbot was asked, by whom and where: the facts of one command or click.

    Attributes:
        kind: ``command`` or ``click``.
        user_id: the Slack user who typed or clicked.
        team_id: that user's team (``user.team_id`` on a click).
        channel_id: where (may be empty).
        what: the command name, or the button's ``action_id``.
        text: the command text, or the clicked value: a button's ``value`` or a menu's
            ``selected_option.value`` (a click logs only its length, or what it asked for).
        response_url: where the answer goes (never logged).
        started: ``time.monotonic()`` when the request arrived.
    """

    kind: str
    user_id: str
    team_id: str
    channel_id: str
    what: str
    text: str
    response_url: str
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def from_body(cls, body: dict[str, Any], *, started: float | None = None) -> Incoming:
        """Build from a Bolt request body (slash command form or block_actions payload).

        Args:
            body: Bolt's parsed body.
            started: arrival time (``time.monotonic()``), now when omitted.
        """
        now = time.monotonic() if started is None else started
        if body.get("type") == "block_actions":
            user = body.get("user") or {}
            channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
            action = (body.get("actions") or [{}])[0]
            # a button sends its value; an overflow menu or a select the option chosen
            chosen = action.get("selected_option") or {}
            value = action.get("value") or (chosen.get("value") if isinstance(chosen, dict) else None)
            return cls(
                kind="click",
                user_id=str(user.get("id") or ""),
                team_id=str(user.get("team_id") or (body.get("team") or {}).get("id") or ""),
                channel_id=str(channel or ""),
                what=str(action.get("action_id") or ""),
                text=str(value or ""),
                response_url=str(body.get("response_url") or ""),
                started=now,
            )
        return cls(
            kind="command",
            user_id=str(body.get("user_id") or ""),
            team_id=str(body.get("team_id") or ""),
            channel_id=str(body.get("channel_id") or ""),
            what=str(body.get("command") or ""),
            text=str(body.get("text") or ""),
            response_url=str(body.get("response_url") or ""),
            started=now,
        )


def audit(
    request: Incoming, outcome: str, *, delivered: bool | None = None, shown: str | None = None,
    followed: str | None = None,
) -> None:
    """Write the one audit line of ``request`` (its fields also go in ``record.audit``, for JSON logs).

    Args:
        request: the command or click.
        outcome: ``ok``, ``refused:<reason>``, ``usage``, ``expired``, ``tim:<code>``, ``error:<ref>``...
        delivered: whether the answer reached Slack (None when it went in the ack body).
        shown: for a click, what its value asked for (the command, its query and the page).
        followed: for a follow click, the command it answered (``/im-group @TGS#abc``): ``what`` is then
            ``follow <command> <text>``.
    """
    duration_ms = (time.monotonic() - request.started) * 1000
    if followed is not None:
        what = f"follow {_clean(followed)}"
    elif request.kind == "click":
        target = repr(_clean(shown)) if shown else f"(value {len(request.text)} chars)"
        what = f"button {_clean(request.what, 64)} {target}"
    else:
        what = f"{_clean(request.what, 64)} {_clean(request.text)!r}"
    fields = {
        "kind": request.kind,
        "user": _clean(request.user_id, 32),
        "team": _clean(request.team_id, 32),
        "channel": _clean(request.channel_id, 32) or "-",
        "what": what,
        "outcome": outcome,
        "delivered": "-" if delivered is None else ("yes" if delivered else "no"),
        "duration_ms": round(duration_ms),
    }
    audit_logger.info(
        "%s user=%s team=%s channel=%s what=%s outcome=%s delivered=%s duration_ms=%.0f",
        request.kind, fields["user"], fields["team"], fields["channel"], what, outcome, fields["delivered"],
        duration_ms, extra={"audit": fields},
    )
