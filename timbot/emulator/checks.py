"""The checks Tencent makes on every REST request's query string: app, admin, UserSig, random, format.

Sources (Tencent Cloud Chat documentation): "RESTful API Overview" for the query parameters,
https://www.tencentcloud.com/document/product/1047/34620; "Generating UserSig" for the signature, https://www.tencentcloud.com/document/product/1047/34385;
"Error Codes" for the codes answered, https://www.tencentcloud.com/document/product/1047/34348.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from timbot.emulator.fields import ApiError
from timbot.tim import usersig

__all__ = ["check_query"]

_UINT32_MAX = 4_294_967_295


def check_query(
    query: Mapping[str, str], *, sdkappid: int, key: str, admin: str, now: int | None = None
) -> None:
    """Check a request's query parameters as Tencent does.

    Codes: 60012 no ``sdkappid``; 60006 malformed ``sdkappid``; 70020 an SDKAppID this server does not
    host; 60002 ``random`` not a 32-bit unsigned integer or ``contenttype`` not ``json``; 60004 no
    ``identifier``; 70002 empty ``usersig``; 70003 not a UserSig; 70014 / 70013 the sig names another
    app / account; 70001 expired; 70009 signed with another key; 60010 ``identifier`` not the app admin.

    Args:
        query: the query parameters.
        sdkappid: the app this server hosts.
        key: the app's secret key.
        admin: the app admin account.
        now: Unix time for the expiry check (the current time when omitted).

    Raises:
        ApiError: the first check that fails (its text never contains the key or the sig).
    """
    raw_app = query.get("sdkappid", "")
    if not raw_app:
        raise ApiError(60012, "sdkappid is missing from the URL")
    if not raw_app.isascii() or not raw_app.isdigit():
        raise ApiError(60006, "sdkappid is invalid")
    if int(raw_app) != sdkappid:
        raise ApiError(70020, f"SDKAppID {raw_app} not found")
    raw_random = query.get("random", "")
    if not (raw_random.isascii() and raw_random.isdigit() and int(raw_random) <= _UINT32_MAX):
        raise ApiError(60002, "random must be a 32-bit unsigned integer (0..4294967295)")
    if query.get("contenttype") != "json":
        raise ApiError(60002, "contenttype must be json")
    identifier = query.get("identifier", "")
    if not identifier:
        raise ApiError(60004, "identifier is missing from the URL")
    sig = query.get("usersig", "")
    if not sig:
        raise ApiError(70002, "usersig is empty")
    try:
        decoded = usersig.decode(sig)
    except usersig.UserSigError:
        raise ApiError(70003, "usersig is invalid") from None
    if decoded.sdkappid != sdkappid:
        raise ApiError(70014, "the sdkappid in the usersig does not match the URL")
    if decoded.identifier != identifier:
        raise ApiError(70013, "the identifier in the usersig does not match the URL")
    checked_at = int(time.time()) if now is None else now
    if checked_at > decoded.expires_at:
        raise ApiError(70001, "usersig expired")
    try:
        usersig.verify(sig, sdkappid=sdkappid, key=key, identifier=identifier, now=checked_at)
    except usersig.UserSigError:
        raise ApiError(70009, "usersig verification failed: signed with another key") from None
    if identifier != admin:
        raise ApiError(60010, f"identifier {identifier} is not the App admin")
