"""The emulator served by uvicorn on a loopback port, called over real HTTP with sigs from the official
``tls-sig-api-v2`` package (the test oracle), checked against the field names of Tencent's API pages."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import TLSSigAPIv2

from tests.emulator.conftest import (
    APPID_LIST,
    FRIEND_LISTS,
    GROUP_INFO,
    JOINED,
    MEMBERS,
    free_socket,
    served_over_http,
)
from timbot.emulator import DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID, Emulator

OTHER_APP = 1400123456
OTHER_KEY = "f" * 64


@pytest.fixture
async def served() -> AsyncIterator[tuple[Emulator, httpx.AsyncClient]]:
    emulator = Emulator(sdkappid=OTHER_APP, key=OTHER_KEY)
    async with served_over_http(emulator) as client:
        yield emulator, client


def _query(identifier: str = DEMO_ADMIN, sdkappid: int = OTHER_APP, key: str = OTHER_KEY) -> dict[str, Any]:
    sig = TLSSigAPIv2.TLSSigAPIv2(sdkappid, key).gen_sig(identifier, 86400)
    return {
        "sdkappid": sdkappid,
        "identifier": identifier,
        "usersig": sig,
        "random": random.randrange(2**32),
        "contenttype": "json",
    }


async def _post(client: httpx.AsyncClient, endpoint: str, body: Any, **query: Any) -> dict[str, Any]:
    response = await client.post(f"/v4/{endpoint}", params=_query(**query), json=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    answer: dict[str, Any] = response.json()
    return answer


async def test_official_sigs_are_accepted_on_all_five_apis(
    served: tuple[Emulator, httpx.AsyncClient],
) -> None:
    emulator, client = served
    showcase = emulator.data.showcase
    groups = await _post(client, APPID_LIST, {"Limit": 2, "Next": 0, "GroupType": "Public"})
    assert set(groups) == {"ActionStatus", "ErrorInfo", "ErrorCode", "TotalCount", "GroupIdList", "Next"}
    assert groups["ActionStatus"] == "OK" and groups["Next"] > 2**32 and len(groups["GroupIdList"]) == 2

    joined = await _post(client, JOINED, {
        "Member_Account": showcase.user, "WithHugeGroups": 1, "WithNoActiveGroups": 1,
        "Limit": 10, "Offset": 0,
        "ResponseFilter": {"GroupBaseInfoFilter": ["Type", "Name", "Introduction", "Notification"],
                           "SelfInfoFilter": ["Role", "JoinTime"]},
    })  # fmt: skip
    assert joined["TotalCount"] == showcase.user_groups and len(joined["GroupIdList"]) == 10
    assert set(joined["GroupIdList"][0]) == {
        "GroupId",
        "Type",
        "Name",
        "Introduction",
        "Notification",
        "SelfInfo",
    }

    info = await _post(client, GROUP_INFO, {"GroupIdList": [showcase.hostile_group_id, "@TGS#2NOSUCHGRP"]})
    found, missing = info["GroupInfo"]
    assert found["Name"] == "<!channel>" and found["Appid"] == OTHER_APP and found["MemberList"]
    assert (missing["ErrorCode"], info["ErrorCode"]) == (10010, 0)

    members = await _post(
        client,
        MEMBERS,
        {"GroupId": showcase.live_room_id, "Mark": showcase.live_room_marks[0], "Timestamp": 0},
    )
    assert set(members) == {"ActionStatus", "ErrorInfo", "ErrorCode", "MemberList", "NextTimestamp"}
    assert members["MemberList"]
    assert set(members["MemberList"][0]) == {"Member_Account", "JoinTime", "NickName", "Avatar"}

    lists = await _post(
        client, FRIEND_LISTS, {"From_Account": showcase.user, "NeedFriend": "Need_Friend_Type_Yes"}
    )
    assert set(lists) == {
        "ResultItem",
        "CurrentSequence",
        "ActionStatus",
        "ErrorCode",
        "ErrorInfo",
        "ErrorDisplay",
    }
    assert set(lists["ResultItem"][0]) == {"GroupName", "FriendNumber", "To_Account"}
    assert [c.code for c in emulator.calls] == [0, 0, 0, 0, 0]


async def test_official_sigs_for_the_wrong_app_key_or_user_are_refused(
    served: tuple[Emulator, httpx.AsyncClient],
) -> None:
    _, client = served
    wrong_key = await _post(client, FRIEND_LISTS, {"From_Account": "leckie"}, key=DEMO_KEY)
    assert wrong_key["ErrorCode"] == 70009
    other_app = await _post(
        client, FRIEND_LISTS, {"From_Account": "leckie"}, sdkappid=DEMO_SDKAPPID, key=DEMO_KEY
    )
    assert other_app["ErrorCode"] == 70020
    not_admin = await _post(client, FRIEND_LISTS, {"From_Account": "leckie"}, identifier="leckie")
    assert not_admin["ErrorCode"] == 60010


async def test_http_edge_cases(served: tuple[Emulator, httpx.AsyncClient]) -> None:
    emulator, client = served
    response = await client.get(f"/v4/{APPID_LIST}", params=_query())
    assert (response.status_code, response.json()["ErrorCode"]) == (200, 60002)
    response = await client.post(f"/v4/{APPID_LIST}", params=_query(), content=b"")
    assert (response.status_code, response.json()["ErrorCode"]) == (200, 60003)
    emulator.faults.http_status(502)
    response = await client.post(f"/v4/{APPID_LIST}", params=_query(), json={})
    assert response.status_code == 502


def test_run_emulator_server_prints_what_it_accepts_and_serves() -> None:
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    code = f"from timbot.emulator.server import run_emulator_server as run; run(port={port}, seed=5)"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(5)]
        assert f"http://127.0.0.1:{port}" in banner[0]
        assert any(str(DEMO_SDKAPPID) in line for line in banner)
        assert any(DEMO_KEY in line for line in banner) and any(DEMO_ADMIN in line for line in banner)
        for _ in range(300):
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/v4/{APPID_LIST}",
                    params=_query(sdkappid=DEMO_SDKAPPID, key=DEMO_KEY),
                    json={"Limit": 1},
                )
                break
            except httpx.ConnectError:
                time.sleep(0.02)
        assert response.json()["ErrorCode"] == 0
        assert response.json()["GroupIdList"][0]["GroupId"] == Emulator(seed=5).data.groups[0].group_id
    finally:
        process.terminate()
        process.wait(timeout=10)
