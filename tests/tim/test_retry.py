"""The retry policy object: which statuses and codes retry, the delays and their jitter, Retry-After."""

from __future__ import annotations

import dataclasses

import pytest

from timbot.tim.codes import CODES, explain
from timbot.tim.retry import SLACK_RESPONSE_POLICY, SLACK_SOCKET_POLICY, TENCENT_POLICY, RetryPolicy

SAMPLES = 500


def test_the_constructor_is_keyword_only_and_the_policy_frozen() -> None:
    with pytest.raises(TypeError):
        RetryPolicy(3)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        TENCENT_POLICY.max_tries = 5  # type: ignore[misc]
    assert hash(TENCENT_POLICY) == hash(dataclasses.replace(TENCENT_POLICY))


def test_the_defaults_retry_nothing() -> None:
    policy = RetryPolicy()
    assert policy.max_tries == 1
    assert not any(policy.retries_status(status) for status in (408, 429, 500, 502, 503, 504))
    assert not any(policy.retries_code(code, meaning.kind) for code, meaning in CODES.items())
    assert policy.retry_after_delay(429, "1") is None


@pytest.mark.parametrize(
    "bad",
    [{"max_tries": 0}, {"jitter": 1.0}, {"jitter": -0.1}, {"backoff": -1.0}, {"rate_limit_budget": -1.0},
     {"retry_after_cap": -1.0}, {"max_delay": -1.0}, {"kinds": frozenset({"fatal"})}],
)  # fmt: skip
def test_nonsense_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**bad)  # type: ignore[arg-type]


def test_tencent_statuses() -> None:
    retried = {s for s in range(100, 600) if TENCENT_POLICY.retries_status(s)}
    assert retried == {408, 429, 500, 502, 503, 504}


def test_slack_response_statuses() -> None:
    retried = {s for s in range(100, 600) if SLACK_RESPONSE_POLICY.retries_status(s)}
    assert retried == {429, 500, 502, 503, 504}


def test_tencent_codes_retry_by_kind_except_70050() -> None:
    for code, meaning in CODES.items():
        expected = meaning.kind != "fatal" and code != 70050
        assert TENCENT_POLICY.retries_code(code, meaning.kind) is expected, code
    assert not TENCENT_POLICY.retries_code(123456, explain(123456).kind)  # unknown codes are fatal
    assert TENCENT_POLICY.retry_once == {10008}
    assert TENCENT_POLICY.max_tries == 3


def test_the_slack_policy_knows_no_tencent_codes() -> None:
    assert not any(SLACK_RESPONSE_POLICY.retries_code(c, m.kind) for c, m in CODES.items())


def test_backoff_doubles_with_jitter_within_its_bounds() -> None:
    policy = RetryPolicy(backoff=0.2, jitter=0.2)
    for attempt, base in ((1, 0.2), (2, 0.4), (3, 0.8)):
        delays = [policy.delay(attempt) for _ in range(SAMPLES)]
        assert all(base * 0.8 <= d <= base * 1.2 for d in delays), attempt
        assert max(delays) - min(delays) > base * 0.2  # really jittered, both ways
        assert min(delays) < base < max(delays)


def test_the_tencent_backoff_sequence() -> None:
    first = [TENCENT_POLICY.delay(1) for _ in range(SAMPLES)]
    second = [TENCENT_POLICY.delay(2) for _ in range(SAMPLES)]
    assert all(0.16 <= d <= 0.24 for d in first) and all(0.32 <= d <= 0.48 for d in second)


def test_no_jitter_gives_the_exact_sequence() -> None:
    assert [SLACK_RESPONSE_POLICY.delay(a) for a in (1, 2, 3)] == [0.3, 0.6, 1.2]


def test_the_socket_backoff_doubles_from_1_s_up_to_30_s_stays_jittered_and_never_overflows() -> None:
    policy = SLACK_SOCKET_POLICY
    for attempt, base in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 16.0)):
        delays = [policy.delay(attempt) for _ in range(SAMPLES)]
        assert all(base * 0.8 <= d <= base * 1.2 for d in delays), attempt
        assert min(delays) < base < max(delays)
    for attempt in (6, 7, 100, 5000):  # the doubling stops at 30 s, the jitter does not; no OverflowError
        delays = [policy.delay(attempt) for _ in range(SAMPLES)]
        assert all(24.0 <= d <= 36.0 for d in delays) and min(delays) < 30.0 < max(delays), attempt
    assert policy.retry_after_delay(429, "45") == 45.0 and policy.retry_after_delay(429, "600") == 60.0
    assert RetryPolicy(backoff=1.0).delay(5000) > 0  # no cap: still a number


def test_rate_limit_waits_grow_and_are_never_shorter_than_asked() -> None:
    policy = TENCENT_POLICY
    for attempt, base in ((1, 1.0), (2, 1.5), (3, 2.25)):
        waits = [policy.rate_limit_delay(attempt) for _ in range(SAMPLES)]
        assert all(base <= w <= base * 1.2 for w in waits), attempt
        assert max(waits) > base * 1.1


def test_retry_after_seconds_are_honoured_up_to_the_cap() -> None:
    policy = SLACK_RESPONSE_POLICY
    assert policy.retry_after and policy.retry_after_cap == 5.0
    assert policy.retry_after_delay(429, "1") == 1.0
    assert policy.retry_after_delay(503, " 2 ") == 2.0
    assert policy.retry_after_delay(429, "0") == 0.0
    assert policy.retry_after_delay(429, "3600") == 5.0
    assert policy.retry_after_delay(429, "9" * 5000) == 5.0  # never parsed as a 5000-digit number


@pytest.mark.parametrize(
    ("status", "header"),
    [(429, None), (500, "1"), (502, "1"), (429, "Wed, 21 Oct 2015 07:28:00 GMT"), (429, "1.5"),
     (429, "-1"), (429, ""), (503, "\u0661")],  # the last: an Arabic-Indic digit one
)  # fmt: skip
def test_retry_after_not_honoured(status: int, header: str | None) -> None:
    assert SLACK_RESPONSE_POLICY.retry_after_delay(status, header) is None


def test_the_tencent_policy_ignores_retry_after() -> None:
    assert TENCENT_POLICY.retry_after_delay(429, "1") is None
    assert TENCENT_POLICY.retry_after_delay(503, "1") is None
