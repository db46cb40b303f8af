"""UserSig v2 (TLSSigAPIv2, HMAC-SHA256) on the standard library: sign, decode and verify.

The algorithm (Tencent Cloud Chat's "Generating UserSig" page and its reference ``TLSSigAPIv2`` code,
https://github.com/tencentyun/tls-sig-api-v2-python): HMAC-SHA256 over
``TLS.identifier:{id}\\nTLS.sdkappid:{app}\\nTLS.time:{t}\\nTLS.expire:{e}\\n[TLS.userbuf:{b64}\\n]``,
put in a JSON object, zlib-compressed, base64-encoded with ``+/=`` replaced by ``*-_``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import zlib
from dataclasses import dataclass

from timbot.errors import UserSigError

__all__ = ["DecodedSig", "UserSigError", "decode", "sign", "verify"]

_TO_URL = str.maketrans("+/=", "*-_")
_FROM_URL = str.maketrans("*-_", "+/=")


@dataclass(frozen=True, slots=True)
class DecodedSig:
    """The fields of a decoded UserSig."""

    version: str
    identifier: str
    sdkappid: int
    time: int
    expire: int
    sig: str
    userbuf: bytes | None = None

    @property
    def expires_at(self) -> int:
        """The last second (Unix time) at which the sig is still valid."""
        return self.time + self.expire


def _hmac(key: str, identifier: str, sdkappid: int, now: int, expire: int, userbuf: bytes | None) -> str:
    content = (
        f"TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\nTLS.time:{now}\nTLS.expire:{expire}\n"
    )
    if userbuf is not None:
        content += f"TLS.userbuf:{base64.b64encode(userbuf).decode()}\n"
    digest = hmac.new(key.encode("utf-8"), content.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign(
    *,
    sdkappid: int,
    key: str,
    identifier: str,
    expire: int = 180 * 86400,
    userbuf: bytes | None = None,
    now: int | None = None,
) -> str:
    """Make a UserSig, byte for byte as the official ``tls-sig-api-v2`` 1.1 does.

    Args:
        sdkappid: the Chat application's SDKAppID.
        key: the application's secret key.
        identifier: the account the sig is for (the app admin for REST calls).
        expire: validity in seconds from ``now``.
        userbuf: optional user buffer (``gen_sig_with_userbuf``).
        now: Unix time to sign at; the current time when omitted.
    """
    signed_at = int(time.time()) if now is None else now
    doc: dict[str, object] = {
        "TLS.ver": "2.0",
        "TLS.identifier": str(identifier),
        "TLS.sdkappid": int(sdkappid),
        "TLS.expire": int(expire),
        "TLS.time": signed_at,
    }
    if userbuf is not None:
        doc["TLS.userbuf"] = base64.b64encode(userbuf).decode()
    doc["TLS.sig"] = _hmac(key, identifier, sdkappid, signed_at, expire, userbuf)
    compressed = zlib.compress(json.dumps(doc).encode("utf-8"))
    return base64.b64encode(compressed).decode().translate(_TO_URL)


def decode(usersig: str) -> DecodedSig:
    """Decode a UserSig without checking its HMAC.

    Raises:
        UserSigError: the string is not a UserSig.
    """
    try:
        raw = zlib.decompress(base64.b64decode(usersig.translate(_FROM_URL), validate=True))
        doc = json.loads(raw)
        userbuf = doc.get("TLS.userbuf")
        return DecodedSig(
            version=str(doc["TLS.ver"]),
            identifier=str(doc["TLS.identifier"]),
            sdkappid=int(doc["TLS.sdkappid"]),
            time=int(doc["TLS.time"]),
            expire=int(doc["TLS.expire"]),
            sig=str(doc["TLS.sig"]),
            userbuf=None if userbuf is None else base64.b64decode(userbuf),
        )
    except (binascii.Error, zlib.error, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UserSigError("not a UserSig") from exc


def verify(
    usersig: str, *, sdkappid: int, key: str, identifier: str, now: int | None = None
) -> DecodedSig:
    """Decode a UserSig and check it as Tencent does (the Go library's ``VerifyUserSig`` order).

    Checks the SDKAppID, the identifier, the expiry (valid while ``now <= time + expire``) and the HMAC.

    Raises:
        UserSigError: with the reason (``sdkappid mismatch``, ``identifier mismatch``, ``expired``,
            ``bad signature``), never the key.
    """
    decoded = decode(usersig)
    if decoded.sdkappid != sdkappid:
        raise UserSigError("sdkappid mismatch")
    if decoded.identifier != identifier:
        raise UserSigError("identifier mismatch")
    checked_at = int(time.time()) if now is None else now
    if checked_at > decoded.expires_at:
        raise UserSigError("expired")
    expected = _hmac(key, decoded.identifier, decoded.sdkappid, decoded.time, decoded.expire, decoded.userbuf)
    if not hmac.compare_digest(expected, decoded.sig):
        raise UserSigError("bad signature")
    return decoded
