"""``timbot check``: validate the configuration, Tencent and Slack; one line per check, a hint where it fails.

Every network check is bounded by a timeout, and nothing printed here ever contains a secret: not the key,
not a UserSig, not a token (only error codes, names, hosts and timings).
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from timbot.console.mrkdwn import Style, sanitize, use_color
from timbot.errors import ConfigError, TimApiError, TimProtocolError, TimTransportError

if TYPE_CHECKING:
    from timbot.settings import Settings

__all__ = ["CHECK_TIMEOUT", "Check", "format_checks", "gather_checks", "run_check"]

#: The most seconds one network check may take (connect, answer, everything).
CHECK_TIMEOUT = 8.0

_REGION_HINT = "wrong region: set TIM_REGION to the app's data centre (or TIM_BASE_URL)"
_KEY_HINT = (
    "wrong key: copy TIM_SECRET_KEY from the Chat console (Basic configuration), and check TIM_SDKAPPID"
)
_ADMIN_HINT = "TIM_ADMIN is not an app admin: set it to an App admin account from the Chat console"
_TIM_HINTS: dict[int, str] = {
    70016: _REGION_HINT,
    70020: _REGION_HINT,
    60004: _KEY_HINT,
    60005: _KEY_HINT,
    70001: "a UserSig signed just now was seen as expired: check this machine's clock, then TIM_SECRET_KEY",
    70003: _KEY_HINT,
    70005: _KEY_HINT,
    70009: _KEY_HINT,
    70014: _KEY_HINT,
    60010: _ADMIN_HINT,
    70403: _ADMIN_HINT,
    70013: _ADMIN_HINT,
    60006: "check TIM_SDKAPPID (the SDKAppID on the Chat console's application list)",
    60021: "add this server's IP address to the app's IP allow-list in the Chat console",
}
_SLACK_TOKEN_HINT = "the token is not valid: reinstall the app and copy its Bot User OAuth Token (xoxb-...)"


@dataclass(frozen=True, kw_only=True, slots=True)
class Check:
    """The outcome of one check: passed (``True``), failed (``False``) or skipped (``None``)."""

    name: str
    ok: bool | None
    detail: str
    hint: str = ""


def _skip(name: str, why: str) -> Check:
    return Check(name=name, ok=None, detail=f"skipped: {why}")


def _settings() -> tuple[Check, Settings | None]:
    from timbot.settings import load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        hint = f"fix {exc.variable} in the environment"
        return Check(name="settings", ok=False, detail=f"{exc.variable}: {exc.problem}", hint=hint), None
    where = "TIM_BASE_URL" if settings.tim_base_url else f"TIM_REGION {settings.tim_region}"
    return Check(
        name="settings", ok=True, detail=f"parsed; Tencent at {settings.tim_url} ({where})"
    ), settings


def _usersig(settings: Settings) -> Check:
    from timbot.tim.usersig import UserSigError, decode, sign, verify

    name = "UserSig"
    try:
        settings.require("tim_sdkappid", "tim_secret_key")
    except ConfigError as exc:
        hint = "set TIM_SDKAPPID and TIM_SECRET_KEY (the app's key from the Chat console)"
        return Check(name=name, ok=False, detail=f"{exc.variable}: {exc.problem}", hint=hint)
    assert settings.tim_sdkappid is not None and settings.tim_secret_key is not None
    key, admin = settings.tim_secret_key.get_secret_value(), settings.tim_admin
    try:
        sig = sign(sdkappid=settings.tim_sdkappid, key=key, identifier=admin, expire=600)
        decoded = decode(sig)
        verify(sig, sdkappid=settings.tim_sdkappid, key=key, identifier=admin, now=decoded.time)
    except UserSigError as exc:
        return Check(
            name=name, ok=False, detail=str(exc), hint="check TIM_SDKAPPID, TIM_SECRET_KEY, TIM_ADMIN"
        )
    detail = f"signs and decodes for {admin} (SDKAppID {decoded.sdkappid})"
    return Check(name=name, ok=True, detail=detail)


async def _tencent(settings: Settings) -> Check:
    from timbot.tim.client import TimClient

    name = "Tencent"
    client = TimClient.from_settings(
        settings, cache_ttl=0, timeout=CHECK_TIMEOUT / 2, max_tries=1, rate_limit_budget=2.0
    )
    where = settings.tim_url + ("" if settings.tim_base_url else f" (region {settings.tim_region})")
    started = time.perf_counter()
    async with client:
        try:
            page = await asyncio.wait_for(client.get_appid_group_list(limit=1), CHECK_TIMEOUT)
        except TimApiError as exc:
            hint = _TIM_HINTS.get(exc.code, "see the Tencent error code above")
            return Check(
                name=name, ok=False, detail=f"{where} answered {exc.code}: {exc.explanation}", hint=hint
            )
        except (TimTransportError, TimeoutError) as exc:
            detail = exc.detail if isinstance(exc, TimTransportError) else f"no answer in {CHECK_TIMEOUT:g} s"
            return Check(
                name=name,
                ok=False,
                detail=f"{where} unreachable: {detail}",
                hint="unreachable: check TIM_BASE_URL / TIM_REGION and the network (DNS, proxy, firewall)",
            )
        except TimProtocolError as exc:
            return Check(
                name=name,
                ok=False,
                detail=f"{where}: {exc.detail}",
                hint="the answer is not Tencent's: does TIM_BASE_URL point at Tencent Cloud Chat?",
            )
    elapsed_ms = (time.perf_counter() - started) * 1000
    detail = f"{where} answers get_appid_group_list: {page.total_count:,} groups, {elapsed_ms:.0f} ms"
    return Check(name=name, ok=True, detail=detail)


async def _slack(settings: Settings) -> Check:
    import aiohttp
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    name = "Slack"
    if settings.slack_bot_token is None or not settings.slack_bot_token.get_secret_value():
        return Check(
            name=name,
            ok=False,
            detail="SLACK_BOT_TOKEN is not set",
            hint="set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-...)",
        )
    token = settings.slack_bot_token.get_secret_value()
    if not token.startswith("xoxb-"):
        return Check(
            name=name,
            ok=False,
            detail="SLACK_BOT_TOKEN is not a bot token (it must start with xoxb-)",
            hint="use the Bot User OAuth Token from OAuth & Permissions, not a user or app token",
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
            detail=f"auth.test answered {error}",
            hint=hint or "see Slack's auth.test documentation for this error",
        )
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        return Check(
            name=name,
            ok=False,
            detail=f"{settings.slack_api_url} unreachable ({type(exc).__name__})",
            hint="unreachable: check SLACK_API_URL and the network (DNS, proxy, firewall)",
        )
    elapsed_ms = (time.perf_counter() - started) * 1000
    team, bot = sanitize(str(answer.get("team", "?"))), sanitize(str(answer.get("user", "?")))
    return Check(name=name, ok=True, detail=f"auth.test: bot {bot} in team {team}, {elapsed_ms:.0f} ms")


def _signing_secret(settings: Settings) -> Check:
    name = "signing secret"
    secret = settings.slack_signing_secret
    if secret is None or not secret.get_secret_value():
        return Check(
            name=name,
            ok=False,
            detail="SLACK_SIGNING_SECRET is not set",
            hint="copy it from Basic Information > App Credentials (needed by `timbot serve`)",
        )
    return Check(name=name, ok=True, detail="SLACK_SIGNING_SECRET is set")


async def gather_checks() -> list[Check]:
    """Run every check (Tencent and Slack concurrently, each bounded by ``CHECK_TIMEOUT``)."""
    settings_check, settings = _settings()
    if settings is None:
        why = "the settings do not parse"
        return [settings_check, *(_skip(n, why) for n in ("UserSig", "Tencent", "Slack", "signing secret"))]
    usersig = _usersig(settings)
    tencent_job = _tencent(settings) if usersig.ok else None
    slack, tencent = await asyncio.gather(
        _slack(settings),
        tencent_job
        if tencent_job is not None
        else asyncio.sleep(0, _skip("Tencent", "no UserSig to sign with")),
    )
    return [settings_check, usersig, tencent, slack, _signing_secret(settings)]


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
        marks, arrow = {True: "[ok]", False: "[FAIL]", None: "[skip]"}, "hint:"
    paint = {True: style.green, False: style.red, None: style.dim}
    lines = []
    for check in checks:
        lines.append(f"{paint[check.ok](marks[check.ok])} {style.bold(check.name)}: {check.detail}")
        if check.hint and check.ok is False:
            lines.append(f"    {arrow} {check.hint}")
    failed = sum(1 for check in checks if check.ok is not True)
    summary = (
        f"all {len(checks)} checks passed" if not failed else f"{failed} of {len(checks)} checks did not pass"
    )
    lines.append(summary)
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
