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

from timbot.errors import UNKNOWN_CODE
from timbot.i18n import N_

__all__ = ["CODES", "KINDS", "Code", "Kind", "explain"]

Kind = Literal["transient", "rate_limit", "sig", "fatal"]
KINDS: Final[tuple[Kind, ...]] = ("transient", "rate_limit", "sig", "fatal")


@dataclass(frozen=True, slots=True)
class Code:
    """How one Tencent ``ErrorCode`` is treated and explained.

    Args:
        kind: ``transient``, ``rate_limit``, ``sig`` or ``fatal``.
        explanation: one line a Slack user understands (no secrets, no markup), in English: the message
            id its translations are found by (``timbot.errors.TimApiError.user_text``).
    """

    kind: Kind
    explanation: str


_BAD_SIG = N_("the admin account or UserSig in the request is wrong; check TIM_ADMIN and TIM_SECRET_KEY")

_TABLE: dict[int, tuple[Kind, str]] = {
    # Common REST codes (60000-60999).
    60002: ("fatal", N_("Tencent could not parse the HTTP request; check the URL format (TIM_BASE_URL)")),
    60003: ("fatal", N_("Tencent could not parse the request JSON")),
    60004: ("sig", _BAD_SIG),
    60005: ("sig", _BAD_SIG),
    60006: ("fatal", N_("the SDKAppID is invalid; check TIM_SDKAPPID")),
    60007: ("rate_limit", N_("too many calls to this Tencent API right now; try again in a moment")),
    60008: ("transient", N_("Tencent's service timed out; try again")),
    60009: ("fatal", N_("Tencent says the requested resource is wrong; check TIM_BASE_URL")),
    60010: ("fatal", N_("the identifier must be an app admin account; check TIM_ADMIN")),
    60011: ("rate_limit", N_("this app is calling Tencent too often right now; try again in a moment")),
    60012: ("fatal", N_("the SDKAppID is missing from the request; check TIM_SDKAPPID")),
    60013: ("transient", N_("Tencent failed to build its answer; try again")),
    60014: ("transient", N_("Tencent's account service timed out; try again")),
    60015: ("fatal", N_("an account field must be a string")),
    60016: ("fatal", N_("this SDKAppID has been disabled in Tencent Cloud Chat")),
    60017: ("fatal", N_("this request has been disabled for the app by Tencent")),
    60018: ("rate_limit", N_("requests to Tencent are too frequent; try again in a moment")),
    60019: ("rate_limit", N_("requests to Tencent are too frequent; try again in a moment")),
    60020: ("fatal", N_("the app's Pro package has expired (a new purchase takes about 5 minutes to apply)")),
    60021: ("fatal", N_("Tencent refused this server's IP address (check the app's IP allow-list)")),
    # Content codes (messaging; listed for completeness).
    80001: ("fatal", N_("the text was blocked by Tencent's content filter")),
    80002: ("fatal", N_("the request body is over Tencent's 8 KB limit")),
    # Account and UserSig codes (70000-70999).
    70001: ("sig", N_("the admin UserSig has expired")),
    70002: ("fatal", N_("the admin UserSig is empty")),
    70003: ("fatal", N_("the admin UserSig is invalid; check TIM_SECRET_KEY")),
    70005: ("fatal", N_("the admin UserSig is invalid or truncated; check TIM_SECRET_KEY")),
    70009: ("fatal", N_("the UserSig was signed with another app's key; check TIM_SECRET_KEY and "
                        "TIM_SDKAPPID")),
    70013: ("fatal", N_("the admin account does not match the UserSig; check TIM_ADMIN")),
    70014: ("fatal", N_("the SDKAppID does not match the UserSig; check TIM_SDKAPPID")),
    70016: ("fatal", N_("Tencent has no key for this SDKAppID here (wrong region? check TIM_REGION or "
                        "TIM_BASE_URL)")),
    70020: ("fatal", N_("Tencent does not know this SDKAppID here (wrong region? check TIM_REGION or "
                        "TIM_BASE_URL)")),
    70050: ("rate_limit", N_("too many failed UserSig checks; Tencent locked the admin for a minute, try "
                             "later")),
    70051: ("fatal", N_("the admin account has been blacklisted by Tencent")),
    70052: ("sig", N_("the admin UserSig was invalidated")),
    70107: ("fatal", N_("the requested user does not exist")),
    70114: ("fatal", N_("Tencent restricted this request for security reasons")),
    70169: ("transient", N_("Tencent's server timed out; try again")),
    70202: ("transient", N_("Tencent's server timed out; try again")),
    70206: ("fatal", N_("the number of items in the request is invalid")),
    70398: ("fatal", N_("the app reached its account limit (trial edition)")),
    70402: ("fatal", N_("Tencent says a parameter is invalid")),
    70403: ("fatal", N_("this needs an app admin account; check TIM_ADMIN")),
    70500: ("transient", N_("Tencent had an internal error; try again")),
    71000: ("fatal", N_("Tencent refused to delete the account")),
    # Group codes (10000-10999).
    10001: ("fatal", N_("Tencent says the admin is not logged in; check TIM_ADMIN and TIM_SECRET_KEY")),
    10002: ("transient", N_("Tencent's group service had an internal error; try again")),
    10003: ("fatal", N_("Tencent does not know this group API command")),
    10004: ("fatal", N_("Tencent says a parameter is invalid (for example the group type)")),
    10005: ("fatal", N_("too many accounts in one request")),
    10006: ("rate_limit", N_("group operations are too frequent right now; try again in a moment")),
    10007: ("fatal", N_("not allowed: the admin lacks permission for this group or API")),
    10008: ("transient", N_("Tencent says the request is invalid (signature check failed); try again")),
    10009: ("fatal", N_("the group owner may not quit the group")),
    10010: ("fatal", N_("the group does not exist or was dismissed")),
    10011: ("fatal", N_("Tencent could not parse the request JSON")),
    10012: ("fatal", N_("the operating user ID is invalid")),
    10013: ("fatal", N_("the user is already a member of the group")),
    10014: ("fatal", N_("the group is full")),
    10015: ("fatal", N_("the group ID is invalid")),
    10016: ("fatal", N_("the request was rejected by the app's callback server")),
    10017: ("fatal", N_("the user is muted in this group")),
    10018: ("fatal", N_("the answer would be over Tencent's 1 MB limit; ask for fewer groups or fields")),
    10019: ("fatal", N_("the user does not exist")),
    10021: ("fatal", N_("the group ID is already in use")),
    10023: ("rate_limit", N_("messages are too frequent in this group; try again in a moment")),
    10025: ("fatal", N_("the group ID is already in use (and you own that group)")),
    10026: ("fatal", N_("this group command is disabled for the app")),
    # Relationship (sns) codes (30000-30999).
    30001: ("fatal", N_("Tencent says a parameter is invalid")),
    30002: ("fatal", N_("the SDKAppID does not match")),
    30003: ("fatal", N_("the user does not exist")),
    30004: ("fatal", N_("this needs an app admin account; check TIM_ADMIN")),
    30005: ("fatal", N_("the request contains sensitive words")),
    30006: ("transient", N_("Tencent's friend service had an internal error; try again")),
    30007: ("transient", N_("Tencent's friend service timed out; try again")),
    30008: ("fatal", N_("a concurrent change to the friend data conflicted; try again")),
    30010: ("fatal", N_("the user has reached the maximum number of friends")),
    30011: ("fatal", N_("the user has reached the maximum number of friend lists")),
    # Message codes.
    20004: ("transient", N_("Tencent had a network problem; try again")),
    20005: ("transient", N_("Tencent had an internal error; try again")),
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
    return Code("fatal", UNKNOWN_CODE.format(code=code))
