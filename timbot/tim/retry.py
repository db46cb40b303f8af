"""``RetryPolicy``: which failures are tried again, how many times, and how long to wait before each try.

One kind of object for every retry loop in timbot: the Tencent call path (:data:`TENCENT_POLICY`, read by
:class:`~timbot.tim.callpath.CallPath`), the Slack ``response_url`` poster (:data:`SLACK_RESPONSE_POLICY`,
read by :class:`~timbot.slack.respond.ResponsePoster`) and the Socket Mode connection
(:data:`SLACK_SOCKET_POLICY`, read by :class:`~timbot.slack.reconnect.ReconnectingClient`). The loops
themselves stay with their callers, who know what a failure is (a Tencent envelope, a request that may or
may not have reached Slack); the policy answers "is this retried?" and "how long until the next try?".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from timbot.tim.codes import Kind

__all__ = [
    "RETRY_AFTER_STATUSES",
    "SLACK_RESPONSE_POLICY",
    "SLACK_SOCKET_POLICY",
    "TENCENT_POLICY",
    "RetryPolicy",
]

#: The statuses whose ``Retry-After`` header a policy may honour (RFC 9110 §10.2.3).
RETRY_AFTER_STATUSES: Final = frozenset({429, 503})
#: Longer ``Retry-After`` values than this many digits are not parsed (they are over any cap anyway).
_MAX_DIGITS = 9
#: The backoff doubles at most this many times (``2.0 ** 1024`` is past a float: a loop that never gives up
#: would otherwise fail on its 1025th retry).
_MAX_DOUBLINGS = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How one retry loop treats a failed try; every field is keyword-only and the defaults retry nothing.

    Three kinds of retry, each bounded on its own:

    - backoff (an HTTP status in ``statuses``, a transport failure, a Tencent code of kind ``transient``):
      ``max_tries`` tries in all, waiting :meth:`delay` before each retry;
    - rate limit (a Tencent code of kind ``rate_limit``): waits of :meth:`rate_limit_delay` until the next
      one would take the total past ``rate_limit_budget``;
    - re-sign (a Tencent code of kind ``sig``): one retry with a fresh admin UserSig.

    Args:
        max_tries: tries in all for failures retried with backoff; 1 means none is retried.
        statuses: HTTP statuses retried with backoff.
        kinds: the Tencent code kinds (:mod:`timbot.tim.codes`) that are retried at all, each as above;
            ``fatal`` is never retried.
        retry_once: codes of a retried kind that get one retry only, whatever ``max_tries`` says.
        not_retried: codes of a retried kind that are raised at once.
        backoff: seconds before the first backoff retry; doubled for each one after.
        max_delay: where the doubling of the backoff wait stops (the wait is then jittered like any
            other); None for no limit.
        jitter: the fraction by which each wait is randomised: a backoff delay is multiplied by a factor
            between ``1 - jitter`` and ``1 + jitter``, a rate-limit wait (which must never be shorter than
            asked) by one between 1 and ``1 + jitter``.
        rate_limit_wait: seconds of the first wait after a rate-limit answer; 1.5 times more for each try
            after.
        rate_limit_budget: the most seconds one call spends waiting on rate-limit answers.
        rate_limit_tries: a rate-limit answer to a later try than this is raised (a guard for tiny waits:
            the budget normally ends the waits well before).
        retry_after: honour a ``Retry-After: <seconds>`` header on a 429 or 503 answer that is retried:
            wait what it asks (at most ``retry_after_cap``) instead of the backoff delay.
        retry_after_cap: the longest ``Retry-After`` wait honoured; a longer one is cut to this.
    """

    max_tries: int = 1
    statuses: frozenset[int] = frozenset()
    kinds: frozenset[Kind] = frozenset()
    retry_once: frozenset[int] = frozenset()
    not_retried: frozenset[int] = frozenset()
    backoff: float = 0.0
    max_delay: float | None = None
    jitter: float = 0.0
    rate_limit_wait: float = 1.0
    rate_limit_budget: float = 0.0
    rate_limit_tries: int = 20
    retry_after: bool = False
    retry_after_cap: float = 0.0

    def __post_init__(self) -> None:
        if self.max_tries < 1:
            raise ValueError(f"max_tries must be at least 1, not {self.max_tries}")
        if not 0.0 <= self.jitter < 1.0:
            raise ValueError(f"jitter must be in [0, 1), not {self.jitter}")
        for name in ("backoff", "rate_limit_wait", "rate_limit_budget", "retry_after_cap"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.max_delay is not None and self.max_delay < 0:
            raise ValueError("max_delay must not be negative")
        if "fatal" in self.kinds:
            raise ValueError("fatal codes are never retried")

    def retries_status(self, status: int) -> bool:
        """Whether an HTTP answer with ``status`` is retried (with backoff).

        Args:
            status: the HTTP status of the answer.
        """
        return status in self.statuses

    def retries_code(self, code: int, kind: Kind) -> bool:
        """Whether a Tencent ``ErrorCode`` is retried at all (how is up to its kind).

        Args:
            code: Tencent's ``ErrorCode``.
            kind: its kind in :mod:`timbot.tim.codes`.
        """
        return kind in self.kinds and code not in self.not_retried

    def delay(self, attempt: int) -> float:
        """Seconds before backoff retry number ``attempt``: ``backoff * 2 ** (attempt - 1)`` (at most
        ``max_delay``), jittered.

        Args:
            attempt: 1 for the first retry, 2 for the second, ...
        """
        doublings = min(attempt - 1, _MAX_DOUBLINGS)
        wait = self.backoff * 2.0**doublings
        if self.max_delay is not None:
            wait = min(wait, self.max_delay)
        return wait * random.uniform(1.0 - self.jitter, 1.0 + self.jitter)

    def rate_limit_delay(self, attempt: int) -> float:
        """Seconds after a rate-limit answer: ``rate_limit_wait * 1.5 ** (attempt - 1)``, jittered upwards.

        Args:
            attempt: the number of the try that was answered with the rate-limit code (1 for the first).
        """
        return self.rate_limit_wait * 1.5 ** (attempt - 1) * random.uniform(1.0, 1.0 + self.jitter)

    def retry_after_delay(self, status: int, header: str | None) -> float | None:
        """The honoured ``Retry-After`` wait of a retried answer, capped; None to use :meth:`delay`.

        Only the seconds form is read (``Retry-After: 2``); an HTTP date, a malformed value, a status other
        than 429 and 503, or a policy that does not honour the header gives None.

        Args:
            status: the HTTP status of the answer.
            header: its ``Retry-After`` header, None when absent.
        """
        if not self.retry_after or status not in RETRY_AFTER_STATUSES or header is None:
            return None
        value = header.strip()
        if not (value.isascii() and value.isdigit()):
            return None
        seconds = float(value) if len(value) <= _MAX_DIGITS else self.retry_after_cap
        return min(seconds, self.retry_after_cap)


#: Tencent Cloud Chat (its "Error Codes" page, https://www.tencentcloud.com/document/product/1047/34348):
#: 3 tries for transient failures and HTTP 408/429/5xx, 0.2 s then 0.4 s
#: apart (10008, a failed signature check, gets one retry only); rate-limit codes waited out from 1 s within
#: 10 s; one re-sign for the sig codes. 70050 is raised at once: Tencent locks the admin out for a minute,
#: longer than the budget, so waiting on it would only delay the message.
TENCENT_POLICY: Final = RetryPolicy(
    max_tries=3,
    statuses=frozenset({408, 429, 500, 502, 503, 504}),
    kinds=frozenset({"transient", "rate_limit", "sig"}),
    retry_once=frozenset({10008}),
    not_retried=frozenset({70050}),
    backoff=0.2,
    jitter=0.2,
    rate_limit_wait=1.0,
    rate_limit_budget=10.0,
)

#: Slack's ``response_url``: 3 attempts on 429/5xx (or when the request never left), 0.3 s then 0.6 s
#: apart, or what a 429/503's ``Retry-After`` asks, up to 5 s a wait (two such waits stay well inside the
#: 20 s shutdown grace).
SLACK_RESPONSE_POLICY: Final = RetryPolicy(
    max_tries=3,
    statuses=frozenset({429, 500, 502, 503, 504}),
    backoff=0.3,
    retry_after=True,
    retry_after_cap=5.0,
)

#: Slack Socket Mode's connection (``apps.connections.open`` and the WebSocket), which a laptop may lose for
#: hours: retried for as long as the process runs (``max_tries`` is not read), 1 s, 2 s, 4 s ... apart up to
#: 30 s, each wait jittered by 20 % (24 to 36 s once the doubling stops); a 429's ``Retry-After`` is honoured
#: up to 60 s.
SLACK_SOCKET_POLICY: Final = RetryPolicy(
    backoff=1.0,
    max_delay=30.0,
    jitter=0.2,
    retry_after=True,
    retry_after_cap=60.0,
)
