"""Scripted faults: delays, error codes for the next calls, HTTP statuses, broken bodies."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.emulator.conftest import APPID_LIST, FRIEND_LISTS, GROUP_INFO, Call, admin_query, fresh_emulator
from timbot.emulator import Emulator


async def test_error_once_then_ok(call: Call, emulator: Emulator) -> None:
    emulator.faults.error(10002, endpoint="get_appid_group_list")
    assert (await call(GROUP_INFO, {"GroupIdList": ["@TGS#2NOSUCHGRP"]}))[
        "ErrorCode"
    ] == 0  # other API untouched
    first = await call(APPID_LIST, {"Limit": 1})
    assert (first["ActionStatus"], first["ErrorCode"]) == ("FAIL", 10002) and first["ErrorInfo"]
    assert (await call(APPID_LIST, {"Limit": 1}))["ErrorCode"] == 0
    assert [c.code for c in emulator.calls] == [0, 10002, 0]


async def test_error_for_n_calls_and_forever(call: Call, emulator: Emulator) -> None:
    emulator.faults.error(70001, times=2)
    codes = [(await call(FRIEND_LISTS, {"From_Account": "leckie"}))["ErrorCode"] for _ in range(3)]
    assert codes == [70001, 70001, 0]
    emulator.faults.error(30006, times=None, endpoint="sns/group_get")
    codes = [(await call(FRIEND_LISTS, {"From_Account": "leckie"}))["ErrorCode"] for _ in range(4)]
    assert codes == [30006] * 4
    emulator.faults.clear()
    assert (await call(FRIEND_LISTS, {"From_Account": "leckie"}))["ErrorCode"] == 0


async def test_http_status(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.faults.http_status(502)
    emulator.faults.http_status(503, endpoint="get_group_info")
    response = await client.post(f"/v4/{APPID_LIST}", params=admin_query(), json={})
    assert response.status_code == 502 and "json" not in response.headers["content-type"]
    response = await client.post(f"/v4/{GROUP_INFO}", params=admin_query(), json={"GroupIdList": ["x"]})
    assert response.status_code == 503
    response = await client.post(f"/v4/{GROUP_INFO}", params=admin_query(), json={"GroupIdList": ["x"]})
    assert response.status_code == 200
    assert [(c.http_status, c.code) for c in emulator.calls] == [(502, None), (503, None), (200, 0)]


async def test_bad_json_and_missing_fields(client: httpx.AsyncClient, emulator: Emulator) -> None:
    emulator.faults.bad_json()
    response = await client.post(f"/v4/{APPID_LIST}", params=admin_query(), json={})
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    emulator.faults.missing_fields()
    answer = (await client.post(f"/v4/{APPID_LIST}", params=admin_query(), json={"Limit": 2})).json()
    assert "ErrorCode" not in answer and "ActionStatus" not in answer and len(answer["GroupIdList"]) == 2
    emulator.faults.missing_fields("GroupIdList")
    answer = (await client.post(f"/v4/{APPID_LIST}", params=admin_query(), json={"Limit": 2})).json()
    assert answer["ErrorCode"] == 0 and "GroupIdList" not in answer


async def test_delay_and_latency_do_not_block_the_loop(call: Call, emulator: Emulator) -> None:
    emulator.faults.delay(0.3, times=5)
    started = time.monotonic()
    answers = await asyncio.gather(*(call(APPID_LIST, {"Limit": 1}) for _ in range(5)))
    elapsed = time.monotonic() - started
    assert all(a["ErrorCode"] == 0 for a in answers)
    assert 0.3 <= elapsed < 3  # five delays overlap: asyncio.sleep, not a blocking wait
    started = time.monotonic()
    await call(APPID_LIST, {"Limit": 1})
    assert time.monotonic() - started < 0.3  # the fault was used up


async def test_latency_applies_to_every_call() -> None:
    emulator = fresh_emulator(enforce_rate_limits=False, latency=0.2)
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://tim") as client:
        started = time.monotonic()
        response = await client.post(f"/v4/{APPID_LIST}", params=admin_query(), json={})
    assert response.json()["ErrorCode"] == 0 and time.monotonic() - started >= 0.2


def test_times_must_be_positive(emulator: Emulator) -> None:
    with pytest.raises(ValueError):
        emulator.faults.error(10002, times=0)
