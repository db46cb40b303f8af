"""The emulator's HTTP control API (``/_emulator``), driven over real HTTP as an outside tester would."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.emulator.conftest import APPID_LIST, GROUP_INFO, admin_query, fresh_emulator, served_over_http
from timbot.emulator import DEFAULT_MAX_CALLS, DEMO_KEY, Emulator

Served = tuple[Emulator, httpx.AsyncClient]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """A fresh emulator (rate limits on, as ``timbot emulator`` serves it) on a free loopback port."""
    emulator = fresh_emulator()
    async with served_over_http(emulator) as client:
        yield emulator, client


async def _script(client: httpx.AsyncClient, fault: dict[str, Any]) -> None:
    response = await client.post("/_emulator/faults", json=fault)
    assert (response.status_code, response.json()) == (200, {"ok": True})


async def _group_info(emulator: Emulator, client: httpx.AsyncClient) -> httpx.Response:
    body = {"GroupIdList": [emulator.data.showcase.big_group_id]}
    return await client.post(f"/v4/{GROUP_INFO}", params=admin_query(), json=body)


async def _calls(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/_emulator/calls")
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_scripted_error_fails_one_call_of_its_api_then_tencent_answers(served: Served) -> None:
    emulator, client = served
    await _script(client, {"kind": "error", "code": 10002, "times": 1, "endpoint": "get_group_info"})
    other = await client.post(f"/v4/{APPID_LIST}", params=admin_query(), json={"Limit": 1})
    assert other.json()["ErrorCode"] == 0, "a fault for get_group_info leaves other APIs alone"
    failed = (await _group_info(emulator, client)).json()
    assert (failed["ActionStatus"], failed["ErrorCode"]) == ("FAIL", 10002)
    ok = (await _group_info(emulator, client)).json()
    assert ok["ErrorCode"] == 0 and ok["GroupInfo"][0]["GroupId"] == emulator.data.showcase.big_group_id

    record = await _calls(client)
    assert [(c["endpoint"], c["code"], c["status"]) for c in record["calls"]] == [
        (APPID_LIST, 0, 200),
        (GROUP_INFO, 10002, 200),
        (GROUP_INFO, 0, 200),
    ]
    assert record["counts"] == {APPID_LIST: 1, GROUP_INFO: 2}
    stamps = [c["at"] for c in record["calls"]]
    assert stamps == sorted(stamps) and stamps[0] <= time.monotonic()


async def test_a_scripted_502_answers_html_twice(served: Served) -> None:
    emulator, client = served
    await _script(client, {"kind": "http_status", "status": 502, "times": 2})
    for _ in range(2):
        response = await _group_info(emulator, client)
        assert response.status_code == 502 and response.headers["content-type"].startswith("text/html")
    assert (await _group_info(emulator, client)).json()["ErrorCode"] == 0
    assert [(c["code"], c["status"]) for c in (await _calls(client))["calls"]] == [
        (None, 502),
        (None, 502),
        (0, 200),
    ]


async def test_a_scripted_delay_holds_the_answer(served: Served) -> None:
    emulator, client = served
    await _script(client, {"kind": "delay", "seconds": 0.6})
    started = time.monotonic()
    response = await _group_info(emulator, client)
    assert time.monotonic() - started >= 0.6
    assert response.json()["ErrorCode"] == 0


async def test_broken_bodies_and_missing_fields(served: Served) -> None:
    emulator, client = served
    await _script(client, {"kind": "bad_json"})
    await _script(client, {"kind": "missing_fields", "fields": ["ErrorCode"], "endpoint": GROUP_INFO})
    broken = await _group_info(emulator, client)
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    partial = (await _group_info(emulator, client)).json()
    assert "ErrorCode" not in partial and partial["ActionStatus"] == "OK"


async def test_delete_clears_faults_and_empties_the_record(served: Served) -> None:
    emulator, client = served
    await _script(client, {"kind": "error", "code": 70001, "times": None})
    for _ in range(2):
        assert (await _group_info(emulator, client)).json()["ErrorCode"] == 70001
    assert (await client.delete("/_emulator/faults")).json() == {"ok": True}
    assert (await _group_info(emulator, client)).json()["ErrorCode"] == 0
    assert len((await _calls(client))["calls"]) == 3
    assert (await client.delete("/_emulator/calls")).json() == {"ok": True}
    assert await _calls(client) == {"calls": [], "counts": {}}


async def test_control_requests_are_not_tencent_calls_and_hide_credentials(served: Served) -> None:
    emulator, client = served
    query = admin_query()
    await client.post(f"/v4/{GROUP_INFO}", params=query, json={"GroupIdList": ["@TGS#none"]})
    for _ in range(3):
        assert (await client.get("/_emulator/calls")).status_code == 200
    await client.get("/_emulator")
    await client.delete("/_emulator/faults")
    record = await client.get("/_emulator/calls")
    assert [c["endpoint"] for c in record.json()["calls"]] == [GROUP_INFO]
    assert set(record.json()["calls"][0]) == {"endpoint", "at", "code", "status"}
    assert query["usersig"] not in record.text and "usersig" not in record.text
    assert len(emulator.calls) == 1


async def test_only_the_most_recent_max_calls_are_kept_and_listed() -> None:
    emulator = fresh_emulator(max_calls=3)
    async with served_over_http(emulator) as client:
        for limit in range(1, 6):
            await client.post(f"/v4/{GROUP_INFO}", params=admin_query(), json={"GroupIdList": [str(limit)]})
        record = await _calls(client)
        described = (await client.get("/_emulator")).json()
    assert [c.body["GroupIdList"] for c in emulator.calls] == [["3"], ["4"], ["5"]]
    assert (emulator.call_count, len(emulator.calls), emulator.calls.maxlen) == (5, 3, 3)
    assert [c["at"] for c in record["calls"]] == [c.at for c in emulator.calls]
    assert record["counts"] == {GROUP_INFO: 3} and described["max_calls"] == 3


async def test_calls_since_a_count_survives_dropped_and_cleared_records() -> None:
    emulator = fresh_emulator(max_calls=3)
    async with httpx.AsyncClient(transport=emulator.transport(), base_url="http://tim") as client:

        async def send(*ids: str) -> None:
            for group_id in ids:
                await client.post(f"/v4/{GROUP_INFO}", params=admin_query(), json={"GroupIdList": [group_id]})

        def ids_since(count: int) -> list[str]:
            return [c.body["GroupIdList"][0] for c in emulator.calls_since(count)]

        await send("a", "b")
        mark = emulator.call_count
        await send("c", "d")
        assert (mark, ids_since(mark), ids_since(0)) == (2, ["c", "d"], ["b", "c", "d"])
        await send("e", "f", "g")
        assert ids_since(mark) == ["e", "f", "g"]  # c and d were dropped for newer ones
        assert ids_since(emulator.call_count) == []
        emulator.calls.clear()  # what DELETE /_emulator/calls does
        mark = emulator.call_count
        await send("h")
        assert (mark, ids_since(mark), ids_since(0)) == (7, ["h"], ["h"])


def test_max_calls_defaults_to_ten_thousand_and_must_be_positive() -> None:
    assert fresh_emulator().calls.maxlen == DEFAULT_MAX_CALLS == 10_000
    with pytest.raises(ValueError, match="max_calls"):
        fresh_emulator(max_calls=0)


async def test_the_description_names_the_app_and_routes_but_not_the_key(served: Served) -> None:
    emulator, client = served
    response = await client.get("/_emulator")
    answer = response.json()
    assert response.status_code == 200
    assert (answer["sdkappid"], answer["admin"], answer["seed"]) == (emulator.sdkappid, emulator.admin, 0)
    assert "POST /_emulator/faults" in answer["routes"] and "GET /_emulator/calls" in answer["routes"]
    assert DEMO_KEY not in response.text


@pytest.mark.parametrize(
    "body",
    [
        b'{"kind": "flood"}',
        b'{"code": 10002}',
        b'{"kind": "error"}',
        b'{"kind": "error", "code": "10002"}',
        b'{"kind": "error", "code": 10002, "times": 0}',
        b'{"kind": "error", "code": 10002, "times": 1.5}',
        b'{"kind": "delay", "seconds": -1}',
        b'{"kind": "delay", "seconds": "4"}',
        b'{"kind": "http_status", "status": 200}',
        b'{"kind": "missing_fields", "fields": "ErrorCode"}',
        b'{"kind": "bad_json", "time": 2}',
        b'[{"kind": "bad_json"}]',
        b"not json",
        b"",
    ],
)
async def test_a_bad_control_request_is_a_400_and_scripts_nothing(served: Served, body: bytes) -> None:
    emulator, client = served
    response = await client.post("/_emulator/faults", content=body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["ok"] is False and isinstance(answer["error"], str) and answer["error"]
    assert (await _group_info(emulator, client)).json()["ErrorCode"] == 0


async def test_unknown_routes_and_methods(served: Served) -> None:
    _, client = served
    missing = await client.get("/_emulator/nothing")
    assert missing.status_code == 404 and missing.json()["ok"] is False
    wrong = await client.get("/_emulator/faults")
    assert wrong.status_code == 405 and "POST" in wrong.json()["error"]
    assert (await client.put("/_emulator/calls")).status_code == 405
