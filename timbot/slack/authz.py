"""Who may use timbot (the installed team only, no guests unless allowed, the allow-lists), in what tongue."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from cachetools import TTLCache
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from timbot.i18n import DEFAULT, N_, from_locale
from timbot.settings import Settings
from timbot.slack.audit import Incoming

__all__ = ["REASONS", "Authoriser", "Decision"]

logger = logging.getLogger(__name__)

#: The polite sentence shown for each refusal (ephemeral, to the caller only), as English message ids:
#: ``AccessDenied.user_text`` shows them in the caller's language.
REASONS: dict[str, str] = {
    "other-team": N_(
        "Sorry, timbot only answers members of the workspace it is installed in; "
        "people from other teams or organisations cannot use it here."
    ),
    "guest": N_("Sorry, guest accounts cannot use timbot in this workspace."),
    "user-not-allowed": N_(
        "Sorry, you are not on timbot's list of allowed users. Ask a workspace admin to add you."
    ),
    "channel-not-allowed": N_(
        "Sorry, timbot does not answer in this channel. Try it in a channel your admins allowed."
    ),
    "check-failed": N_(
        "Sorry, timbot could not check your account with Slack just now, so it did not answer. "
        "Try again in a moment."
    ),
    "inactive": N_("Sorry, this account cannot use timbot (deactivated or a bot)."),
}


@dataclass(frozen=True)
class Decision:
    """The outcome of a check: ``code`` is ``ok`` or a key of ``REASONS``; ``language`` the caller's (from
    their Slack ``locale``; English when unknown, e.g. refused before ``users.info``)."""

    code: str
    language: str = DEFAULT

    @property
    def allowed(self) -> bool:
        """True when the caller may go on."""
        return self.code == "ok"

    @property
    def reason(self) -> str:
        """The sentence for the user, in English: the message id (empty when allowed)."""
        return REASONS.get(self.code, "")


ALLOWED = Decision("ok")


class Authoriser:
    """Decides, before any Tencent call, whether a command or click may proceed.

    Args:
        settings: for ``allowed_users``, ``allowed_channels`` and ``timbot_allow_guests``.
        cache_ttl: seconds a ``users.info`` answer is trusted.
        cache_size: how many users are remembered.
        lookup_timeout: the most a ``users.info`` call may take (it runs before the ack, which must leave
            within 3 s even after a cold ``auth.test``).
    """

    def __init__(
        self,
        *,
        settings: Settings,
        cache_ttl: float = 300.0,
        cache_size: int = 10_000,
        lookup_timeout: float = 1.2,
    ) -> None:
        self._allowed_users = settings.allowed_users
        self._allowed_channels = settings.allowed_channels
        self._allow_guests = settings.timbot_allow_guests
        self._lookup_timeout = lookup_timeout
        self._want_locale = not settings.timbot_language  # TIMBOT_LANGUAGE: one language for everyone
        #: user ID -> (verdict, language)
        self._users: TTLCache[str, tuple[str, str]] = TTLCache(maxsize=cache_size, ttl=cache_ttl)
        self._pending: dict[str, asyncio.Future[tuple[str, str]]] = {}

    async def check(
        self,
        incoming: Incoming,
        *,
        client: AsyncWebClient,
        installed_team: str | None,
        installed_enterprise: str | None,
        enterprise_id: str | None = None,
    ) -> Decision:
        """Run every check, cheapest first; only the guest check calls Slack (cached), and its answer also
        gives the caller's language (looked up for it alone when guests are allowed, unless
        ``TIMBOT_LANGUAGE`` decides it; a failed lookup then answers in English).

        Args:
            incoming: who, where and what.
            client: the app's Web API client (``users.info``).
            installed_team: the team of the installation (``auth.test``), None when unknown.
            installed_enterprise: the Enterprise Grid org of the installation, if any.
            enterprise_id: the caller's org from the payload, if any.
        """
        home = {team for team in (installed_team, installed_enterprise) if team}
        if not home or incoming.team_id not in home:
            same_org = bool(installed_enterprise) and enterprise_id == installed_enterprise
            if not same_org:
                return Decision("other-team")
        if self._allowed_users and incoming.user_id not in self._allowed_users:
            return Decision("user-not-allowed")
        if self._allowed_channels and incoming.channel_id not in self._allowed_channels:
            return Decision("channel-not-allowed")
        if self._allow_guests and not self._want_locale:
            return ALLOWED
        verdict, lang = await self._account(incoming.user_id, client)
        return Decision("ok" if self._allow_guests else verdict, language=lang)

    async def _account(self, user_id: str, client: AsyncWebClient) -> tuple[str, str]:
        """``ok``, ``guest``, ``inactive`` or ``check-failed`` for ``user_id``, with the user's language
        (cached when known).

        Concurrent checks of one user share one ``users.info`` call: a burst of commands before the cache is
        filled would otherwise spend Slack's rate limit (Tier 4) and be refused on its 429s.
        """
        cached = self._users.get(user_id)
        if cached is not None:
            return cached
        pending = self._pending.get(user_id)
        if pending is None:
            pending = asyncio.ensure_future(self._lookup(user_id, client))
            self._pending[user_id] = pending
            pending.add_done_callback(lambda _: self._pending.pop(user_id, None))
        return await asyncio.shield(pending)

    async def _lookup(self, user_id: str, client: AsyncWebClient) -> tuple[str, str]:
        try:
            answer = await asyncio.wait_for(client.users_info(user=user_id, include_locale=True),
                                            timeout=self._lookup_timeout)
        except (SlackClientError, aiohttp.ClientError, TimeoutError, ValueError) as exc:
            # Fail closed: no answer from Slack means we cannot know this is not a guest.
            logger.warning("users.info failed for %s (%s): refusing", user_id, type(exc).__name__)
            return "check-failed", DEFAULT
        user: dict[str, Any] = answer.get("user") or {}
        if not user:
            logger.warning("users.info for %s answered without a user: refusing", user_id)
            return "check-failed", DEFAULT
        if user.get("is_restricted") or user.get("is_ultra_restricted"):
            verdict = "guest"
        elif user.get("deleted") or user.get("is_bot"):
            verdict = "inactive"
        else:
            verdict = "ok"
        locale = user.get("locale")
        found = verdict, from_locale(locale if isinstance(locale, str) else None)
        self._users[user_id] = found
        return found
