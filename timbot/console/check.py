"""``timbot check``: validate the configuration, Tencent and Slack; one line per check, a hint where it fails.

Every network check is bounded by a timeout, and nothing printed here ever contains a secret: not the key,
not a UserSig, not a token (only error codes, names, hosts and timings).
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING, TextIO

import httpx

from timbot.console.check_slack import (
    CHECK_TIMEOUT,
    SETTINGS,
    SIGNING,
    Check,
    signing_secret_check,
    skip,
    slack_check,
)
from timbot.console.mrkdwn import Style, use_color
from timbot.errors import ConfigError, TimApiError, TimProtocolError, TimTransportError, explanation_text
from timbot.i18n import N_, _, number

if TYPE_CHECKING:
    from timbot.settings import Settings

__all__ = ["CHECK_TIMEOUT", "Check", "format_checks", "gather_checks", "run_check"]

#: The hints (English message ids, shown in the terminal's language).
_REGION_HINT = N_("wrong region: set TIM_REGION to the app's data centre (or TIM_BASE_URL)")
_KEY_HINT = N_(
    "wrong key: copy TIM_SECRET_KEY from the Chat console (Basic configuration), and check TIM_SDKAPPID"
)
_ADMIN_HINT = N_("TIM_ADMIN is not an app admin: set it to an App admin account from the Chat console")
_TIM_HINTS: dict[int, str] = {
    70016: _REGION_HINT,
    70020: _REGION_HINT,
    60004: _KEY_HINT,
    60005: _KEY_HINT,
    70001: N_("a UserSig signed just now was seen as expired: check this machine's clock, "
              "then TIM_SECRET_KEY"),
    70003: _KEY_HINT,
    70005: _KEY_HINT,
    70009: _KEY_HINT,
    70014: _KEY_HINT,
    60010: _ADMIN_HINT,
    70403: _ADMIN_HINT,
    70013: _ADMIN_HINT,
    60006: N_("check TIM_SDKAPPID (the SDKAppID on the Chat console's application list)"),
    60021: N_("add this server's IP address to the app's IP allow-list in the Chat console"),
}


#: What ``timbot serve`` needs (``timbot.asgi.REQUIRED``): the settings check names every one that is missing.
_SERVE_NEEDS = ("slack_signing_secret", "slack_bot_token", "tim_sdkappid", "tim_secret_key")


def _settings() -> tuple[Check, Settings | None]:
    from timbot.settings import load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        names = ", ".join(name for name, _problem in exc.problems)
        detail = exc.lines()[0] if len(exc.problems) == 1 else \
            _("{count} variables do not parse:").format(count=len(exc.problems)) + "\n    " + \
            "\n    ".join(exc.lines())
        hint = _("fix {names} in the environment").format(names=names)
        return Check(name=SETTINGS, ok=False, detail=detail, hint=hint), None
    where = "TIM_BASE_URL" if settings.tim_base_url else f"TIM_REGION {settings.tim_region}"
    absent = settings.missing(*_SERVE_NEEDS)
    if absent:
        detail = _("{count} required variable(s) not set:").format(count=len(absent)) + "\n    " + \
            "\n    ".join(_("{name}: is required but not set").format(name=name) for name in absent)
        hint = _("set {names} (the configuration table of the README says where each comes from)").format(
            names=", ".join(absent))
        return Check(name=SETTINGS, ok=False, detail=detail, hint=hint), settings
    return Check(
        name=SETTINGS, ok=True, detail=_("parsed; Tencent at {url} ({where})").format(
            url=settings.tim_url, where=where)
    ), settings


def _usersig(settings: Settings) -> Check:
    from timbot.tim.usersig import UserSigError, decode, sign, verify

    name = "UserSig"
    absent = settings.missing("tim_sdkappid", "tim_secret_key")
    if absent or settings.tim_sdkappid is None or settings.tim_secret_key is None:
        return skip(name, _("{names} not set (see settings)").format(names=_(" and ").join(absent)))
    key, admin = settings.tim_secret_key.get_secret_value(), settings.tim_admin
    try:
        sig = sign(sdkappid=settings.tim_sdkappid, key=key, identifier=admin, expire=600)
        decoded = decode(sig)
        verify(sig, sdkappid=settings.tim_sdkappid, key=key, identifier=admin, now=decoded.time)
    except UserSigError as exc:
        return Check(
            name=name, ok=False, detail=str(exc), hint=_("check TIM_SDKAPPID, TIM_SECRET_KEY, TIM_ADMIN")
        )
    detail = _("signs and decodes for {admin} (SDKAppID {sdkappid})").format(
        admin=admin, sdkappid=decoded.sdkappid)
    return Check(name=name, ok=True, detail=detail)


class _Timed(httpx.AsyncBaseTransport):
    """A transport that keeps how long each exchange took, so a rate-limit wait is not a round trip."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.trips: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await self._inner.handle_async_request(request)
        await response.aread()
        self.trips.append(time.perf_counter() - started)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


async def _tencent(settings: Settings) -> Check:
    from timbot.tim.client import TimClient

    name = "Tencent"
    timed = _Timed()
    client = TimClient.from_settings(
        settings, transport=timed, cache_ttl=0, timeout=CHECK_TIMEOUT / 2, max_tries=1, rate_limit_budget=2.0,
        shared=None,  # one call; Redis has its own line
    )
    region = _(" (region {region})").format(region=settings.tim_region)
    where = settings.tim_url + ("" if settings.tim_base_url else region)
    started = time.perf_counter()
    async with client:
        try:
            page = await asyncio.wait_for(client.get_appid_group_list(limit=1), CHECK_TIMEOUT)
        except TimApiError as exc:
            hint = _(_TIM_HINTS.get(exc.code, N_("see the Tencent error code above")))
            words = explanation_text(exc.code, exc.words)
            detail = _("{where} answered {code}: {explanation}").format(
                where=where, code=exc.code, explanation=words)
            return Check(name=name, ok=False, detail=detail, hint=hint)
        except (TimTransportError, TimeoutError) as exc:
            detail = exc.detail if isinstance(exc, TimTransportError) else \
                _("no answer in {seconds} s").format(seconds=f"{CHECK_TIMEOUT:g}")
            return Check(
                name=name,
                ok=False,
                detail=_("{where} unreachable: {detail}").format(where=where, detail=detail),
                hint=_("unreachable: check TIM_BASE_URL / TIM_REGION and the network (DNS, proxy, firewall)"),
            )
        except TimProtocolError as exc:
            return Check(
                name=name,
                ok=False,
                detail=f"{where}: {exc.detail}",
                hint=_("the answer is not Tencent's: does TIM_BASE_URL point at Tencent Cloud Chat?"),
            )
    took = time.perf_counter() - started
    trip = timed.trips[-1] if timed.trips else took
    detail = _("{where} answers get_appid_group_list: {count} groups, round trip {ms} ms").format(
        where=where, count=number(page.total_count), ms=f"{trip * 1000:.0f}")
    waited = took - sum(timed.trips)
    if waited > 0.2:  # Tencent answered 60007 first and the client waited it out
        detail += _(" (after {seconds} s waiting out Tencent's rate limit: another client shares the quota)"
                    ).format(seconds=f"{waited:.1f}")
    return Check(name=name, ok=True, detail=detail)


async def _redis(settings: Settings) -> Check:
    """REDIS_URL: reachable, the server's version, a round trip; unreachable fails (the processes would not
    be sharing the rate budget or the cache)."""
    from redis.exceptions import RedisError

    from timbot.shared.store import ping, redis_client, redis_location

    assert settings.redis_url is not None
    url = settings.redis_url.get_secret_value()
    where = redis_location(url)
    client = redis_client(url, timeout=CHECK_TIMEOUT / 2)
    try:
        started = time.perf_counter()
        await ping(client)
        trip = time.perf_counter() - started
        info = await client.info("server")
    except (RedisError, OSError) as exc:
        return Check(
            name="Redis", ok=False,
            detail=_("{where} unreachable ({error})").format(where=where, error=type(exc).__name__),
            hint=_("start Redis or fix REDIS_URL (the add-on's URL, with its password); without REDIS_URL "
                   "each process keeps its own rate budget and cache"),
        )
    finally:
        await client.aclose()
    version = f"Redis {info.get('redis_version', '?')}"
    if "valkey_version" in info:
        version += f" (Valkey {info['valkey_version']})"
    keys = f"{settings.timbot_redis_prefix}{settings.tim_sdkappid or ''}:*"
    detail = _("{where} reachable, {version}, round trip {ms} ms, keys {keys}").format(
        where=where, version=version, ms=f"{trip * 1000:.1f}", keys=keys)
    return Check(name="Redis", ok=True, detail=detail)


async def gather_checks() -> list[Check]:
    """Run every check (Tencent and Slack concurrently, each bounded by ``CHECK_TIMEOUT``)."""
    settings_check, settings = _settings()
    if settings is None:
        why = _("the settings do not parse")
        return [settings_check, *(skip(n, why) for n in ("UserSig", "Tencent", "Slack", SIGNING))]
    usersig = _usersig(settings)
    tencent_job = _tencent(settings) if usersig.ok else None
    slack, tencent = await asyncio.gather(
        slack_check(settings),
        tencent_job
        if tencent_job is not None
        else asyncio.sleep(0, skip("Tencent", _("no UserSig to sign with"))),
    )
    checks = [settings_check, usersig, tencent, slack, signing_secret_check(settings)]
    if settings.redis_url is not None:  # only when set: one process needs no Redis
        checks.append(await _redis(settings))
    return checks


def format_checks(checks: list[Check], *, style: Style, encoding: str = "utf-8") -> str:
    """The checklist: a mark, the check's name and detail, and the hint under each failure.

    Args:
        checks: the outcomes.
        style: terminal styles (green/red marks on a colour terminal).
        encoding: the output's encoding; ``✔``/``✘`` when it has them, ``[ok]``/``[FAIL]`` otherwise.
    """
    try:
        "✔✘→".encode(encoding)
        marks = {True: "✔", False: "✘", None: "–"}
        arrow = "→"
    except (UnicodeEncodeError, LookupError):
        marks, arrow = {True: "[ok]", False: "[FAIL]", None: "[skip]"}, _("hint:")
    paint = {True: style.green, False: style.red, None: style.dim}
    lines = []
    for check in checks:
        lines.append(f"{paint[check.ok](marks[check.ok])} {style.bold(_(check.name))}: {check.detail}")
        if check.hint and check.ok is False:
            lines.append(f"    {arrow} {check.hint}")
    passed, failed = sum(c.ok is True for c in checks), sum(c.ok is False for c in checks)
    skipped = len(checks) - passed - failed
    if passed == len(checks):
        lines.append(_("all {count} checks passed").format(count=len(checks)))
    else:
        lines.append(_("{passed} passed, {failed} failed, {skipped} skipped (of {count} checks)").format(
            passed=passed, failed=failed, skipped=skipped, count=len(checks)))
    return "\n".join(lines)


def run_check(*, out: TextIO | None = None) -> int:
    """``timbot check``: print the checklist; exit status 0 only when every check passes.

    Args:
        out: where to print; standard output when omitted.
    """
    stream = out or sys.stdout
    checks = asyncio.run(gather_checks())
    encoding = getattr(stream, "encoding", None) or "utf-8"
    print(format_checks(checks, style=Style(color=use_color(stream)), encoding=encoding), file=stream)
    return 0 if all(check.ok for check in checks) else 1
