"""UserSig v2: the three reference vectors, and the official tls-sig-api-v2 package as an oracle."""

from __future__ import annotations

import types

import pytest

from timbot.tim import usersig

KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
APP = 1400000000
NOW = 1700000000
V1 = (
    "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqSMTU1NUKIl2T"
    "mgkXN0dQXZ6aD7PFyrqpIzHOz8AsJiUgsNcnVNsqwLC8zT4-0yqv0yy7ONajINfRzjQg1MjexVaoFANTGNgc_"
)
V2 = (
    "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkElNyM-Myi0uKEkvyi2BKilOyEwsKMlOACgxNDKAAKpdaUZBZlAqUsTAzgQuWZOa"
    "ChAzN0RQXZ6aDLKn0cUzVLjcPD00NLS1MCrPM0A*JMLcoNTLMD3HP1M60jCowLDUOKMiLNDOwVaoFAD4PNPI_"
)
V3 = (
    "eJxdjc0KgkAYRV9FZh2i5iQELSxX5SrFajk1o3zq2DA-ZkXvXpoVdJfnHLh3lMaJ3TKJ5hbybAdNrIEAZY2GHN6CUA4NKC2JPstPomhFhAD"
    "6ClzfGTc61gmQrDcYY*-HNfCBBn*9UUweTd5-HXbr8nsBRY*uUXZyvaQq9kbUos6CGw7LVZjExmnztOPLyybiMzr1t2qBHk-oNj0Y"
)


def test_vectors_reproduced_byte_for_byte() -> None:
    assert usersig.sign(sdkappid=APP, key=KEY, identifier="administrator", expire=86400 * 180, now=NOW) == V1
    assert usersig.sign(sdkappid=APP, key=KEY, identifier="administrator", expire=86400, now=NOW) == V2
    assert (
        usersig.sign(
            sdkappid=APP, key=KEY, identifier="administrator", expire=86400 * 180, userbuf=b"abc", now=NOW
        )
        == V3
    )
    assert (len(V1), len(V2), len(V3)) == (192, 192, 208)


def test_vectors_decode_to_documented_fields() -> None:
    d1 = usersig.decode(V1)
    assert (d1.version, d1.identifier, d1.sdkappid, d1.expire, d1.time) == (
        "2.0",
        "administrator",
        APP,
        15552000,
        NOW,
    )
    assert d1.sig == "JCzxanF8NTTXau4m+2h9wv7gYJnyNksm0xm1NEXU274="
    assert usersig.decode(V2).sig == "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60="
    d3 = usersig.decode(V3)
    assert d3.userbuf == b"abc" and d3.sig == "yDVc12SkgXuplplV7z5AjCASLu0vfTxmBwKDm6d34Rs="


def test_verify_accepts_valid_until_expiry_and_rejects_after() -> None:
    assert usersig.verify(V2, sdkappid=APP, key=KEY, identifier="administrator", now=NOW + 86400).time == NOW
    with pytest.raises(usersig.UserSigError, match="expired"):
        usersig.verify(V2, sdkappid=APP, key=KEY, identifier="administrator", now=NOW + 86401)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"sdkappid": APP + 1, "key": KEY, "identifier": "administrator"}, "sdkappid mismatch"),
        ({"sdkappid": APP, "key": KEY, "identifier": "someone"}, "identifier mismatch"),
        ({"sdkappid": APP, "key": "0" * 64, "identifier": "administrator"}, "bad signature"),
    ],
)
def test_verify_reasons_never_contain_the_key(kwargs: dict[str, object], reason: str) -> None:
    with pytest.raises(usersig.UserSigError) as info:
        usersig.verify(V1, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert str(info.value) == reason
    assert KEY not in str(info.value)


@pytest.mark.parametrize("garbage", ["", "not a sig", "eJyr", "****", V1[:-10], "eJxLTEoGAAJNASc_"])
def test_decode_rejects_garbage(garbage: str) -> None:
    with pytest.raises(usersig.UserSigError):
        usersig.decode(garbage)


def _official(monkeypatch: pytest.MonkeyPatch, now: int) -> object:
    official = pytest.importorskip("TLSSigAPIv2")
    monkeypatch.setattr(official, "time", types.SimpleNamespace(time=lambda: now))
    return official


@pytest.mark.parametrize("identifier", ["administrator", "admin_2", "u-1", "x" * 32])
@pytest.mark.parametrize("expire", [1, 86400, 86400 * 180])
def test_official_package_agrees(monkeypatch: pytest.MonkeyPatch, identifier: str, expire: int) -> None:
    official = _official(monkeypatch, NOW)
    api = official.TLSSigAPIv2(APP, KEY)  # type: ignore[attr-defined]
    theirs = api.gen_sig(identifier, expire)
    ours = usersig.sign(sdkappid=APP, key=KEY, identifier=identifier, expire=expire, now=NOW)
    assert ours == theirs
    decoded = usersig.verify(theirs, sdkappid=APP, key=KEY, identifier=identifier, now=NOW)
    assert (decoded.identifier, decoded.expire, decoded.time) == (identifier, expire, NOW)
    with_buf = api.gen_sig_with_userbuf(identifier, expire, b"\x00\xffbuf")
    assert (
        usersig.verify(with_buf, sdkappid=APP, key=KEY, identifier=identifier, now=NOW).userbuf
        == b"\x00\xffbuf"
    )
