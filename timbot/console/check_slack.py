"""``timbot check``'s Slack checks: the bot token (``auth.test``, the scopes it has) and the signing secret.

Also the :class:`Check` type every check returns.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from timbot.console.mrkdwn import sanitize
from timbot.i18n import N_, _

if TYPE_CHECKING:
    from timbot.settings import Settings

__all__ = ["CHECK_TIMEOUT", "SETTINGS", "SIGNING", "Check", "signing_secret_check", "skip", "slack_check"]

#: The most seconds one network check may take (connect, answer, everything).
CHECK_TIMEOUT = 8.0

_SLACK_TOKEN_HINT = N_(
    "the token is not valid: reinstall the app and copy its Bot User OAuth Token (xoxb-...)")
#: The names of the checks that are words (message ids; ``format_checks`` shows them translated).
SETTINGS: Final = N_("settings")
SIGNING: Final = N_("signing secret")


@dataclass(frozen=True, kw_only=True, slots=True)
class Check:
    """The outcome of one check: passed (``True``), failed (``False``) or skipped (``None``)."""

    name: str
    ok: bool | None
    detail: str
    hint: str = ""


def skip(name: str, why: str) -> Check:
    """A check that could not be made, and why."""
    return Check(name=name, ok=None, detail=_("skipped: {why}").format(why=why))


async def slack_check(settings: Settings) -> Check:
    """``auth.test`` with the bot token: valid, which bot in which team, and the scopes it has."""
    import aiohttp
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    from timbot.slack.app import BOT_SCOPES

    name = "Slack"
    if settings.slack_bot_token is None or not settings.slack_bot_token.get_secret_value():
        return skip(name, _("SLACK_BOT_TOKEN not set (see settings)"))
    token = settings.slack_bot_token.get_secret_value()
    if not token.startswith("xoxb-"):
        return Check(
            name=name,
            ok=False,
            detail=_("SLACK_BOT_TOKEN is not a bot token (it must start with xoxb-)"),
            hint=_("use the Bot User OAuth Token from OAuth & Permissions, not a user or app token"),
        )
    web = AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=int(CHECK_TIMEOUT),
        retry_handlers=[],  # a check reports what it sees; the server's client is the one that retries
    )
    started = time.perf_counter()
    try:
        answer = await asyncio.wait_for(web.auth_test(), CHECK_TIMEOUT)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown_error"))
        hint = _SLACK_TOKEN_HINT if "auth" in error or "token" in error or "account" in error else ""
        return Check(
            name=name,
            ok=False,
            detail=_("auth.test answered {error}").format(error=error),
            hint=_(hint or N_("see Slack's auth.test documentation for this error")),
        )
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        return Check(
            name=name,
            ok=False,
            detail=_("{url} unreachable ({error})").format(url=settings.slack_api_url,
                                                           error=type(exc).__name__),
            hint=_("unreachable: check SLACK_API_URL and the network (DNS, proxy, firewall)"),
        )
    elapsed_ms = (time.perf_counter() - started) * 1000
    team, bot = sanitize(str(answer.get("team", "?"))), sanitize(str(answer.get("user", "?")))
    granted = _scopes(answer.headers)
    detail = _("auth.test: bot {bot} in team {team}, {ms} ms").format(
        bot=bot, team=team, ms=f"{elapsed_ms:.0f}")
    if granted is None:
        return Check(name=name, ok=True,
                     detail=_("{detail}; Slack did not say which scopes the token has").format(detail=detail))
    lacking = ", ".join(scope for scope in BOT_SCOPES if scope not in granted)
    if lacking:
        return Check(
            name=name, ok=False, detail=_("{detail}, but the token lacks {scopes}").format(
                detail=detail, scopes=lacking),
            hint=_("add {scopes} under OAuth & Permissions > Bot Token Scopes (manifest.yaml lists them), "
                   "reinstall the app, and copy the new Bot User OAuth Token").format(scopes=lacking),
        )
    return Check(name=name, ok=True,
                 detail=_("{detail}; scopes {scopes}").format(detail=detail, scopes=", ".join(BOT_SCOPES)))


def _scopes(headers: Mapping[str, Any]) -> set[str] | None:
    """The scopes of Slack's ``x-oauth-scopes`` header (None when it is absent)."""
    for key, value in headers.items():
        if key.lower() == "x-oauth-scopes":
            text = value if isinstance(value, str) else ",".join(value)
            return {scope.strip() for scope in text.split(",") if scope.strip()}
    return None


def signing_secret_check(settings: Settings) -> Check:
    """``SLACK_SIGNING_SECRET`` is set (only Slack can tell whether it is the right one)."""
    name = SIGNING
    secret = settings.slack_signing_secret
    if secret is None or not secret.get_secret_value():
        return skip(name, _("SLACK_SIGNING_SECRET is not set (see settings; Basic Information > App "
                            "Credentials, needed by `timbot serve`)"))
    return Check(name=name, ok=True, detail=_("SLACK_SIGNING_SECRET is set"))
