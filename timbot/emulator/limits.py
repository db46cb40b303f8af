"""Tencent's per-API call-frequency limits: a sliding one-second window of accepted calls per API."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping

__all__ = ["DEFAULT_LIMITS", "RateLimits"]

# Calls per second, from the "Maximum call frequency" of each API's page (listed in api.py):
# get_appid_group_list 1/s, the others 200/s.
DEFAULT_LIMITS: Mapping[str, int] = {
    "group_open_http_svc/get_appid_group_list": 1,
    "group_open_http_svc/get_joined_group_list": 200,
    "group_open_http_svc/get_group_info": 200,
    "group_open_avchatroom_http_svc/get_members": 200,
    "sns/group_get": 200,
    "group_open_http_svc/get_online_member_num": 200,
}


class RateLimits:
    """Accepts at most ``limit`` calls of an API in any one-second window; refused calls do not count.

    Args:
        limits: calls per second by API (``service/command``); APIs not listed are unlimited.
        clock: a monotonic clock in seconds.
    """

    def __init__(
        self, *, limits: Mapping[str, int] = DEFAULT_LIMITS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = dict(limits)
        self._clock = clock
        self._accepted: dict[str, deque[float]] = {}

    def now(self) -> float:
        """The limits' clock (``time.monotonic`` unless a test gave another)."""
        return self._clock()

    def allow(self, endpoint: str, *, at: float | None = None) -> bool:
        """Record a call and say whether it is within the limit.

        A call less than one second after the ``limit``-th last accepted one is refused (60007).

        Args:
            endpoint: the called API.
            at: when the call arrived (from :meth:`now`); now when None.
        """
        limit = self.limits.get(endpoint)
        if limit is None:
            return True
        now = self._clock() if at is None else at
        window = self._accepted.setdefault(endpoint, deque())
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= limit:
            return False
        window.append(now)
        return True
