"""AdminSigAuth: the signing query parameters, the cached admin sig, its renewal."""

from __future__ import annotations

import httpx
import pytest

from timbot.tim import usersig
from timbot.tim.auth import AdminSigAuth

from .conftest import ADMIN, APP, KEY


class Clock:
    def __init__(self, now: float = 1_700_000_000) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def signed(auth: AdminSigAuth) -> httpx.URL:
    request = httpx.Request("POST", "https://console.tim.qq.com/v4/sns/group_get", json={})
    flow = auth.auth_flow(request)
    return next(flow).url


def test_adds_every_query_parameter_with_a_valid_admin_sig() -> None:
    clock = Clock()
    auth = AdminSigAuth(sdkappid=APP, secret_key=KEY, identifier=ADMIN, clock=clock)
    url = signed(auth)
    params = url.params
    assert url.path == "/v4/sns/group_get"
    assert set(params.keys()) == {"sdkappid", "identifier", "usersig", "random", "contenttype"}
    assert params["sdkappid"] == str(APP)
    assert params["identifier"] == ADMIN
    assert params["contenttype"] == "json"
    assert 0 <= int(params["random"]) <= 4_294_967_295
    decoded = usersig.verify(params["usersig"], sdkappid=APP, key=KEY, identifier=ADMIN, now=int(clock.now))
    assert decoded.expire >= 86400 * 2  # long-lived: not remade per call


def test_random_is_fresh_per_request_and_sig_is_reused() -> None:
    auth = AdminSigAuth(sdkappid=APP, secret_key=KEY, identifier=ADMIN, clock=Clock())
    urls = [signed(auth) for _ in range(50)]
    randoms = {u.params["random"] for u in urls}
    assert len(randoms) >= 45
    assert len({u.params["usersig"] for u in urls}) == 1
    assert auth.signs_made == 1


def test_random_covers_the_whole_unsigned_range() -> None:
    values = [int(signed(AdminSigAuth(sdkappid=APP, secret_key=KEY, identifier=ADMIN)).params["random"])
              for _ in range(200)]  # fmt: skip
    assert all(0 <= v <= 4_294_967_295 for v in values)
    assert max(values) > 2**31  # not a signed 32-bit or a small range


def test_renewed_well_before_expiry() -> None:
    clock = Clock()
    auth = AdminSigAuth(sdkappid=APP, secret_key=KEY, identifier=ADMIN, clock=clock,
                        expire=7 * 86400, renew_before=86400)  # fmt: skip
    first = signed(auth).params["usersig"]
    clock.now += 5 * 86400  # two days left: still reused
    assert signed(auth).params["usersig"] == first
    clock.now += 86400 + 1  # less than a day left: renewed
    second = signed(auth).params["usersig"]
    assert second != first
    decoded = usersig.verify(second, sdkappid=APP, key=KEY, identifier=ADMIN, now=int(clock.now))
    assert decoded.time == int(clock.now)


def test_renew_forces_a_different_sig_even_in_the_same_second() -> None:
    auth = AdminSigAuth(sdkappid=APP, secret_key=KEY, identifier=ADMIN, clock=Clock())
    first = signed(auth).params["usersig"]
    auth.renew()
    second = signed(auth).params["usersig"]
    auth.renew()
    third = signed(auth).params["usersig"]
    assert len({first, second, third}) == 3
    for sig in (second, third):
        usersig.verify(sig, sdkappid=APP, key=KEY, identifier=ADMIN, now=1_700_000_000)


def test_key_is_not_in_repr() -> None:
    auth = AdminSigAuth(sdkappid=APP, secret_key=KEY, identifier=ADMIN)
    assert KEY not in repr(auth)
    with pytest.raises(ValueError):
        AdminSigAuth(sdkappid=APP, secret_key=KEY, identifier=ADMIN, expire=3600, renew_before=3600)
