"""The access checks against a local Slack Web API: guests, other teams, allow-lists, failures, cache."""

from __future__ import annotations

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack.fakes import BOT_TOKEN, OTHER_TEAM, TEAM, FakeSlack
from timbot.settings import load_settings
from timbot.slack.audit import Incoming
from timbot.slack.authz import REASONS, Authoriser


def _incoming(
    user: str = "U0ALICE", team: str = TEAM, channel: str = "C0GENERAL", kind: str = "command"
) -> Incoming:
    return Incoming(
        kind=kind,
        user_id=user,
        team_id=team,
        channel_id=channel,
        what="/im-groups",
        text="",
        response_url="http://127.0.0.1:9/hooks/x",
    )


def _client(url: str) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=f"{url}/api/", timeout=2)


async def _check(authz: Authoriser, url: str, incoming: Incoming, enterprise: str | None = None) -> str:
    decision = await authz.check(
        incoming,
        client=_client(url),
        installed_team=TEAM,
        installed_enterprise=None,
        enterprise_id=enterprise,
    )
    return decision.code


@pytest.mark.parametrize("flag", ["is_restricted", "is_ultra_restricted"])
async def test_guest_refused_unless_allowed(slack: tuple[FakeSlack, str], flag: str) -> None:
    fake, url = slack
    fake.users["U0GUEST"] = {"id": "U0GUEST", "team_id": TEAM, flag: True}
    assert await _check(Authoriser(settings=load_settings()), url, _incoming("U0GUEST")) == "guest"
    allowing = Authoriser(settings=load_settings(timbot_allow_guests=True))
    assert await _check(allowing, url, _incoming("U0GUEST")) == "ok"


async def test_member_allowed_and_lookup_cached(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    authz = Authoriser(settings=load_settings())
    for _ in range(3):
        assert await _check(authz, url, _incoming()) == "ok"
    assert fake.calls.count("users.info") == 1


async def test_cache_expires(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    authz = Authoriser(settings=load_settings(), cache_ttl=0.05)
    assert await _check(authz, url, _incoming()) == "ok"
    fake.users["U0ALICE"] = {"id": "U0ALICE", "team_id": TEAM, "is_restricted": True}
    import asyncio

    await asyncio.sleep(0.1)
    assert await _check(authz, url, _incoming()) == "guest"


async def test_other_team_refused_without_lookup(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    authz = Authoriser(settings=load_settings(timbot_allow_guests=True))
    assert await _check(authz, url, _incoming(team=OTHER_TEAM, kind="click")) == "other-team"
    assert "users.info" not in fake.calls


async def test_enterprise_org_counts_as_home(slack: tuple[FakeSlack, str]) -> None:
    _, url = slack
    authz = Authoriser(settings=load_settings())
    decision = await authz.check(
        _incoming(team="E0ORG"), client=_client(url), installed_team=TEAM, installed_enterprise="E0ORG"
    )
    assert decision.allowed
    decision = await authz.check(
        _incoming(team="E0ELSE"), client=_client(url), installed_team=TEAM, installed_enterprise="E0ORG"
    )
    assert decision.code == "other-team"


async def test_unknown_installation_fails_closed(slack: tuple[FakeSlack, str]) -> None:
    _, url = slack
    authz = Authoriser(settings=load_settings())
    decision = await authz.check(
        _incoming(), client=_client(url), installed_team=None, installed_enterprise=None
    )
    assert decision.code == "other-team"


async def test_allow_lists(slack: tuple[FakeSlack, str]) -> None:
    _, url = slack
    authz = Authoriser(
        settings=load_settings(timbot_allowed_users="U0ALICE, U0BOB", timbot_allowed_channels="C0OPS")
    )
    assert await _check(authz, url, _incoming("U0EVE", channel="C0OPS")) == "user-not-allowed"
    assert await _check(authz, url, _incoming("U0BOB", channel="C0GENERAL")) == "channel-not-allowed"
    assert await _check(authz, url, _incoming("U0BOB", channel="C0OPS")) == "ok"


async def test_users_info_failure_fails_closed_and_is_not_cached(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    fake.users_info_fails = True
    authz = Authoriser(settings=load_settings())
    decision = await authz.check(
        _incoming(), client=_client(url), installed_team=TEAM, installed_enterprise=None
    )
    assert decision.code == "check-failed"
    assert "could not check your account" in decision.reason
    fake.users_info_fails = False
    assert await _check(authz, url, _incoming()) == "ok"


async def test_users_info_unreachable_fails_closed() -> None:
    authz = Authoriser(settings=load_settings(), lookup_timeout=1.0)
    decision = await authz.check(
        _incoming(), client=_client("http://127.0.0.1:9"), installed_team=TEAM, installed_enterprise=None
    )
    assert decision.code == "check-failed"


async def test_deleted_and_bot_accounts_refused(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    fake.users["U0GONE"] = {"id": "U0GONE", "team_id": TEAM, "deleted": True}
    assert await _check(Authoriser(settings=load_settings()), url, _incoming("U0GONE")) == "inactive"


def test_every_reason_is_polite() -> None:
    assert all(reason.startswith("Sorry") for reason in REASONS.values())


async def _decide(authz: Authoriser, url: str, user: str) -> tuple[str, str]:
    decision = await authz.check(_incoming(user), client=_client(url), installed_team=TEAM,
                                 installed_enterprise=None)
    return decision.code, decision.language


async def test_the_language_comes_with_the_verdict_and_its_cache(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    for user, locale in (("U0JA", "ja-JP"), ("U0KO", "ko-KR"), ("U0ZH", "zh-CN"), ("U0FR", "fr-FR")):
        fake.users[user] = {"id": user, "team_id": TEAM, "locale": locale}
    authz = Authoriser(settings=load_settings())
    assert [await _decide(authz, url, u) for u in ("U0JA", "U0KO", "U0ZH", "U0FR")] == [
        ("ok", "ja"), ("ok", "ko"), ("ok", "zh"), ("ok", "en")]
    calls = fake.calls.count("users.info")
    assert await _decide(authz, url, "U0JA") == ("ok", "ja") and fake.calls.count("users.info") == calls
    fake.users["U0GUEST"] = {"id": "U0GUEST", "team_id": TEAM, "locale": "ko-KR", "is_restricted": True}
    assert await _decide(authz, url, "U0GUEST") == ("guest", "ko")  # refused in their own language


async def test_with_guests_allowed_the_lookup_is_for_the_language_only(slack: tuple[FakeSlack, str]) -> None:
    fake, url = slack
    fake.users["U0GUEST"] = {"id": "U0GUEST", "team_id": TEAM, "locale": "ja-JP", "is_restricted": True}
    assert await _decide(Authoriser(settings=load_settings(timbot_allow_guests=True)), url, "U0GUEST") == (
        "ok", "ja")
    fake.users_info_fails = True  # the language unknown: English, still allowed
    assert await _decide(Authoriser(settings=load_settings(timbot_allow_guests=True)), url, "U0OTHER") == (
        "ok", "en")
    fake.users_info_fails = False
    calls = fake.calls.count("users.info")
    one_language = Authoriser(settings=load_settings(timbot_allow_guests=True, timbot_language="zh"))
    assert (await _decide(one_language, url, "U0NEW"))[0] == "ok"
    assert fake.calls.count("users.info") == calls  # TIMBOT_LANGUAGE decides: no lookup needed
