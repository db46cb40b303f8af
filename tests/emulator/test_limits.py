"""Tencent's call-frequency limits: 1/s for get_appid_group_list, 200/s for the others (60007)."""

from __future__ import annotations

import httpx
import pytest

from tests.emulator.conftest import (
    APPID_LIST,
    FRIEND_LISTS,
    GROUP_INFO,
    JOINED,
    MEMBERS,
    fresh_emulator,
    make_call,
)
from timbot.emulator import Emulator
from timbot.emulator.limits import RateLimits


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limited() -> tuple[Emulator, FakeClock]:
    emulator = fresh_emulator()
    clock = FakeClock()
    emulator.limits = RateLimits(clock=clock)
    return emulator, clock


async def test_group_list_once_per_second(limited: tuple[Emulator, FakeClock]) -> None:
    emulator, clock = limited
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://tim") as client:
        call = make_call(client)
        assert (await call(APPID_LIST, {}))["ErrorCode"] == 0
        clock.now += 0.999
        refused = await call(APPID_LIST, {})
        assert (refused["ActionStatus"], refused["ErrorCode"]) == ("FAIL", 60007)
        clock.now += 0.001  # one second after the last *accepted* call
        assert (await call(APPID_LIST, {}))["ErrorCode"] == 0
        assert (await call(GROUP_INFO, {"GroupIdList": ["@TGS#2NOSUCHGRP"]}))[
            "ErrorCode"
        ] == 0  # separate budget
    assert [c.code for c in emulator.calls] == [0, 60007, 0, 0]


@pytest.mark.parametrize("endpoint", [JOINED, GROUP_INFO, MEMBERS, FRIEND_LISTS])
async def test_others_two_hundred_per_sliding_second(
    limited: tuple[Emulator, FakeClock], endpoint: str
) -> None:
    emulator, clock = limited
    body = {
        JOINED: {"Member_Account": "peter"},
        GROUP_INFO: {"GroupIdList": ["@TGS#2NOSUCHGRP"]},
        MEMBERS: {"GroupId": emulator.data.showcase.community_group_id, "Timestamp": 0},
        FRIEND_LISTS: {"From_Account": "peter"},
    }[endpoint]
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://tim") as client:
        call = make_call(client)
        for i in range(200):
            clock.now += 0.004 if i else 0.0
            assert (await call(endpoint, body))["ErrorCode"] == 0
        assert (await call(endpoint, body))["ErrorCode"] == 60007  # 201st inside the same second
        clock.now += 0.205  # the first call (199 x 4 ms + 205 ms ago) has left the window
        assert (await call(endpoint, body))["ErrorCode"] == 0
        assert (await call(endpoint, body))["ErrorCode"] == 60007


async def test_real_clock_default_and_switch_off() -> None:
    emulator = fresh_emulator()
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://tim") as client:
        call = make_call(client)
        codes = [(await call(APPID_LIST, {}))["ErrorCode"] for _ in range(3)]
    assert codes == [0, 60007, 60007]
    relaxed = fresh_emulator(enforce_rate_limits=False)
    async with httpx.AsyncClient(transport=relaxed.transport(), base_url="http://tim") as client:
        call = make_call(client)
        assert [(await call(APPID_LIST, {}))["ErrorCode"] for _ in range(3)] == [0, 0, 0]


async def test_rejected_requests_do_not_use_the_budget(limited: tuple[Emulator, FakeClock]) -> None:
    emulator, _ = limited
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://tim") as client:
        call = make_call(client)
        assert (await call(APPID_LIST, {}, usersig=""))["ErrorCode"] == 70002
        assert (await call(APPID_LIST, {}))["ErrorCode"] == 0
