"""Tencent Cloud Chat error codes: how the client treats each one and what it means for a Slack user.

Kinds (from Tencent's "Error Codes" page, https://www.tencentcloud.com/document/product/1047/34348); what
is done with each is :data:`timbot.tim.retry.TENCENT_POLICY`:

- ``transient``: retried with jittered exponential backoff (at most 3 tries in all; 10008 only once);
- ``rate_limit``: wait at least a second and retry, within a bounded total time (70050: not waited on);
- ``sig``: make a fresh admin UserSig once and retry;
- ``fatal``: raised at once (fix the configuration or the input).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["CODES", "KINDS", "Code", "Kind", "explain"]

Kind = Literal["transient", "rate_limit", "sig", "fatal"]
KINDS: Final[tuple[Kind, ...]] = ("transient", "rate_limit", "sig", "fatal")


@dataclass(frozen=True, slots=True)
class Code:
    """How one Tencent ``ErrorCode`` is treated and explained.

    Args:
        kind: ``transient``, ``rate_limit``, ``sig`` or ``fatal``.
        explanation: one line a Slack user understands (no secrets, no markup).
    """

    kind: Kind
    explanation: str


_BAD_SIG = "the admin account or UserSig in the request is wrong; check TIM_ADMIN and TIM_SECRET_KEY"
_REGION = "(wrong region? check TIM_REGION or TIM_BASE_URL)"

_TABLE: dict[int, tuple[Kind, str]] = {
    # Common REST codes (60000-60999).
    60002: ("fatal", "Tencent could not parse the HTTP request; check the URL format (TIM_BASE_URL)"),
    60003: ("fatal", "Tencent could not parse the request JSON"),
    60004: ("sig", _BAD_SIG),
    60005: ("sig", _BAD_SIG),
    60006: ("fatal", "the SDKAppID is invalid; check TIM_SDKAPPID"),
    60007: ("rate_limit", "too many calls to this Tencent API right now; try again in a moment"),
    60008: ("transient", "Tencent's service timed out; try again"),
    60009: ("fatal", "Tencent says the requested resource is wrong; check TIM_BASE_URL"),
    60010: ("fatal", "the identifier must be an app admin account; check TIM_ADMIN"),
    60011: ("rate_limit", "this app is calling Tencent too often right now; try again in a moment"),
    60012: ("fatal", "the SDKAppID is missing from the request; check TIM_SDKAPPID"),
    60013: ("transient", "Tencent failed to build its answer; try again"),
    60014: ("transient", "Tencent's account service timed out; try again"),
    60015: ("fatal", "an account field must be a string"),
    60016: ("fatal", "this SDKAppID has been disabled in Tencent Cloud Chat"),
    60017: ("fatal", "this request has been disabled for the app by Tencent"),
    60018: ("rate_limit", "requests to Tencent are too frequent; try again in a moment"),
    60019: ("rate_limit", "requests to Tencent are too frequent; try again in a moment"),
    60020: ("fatal", "the app's Pro package has expired (a new purchase takes about 5 minutes to apply)"),
    60021: ("fatal", "Tencent refused this server's IP address (check the app's IP allow-list)"),
    # Content codes (messaging; listed for completeness).
    80001: ("fatal", "the text was blocked by Tencent's content filter"),
    80002: ("fatal", "the request body is over Tencent's 8 KB limit"),
    # Account and UserSig codes (70000-70999).
    70001: ("sig", "the admin UserSig has expired"),
    70002: ("fatal", "the admin UserSig is empty"),
    70003: ("fatal", "the admin UserSig is invalid; check TIM_SECRET_KEY"),
    70005: ("fatal", "the admin UserSig is invalid or truncated; check TIM_SECRET_KEY"),
    70009: ("fatal", "the UserSig was signed with another app's key; check TIM_SECRET_KEY and TIM_SDKAPPID"),
    70013: ("fatal", "the admin account does not match the UserSig; check TIM_ADMIN"),
    70014: ("fatal", "the SDKAppID does not match the UserSig; check TIM_SDKAPPID"),
    70016: ("fatal", f"Tencent has no key for this SDKAppID here {_REGION}"),
    70020: ("fatal", f"Tencent does not know this SDKAppID here {_REGION}"),
    70050: ("rate_limit", "too many failed UserSig checks; Tencent locked the admin for a minute, try later"),
    70051: ("fatal", "the admin account has been blacklisted by Tencent"),
    70052: ("sig", "the admin UserSig was invalidated"),
    70107: ("fatal", "the requested user does not exist"),
    70114: ("fatal", "Tencent restricted this request for security reasons"),
    70169: ("transient", "Tencent's server timed out; try again"),
    70202: ("transient", "Tencent's server timed out; try again"),
    70206: ("fatal", "the number of items in the request is invalid"),
    70398: ("fatal", "the app reached its account limit (trial edition)"),
    70402: ("fatal", "Tencent says a parameter is invalid"),
    70403: ("fatal", "this needs an app admin account; check TIM_ADMIN"),
    70500: ("transient", "Tencent had an internal error; try again"),
    71000: ("fatal", "Tencent refused to delete the account"),
    # Group codes (10000-10999).
    10001: ("fatal", "Tencent says the admin is not logged in; check TIM_ADMIN and TIM_SECRET_KEY"),
    10002: ("transient", "Tencent's group service had an internal error; try again"),
    10003: ("fatal", "Tencent does not know this group API command"),
    10004: ("fatal", "Tencent says a parameter is invalid (for example the group type)"),
    10005: ("fatal", "too many accounts in one request"),
    10006: ("rate_limit", "group operations are too frequent right now; try again in a moment"),
    10007: ("fatal", "not allowed: the admin lacks permission for this group or API"),
    10008: ("transient", "Tencent says the request is invalid (signature check failed); try again"),
    10009: ("fatal", "the group owner may not quit the group"),
    10010: ("fatal", "the group does not exist or was dismissed"),
    10011: ("fatal", "Tencent could not parse the request JSON"),
    10012: ("fatal", "the operating user ID is invalid"),
    10013: ("fatal", "the user is already a member of the group"),
    10014: ("fatal", "the group is full"),
    10015: ("fatal", "the group ID is invalid"),
    10016: ("fatal", "the request was rejected by the app's callback server"),
    10017: ("fatal", "the user is muted in this group"),
    10018: ("fatal", "the answer would be over Tencent's 1 MB limit; ask for fewer groups or fields"),
    10019: ("fatal", "the user does not exist"),
    10021: ("fatal", "the group ID is already in use"),
    10023: ("rate_limit", "messages are too frequent in this group; try again in a moment"),
    10025: ("fatal", "the group ID is already in use (and you own that group)"),
    10026: ("fatal", "this group command is disabled for the app"),
    # Relationship (sns) codes (30000-30999).
    30001: ("fatal", "Tencent says a parameter is invalid"),
    30002: ("fatal", "the SDKAppID does not match"),
    30003: ("fatal", "the user does not exist"),
    30004: ("fatal", "this needs an app admin account; check TIM_ADMIN"),
    30005: ("fatal", "the request contains sensitive words"),
    30006: ("transient", "Tencent's friend service had an internal error; try again"),
    30007: ("transient", "Tencent's friend service timed out; try again"),
    30008: ("fatal", "a concurrent change to the friend data conflicted; try again"),
    30010: ("fatal", "the user has reached the maximum number of friends"),
    30011: ("fatal", "the user has reached the maximum number of friend lists"),
    # Message codes.
    20004: ("transient", "Tencent had a network problem; try again"),
    20005: ("transient", "Tencent had an internal error; try again"),
}

#: Every code we know, with its kind and explanation.
CODES: Final[dict[int, Code]] = {code: Code(kind, text) for code, (kind, text) in _TABLE.items()}


def explain(code: int) -> Code:
    """Return how ``code`` is treated and explained; unknown codes are fatal with a generic text.

    Args:
        code: Tencent's ``ErrorCode``.
    """
    known = CODES.get(code)
    if known is not None:
        return known
    return Code("fatal", f"Tencent Cloud Chat answered with error code {code}")
