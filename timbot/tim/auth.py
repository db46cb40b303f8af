"""``AdminSigAuth``: signs every Tencent REST request with the app admin's cached UserSig."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Generator

import httpx
from pydantic import SecretStr

from timbot.tim import usersig

__all__ = ["AdminSigAuth"]

_MAX_RANDOM = 4_294_967_295


class AdminSigAuth(httpx.Auth):
    """Add ``sdkappid``, ``identifier``, ``usersig``, ``random`` and ``contenttype=json`` to each request.

    One admin UserSig is made and reused; it is renewed when less than ``renew_before`` seconds of its
    validity are left, and :meth:`renew` forces a fresh one (the client calls it on 70001/70052).
    ``random`` is a fresh 32-bit unsigned integer per request.

    Args:
        sdkappid: the Chat application's SDKAppID.
        secret_key: the application's secret key (kept in a ``SecretStr``; never logged).
        identifier: the app admin account.
        expire: validity of each admin sig in seconds (default 7 days).
        renew_before: renew when fewer seconds than this are left (default 1 day).
        clock: Unix time source, injectable for tests.
        random: source of the ``random`` parameter, injectable for tests.
    """

    def __init__(
        self,
        *,
        sdkappid: int,
        secret_key: str | SecretStr,
        identifier: str,
        expire: int = 7 * 86400,
        renew_before: int = 86400,
        clock: Callable[[], float] = time.time,
        random: Callable[[], int] | None = None,
    ) -> None:
        if not 0 <= renew_before < expire - 3600:
            raise ValueError("renew_before must be shorter than expire by more than an hour")
        self.sdkappid = sdkappid
        self.identifier = identifier
        self._key = secret_key if isinstance(secret_key, SecretStr) else SecretStr(secret_key)
        self._expire = expire
        self._renew_before = renew_before
        self._clock = clock
        self._random = random or (lambda: secrets.randbelow(_MAX_RANDOM + 1))
        self._sig: str | None = None
        self._expires_at = 0
        self.signs_made = 0

    def __repr__(self) -> str:
        return f"AdminSigAuth(sdkappid={self.sdkappid}, identifier={self.identifier!r})"

    def renew(self) -> None:
        """Make a fresh admin UserSig now (used after Tencent answered 70001 or 70052)."""
        now = int(self._clock())
        # A sig made in the same second with the same fields would be byte-identical to the one
        # Tencent just refused; shortening each renewal's validity by a second keeps every sig new.
        expire = self._expire - self.signs_made % 3600
        self._sig = usersig.sign(
            sdkappid=self.sdkappid,
            key=self._key.get_secret_value(),
            identifier=self.identifier,
            expire=expire,
            now=now,
        )
        self._expires_at = now + expire
        self.signs_made += 1

    @property
    def current(self) -> str | None:
        """The admin UserSig made last (``None`` before the first request); for scrubbing, never logging."""
        return self._sig

    def usersig(self) -> str:
        """The admin UserSig to send now, renewed first if it is missing or close to expiry."""
        if self._sig is None or self._clock() > self._expires_at - self._renew_before:
            self.renew()
        assert self._sig is not None
        return self._sig

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the signing query parameters to ``request`` (httpx calls this once per request)."""
        request.url = request.url.copy_merge_params(
            {
                "sdkappid": str(self.sdkappid),
                "identifier": self.identifier,
                "usersig": self.usersig(),
                "random": str(self._random()),
                "contenttype": "json",
            }
        )
        yield request
