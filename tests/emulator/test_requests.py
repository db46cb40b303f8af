"""Every request check the emulator makes, with the code Tencent documents for it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulator.conftest import APPID_LIST, FRIEND_LISTS, GROUP_INFO, JOINED, MEMBERS, Call, admin_query
from timbot.emulator import DEMO_ADMIN, DEMO_KEY, DEMO_SDKAPPID, Emulator
from timbot.tim.usersig import sign

ALL = [APPID_LIST, JOINED, GROUP_INFO, MEMBERS, FRIEND_LISTS]


def _sig(**overrides: Any) -> str:
    args: dict[str, Any] = {"sdkappid": DEMO_SDKAPPID, "key": DEMO_KEY, "identifier": DEMO_ADMIN}
    args.update(overrides)
    return sign(**args)


async def test_a_good_request_of_each_endpoint_is_answered_ok(call: Call, emulator: Emulator) -> None:
    bodies = {
        APPID_LIST: {},
        JOINED: {"Member_Account": "leckie"},
        GROUP_INFO: {"GroupIdList": [emulator.data.groups[1].group_id]},
        MEMBERS: {"GroupId": emulator.data.showcase.live_room_id, "Timestamp": 0},
        FRIEND_LISTS: {"From_Account": "leckie"},
    }
    for endpoint, body in bodies.items():
        answer = await call(endpoint, body)
        assert (answer["ActionStatus"], answer["ErrorCode"], answer["ErrorInfo"]) == ("OK", 0, "")
    assert "ErrorDisplay" in answer  # the sns API adds it


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"sdkappid": None}, 60012),
        ({"sdkappid": ""}, 60012),
        ({"sdkappid": "14OO"}, 60006),
        ({"sdkappid": 1400000001}, 70020),
        ({"random": None}, 60002),
        ({"random": -1}, 60002),
        ({"random": 4294967296}, 60002),
        ({"random": "abc"}, 60002),
        ({"contenttype": None}, 60002),
        ({"contenttype": "xml"}, 60002),
        ({"identifier": None}, 60004),
        ({"usersig": None}, 70002),
        ({"usersig": ""}, 70002),
        ({"usersig": "not-a-sig"}, 70003),
        ({"usersig": _sig(sdkappid=1400000001)}, 70014),
        ({"usersig": _sig(identifier="someone")}, 70013),
        ({"usersig": _sig(now=1_600_000_000, expire=86400)}, 70001),
        ({"usersig": _sig(key="0" * 64)}, 70009),
        ({"identifier": "leckie", "usersig": _sig(identifier="leckie")}, 60010),
    ],
)
async def test_query_checks_answer_tencent_codes(
    shared_call: Call, overrides: dict[str, Any], code: int
) -> None:
    for endpoint in ALL:
        answer = await shared_call(endpoint, {}, **overrides)
        assert answer["ActionStatus"] == "FAIL"
        assert answer["ErrorCode"] == code, (endpoint, answer)
        assert DEMO_KEY not in answer["ErrorInfo"]


async def test_random_bounds_are_accepted(call: Call) -> None:
    for value in (0, 4294967295):
        assert (await call(APPID_LIST, {}, random=value))["ErrorCode"] == 0


async def test_other_methods_and_unknown_paths_get_tencent_errors(client: httpx.AsyncClient) -> None:
    for method in ("GET", "PUT", "DELETE"):
        response = await client.request(method, f"/v4/{APPID_LIST}", params=admin_query())
        assert response.status_code == 200
        assert response.json()["ErrorCode"] == 60002
    response = await client.post("/v4/group_open_http_svc/no_such_api", params=admin_query(), json={})
    assert (response.status_code, response.json()["ErrorCode"]) == (200, 60009)


@pytest.mark.parametrize(
    ("raw", "group_code", "sns_code"),
    [(b"", 60003, 60003), (b"{not json", 60003, 60003), (b"[1, 2]", 10011, 30001), (b'"text"', 10011, 30001)],
)
async def test_the_body_must_be_a_json_object(
    shared_call: Call, raw: bytes, group_code: int, sns_code: int
) -> None:
    assert (await shared_call(GROUP_INFO, raw=raw))["ErrorCode"] == group_code
    assert (await shared_call(FRIEND_LISTS, raw=raw))["ErrorCode"] == sns_code


@pytest.mark.parametrize(
    ("endpoint", "body", "code", "field"),
    [
        (APPID_LIST, {"Limit": "20"}, 10004, "Limit"),
        (APPID_LIST, {"Limit": True}, 10004, "Limit"),
        (APPID_LIST, {"Next": -1}, 10004, "Next"),
        (APPID_LIST, {"GroupType": 3}, 10004, "GroupType"),
        (JOINED, {}, 10004, "Member_Account"),
        (JOINED, {"Member_Account": 42}, 10004, "Member_Account"),
        (JOINED, {"Member_Account": "leckie", "WithHugeGroups": 2}, 10004, "WithHugeGroups"),
        (JOINED, {"Member_Account": "leckie", "ResponseFilter": []}, 10004, "ResponseFilter"),
        (
            JOINED,
            {"Member_Account": "leckie", "ResponseFilter": {"SelfInfoFilter": "Role"}},
            10004,
            "SelfInfoFilter",
        ),
        (GROUP_INFO, {}, 10004, "GroupIdList"),
        (GROUP_INFO, {"GroupIdList": []}, 10004, "GroupIdList"),
        (GROUP_INFO, {"GroupIdList": [1, 2]}, 10004, "GroupIdList"),
        (GROUP_INFO, {"GroupIdList": "@TGS#2J4SZEAEL"}, 10004, "GroupIdList"),
        (MEMBERS, {"Timestamp": 0}, 10004, "GroupId"),
        (MEMBERS, {"GroupId": "@TGS#a6I4ZUUGO"}, 10004, "Timestamp"),
        (MEMBERS, {"GroupId": "@TGS#a6I4ZUUGO", "Timestamp": 0, "Mark": "1000"}, 10004, "Mark"),
        (FRIEND_LISTS, {}, 30001, "From_Account"),
        (FRIEND_LISTS, {"From_Account": "leckie", "GroupName": "Family"}, 30001, "GroupName"),
        (FRIEND_LISTS, {"From_Account": "leckie", "NeedFriend": 1}, 30001, "NeedFriend"),
    ],
)
async def test_field_types_are_checked(
    shared_call: Call, endpoint: str, body: Any, code: int, field: str
) -> None:
    answer = await shared_call(endpoint, body)
    assert (answer["ActionStatus"], answer["ErrorCode"]) == ("FAIL", code)
    assert field in answer["ErrorInfo"]


async def test_every_request_is_recorded(call: Call, emulator: Emulator) -> None:
    await call(APPID_LIST, {"Limit": 5})
    await call(GROUP_INFO, {}, usersig="")
    first, second = emulator.calls
    assert (first.endpoint, first.body, first.code, first.http_status) == (APPID_LIST, {"Limit": 5}, 0, 200)
    assert (second.endpoint, second.code) == (GROUP_INFO, 70002)
    assert first.at <= second.at


async def test_records_keep_the_usersig_out_of_their_repr(call: Call, emulator: Emulator) -> None:
    sig = _sig()
    await call(APPID_LIST, {}, usersig=sig, random=77)
    (record,) = emulator.calls
    assert record.usersig == sig and "usersig" not in record.query
    assert record.query["random"] == "77" and record.query["identifier"] == DEMO_ADMIN
    assert sig not in repr(record) and sig not in repr(emulator.calls)
    assert DEMO_KEY not in repr(emulator)
