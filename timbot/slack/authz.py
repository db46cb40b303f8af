"""Who may use timbot (the installed team only, no guests unless allowed, the allow-lists), in what tongue."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from timbot.i18n import DEFAULT, N_, from_locale
from timbot.settings import Settings
from timbot.shared.records import Records
from timbot.shared.store import SharedRedis
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

#: The fields of a ``users.info`` user kept in the cache (in Redis with ``REDIS_URL``): what the checks
#: and the answers read, nothing secret.
USER_FIELDS = ("id", "team_id", "deleted", "is_bot", "is_restricted", "is_ultra_restricted", "locale", "tz")


class Authoriser:
    """Decides, before any Tencent call, whether a command or click may proceed.

    Args:
        settings: for ``allowed_users``, ``allowed_channels`` and ``timbot_allow_guests``.
        cache_ttl: seconds a ``users.info`` answer is trusted.
        cache_size: how many users are remembered.
        lookup_timeout: the most a ``users.info`` call may take (it runs before the ack, which must leave
            within 3 s even after a cold ``auth.test``).
        shared: the bot's Redis: the ``users.info`` records (:data:`USER_FIELDS`) are then kept there, by
            team and user, for every process; in-process when None.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        cache_ttl: float = 300.0,
        cache_size: int = 10_000,
        lookup_timeout: float = 1.2,
        shared: SharedRedis | None = None,
    ) -> None:
        self._allowed_users = settings.allowed_users
        self._allowed_channels = settings.allowed_channels
        self._allow_guests = settings.timbot_allow_guests
        self._lookup_timeout = lookup_timeout
        self._want_locale = not settings.timbot_language  # TIMBOT_LANGUAGE: one language for everyone
        self._users = Records(kind="slack-user", ttl=cache_ttl, size=cache_size, shared=shared)
        self._pending: dict[str, asyncio.Future[dict[str, Any] | None]] = {}

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
        user = await self.user(incoming.team_id, incoming.user_id, client)
        locale = (user or {}).get("locale")
        language = from_locale(locale if isinstance(locale, str) else None)
        return Decision("ok" if self._allow_guests else _verdict(user), language=language)

    async def user(self, team_id: str, user_id: str, client: AsyncWebClient) -> dict[str, Any] | None:
        """The caller's ``users.info`` record (:data:`USER_FIELDS`, its ``locale`` included; cached when
        known), None when Slack gave none.

        Concurrent checks of one user share one ``users.info`` call: a burst of commands before the cache is
        filled would otherwise spend Slack's rate limit (Tier 4) and be refused on its 429s.
        """
        key = f"{team_id}:{user_id}"
        cached = await self._users.get(key)
        if cached is not None:
            return cached
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._lookup(key, user_id, client))
            self._pending[key] = pending
            pending.add_done_callback(lambda _: self._pending.pop(key, None))
        return await asyncio.shield(pending)

    async def _lookup(self, key: str, user_id: str, client: AsyncWebClient) -> dict[str, Any] | None:
        try:
            answer = await asyncio.wait_for(client.users_info(user=user_id, include_locale=True),
                                            timeout=self._lookup_timeout)
        except (SlackClientError, aiohttp.ClientError, TimeoutError, ValueError) as exc:
            # Fail closed: no answer from Slack means we cannot know this is not a guest.
            logger.warning("users.info failed for %s (%s): refusing", user_id, type(exc).__name__)
            return None
        user: dict[str, Any] = answer.get("user") or {}
        if not user:
            logger.warning("users.info for %s answered without a user: refusing", user_id)
            return None
        record = {field: user[field] for field in USER_FIELDS if field in user}
        await self._users.put(key, record)
        return record


def _verdict(user: dict[str, Any] | None) -> str:
    """``ok``, ``guest``, ``inactive`` or ``check-failed`` (no record) for a ``users.info`` record."""
    if not user:
        return "check-failed"
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        return "guest"
    if user.get("deleted") or user.get("is_bot"):
        return "inactive"
    return "ok"
