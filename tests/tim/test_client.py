"""TimClient over httpx.MockTransport: request format, every error kind, cache, walks, batching, logs."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import httpx
import pytest

from tests.tim.walks import iter_appid_groups, iter_av_members, iter_joined_groups
from timbot.errors import ConfigError, TimApiError, TimProtocolError, TimTransportError
from timbot.settings import load_settings
from timbot.tim import usersig
from timbot.tim.client import TimClient
from timbot.tim.retry import TENCENT_POLICY, RetryPolicy

from .conftest import ADMIN, APP, KEY, Recorder, fail, make_client, ok

LIST = "/v4/group_open_http_svc/get_appid_group_list"


class Sleeps:
    """An injected sleep that records the waits and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.waits.append(delay)


# -- request format ------------------------------------------------------------------------------------


async def test_request_is_a_signed_post_with_a_json_object_body() -> None:
    recorder = Recorder()
    async with make_client(recorder, cache_ttl=0) as client:
        await client.get_appid_group_list()
        await client.get_appid_group_list()
    first, second = recorder.requests
    assert first.method == "POST"
    assert first.url.scheme == "https" and first.url.host == "console.tim.qq.com"
    assert first.url.path == LIST
    assert set(first.url.params.keys()) == {"sdkappid", "identifier", "usersig", "random", "contenttype"}
    assert first.url.params["sdkappid"] == str(APP)
    assert first.url.params["identifier"] == ADMIN
    assert first.url.params["contenttype"] == "json"
    usersig.verify(first.url.params["usersig"], sdkappid=APP, key=KEY, identifier=ADMIN)
    assert 0 <= int(first.url.params["random"]) <= 4_294_967_295
    assert first.url.params["random"] != second.url.params["random"]
    assert first.url.params["usersig"] == second.url.params["usersig"]  # one admin sig, reused
    assert first.content == b"{}"  # never an empty body
    assert first.headers["content-type"] == "application/json"


async def test_every_request_field_of_the_five_apis() -> None:
    recorder = Recorder()
    async with make_client(recorder) as client:
        await client.get_appid_group_list(group_type="Public", limit=20, next=4454685361)
        await client.get_joined_group_list(
            member_account="leckie", limit=10, offset=20, group_type="Community", with_huge_groups=True,
            with_no_active_groups=True, support_topic=True, group_base_info_filter=["Type", "Name"],
            self_info_filter=["Role", "JoinTime"],
        )  # fmt: skip
        recorder.handler = lambda request, body: ok(GroupInfo=[{"GroupId": "@TGS#1"}])
        await client.get_group_info(
            ["@TGS#1"], group_base_info_filter=["Name"], member_info_filter=["Role"],
            app_defined_data_filter_group=["G1"], app_defined_data_filter_group_member=["M1"],
        )  # fmt: skip
        recorder.handler = None
        await client.get_members(group_id="@TGS#a6I4ZUUGO", timestamp=17, mark=1000)
        await client.get_friend_lists(from_account="id", need_friend=True, group_names=["group1"])
    paths = [r.url.path for r in recorder.requests]
    assert paths == [
        LIST,
        "/v4/group_open_http_svc/get_joined_group_list",
        "/v4/group_open_http_svc/get_group_info",
        "/v4/group_open_avchatroom_http_svc/get_members",
        "/v4/sns/group_get",
    ]
    assert recorder.bodies == [
        {"GroupType": "Public", "Limit": 20, "Next": 4454685361},
        {
            "Member_Account": "leckie", "Limit": 10, "Offset": 20, "GroupType": "Community",
            "WithHugeGroups": 1, "WithNoActiveGroups": 1, "SupportTopic": 1,
            "ResponseFilter": {
                "GroupBaseInfoFilter": ["Type", "Name"], "SelfInfoFilter": ["Role", "JoinTime"],
            },
        },
        {
            "GroupIdList": ["@TGS#1"],
            "ResponseFilter": {
                "GroupBaseInfoFilter": ["Name"], "MemberInfoFilter": ["Role"],
                "AppDefinedDataFilter_Group": ["G1"], "AppDefinedDataFilter_GroupMember": ["M1"],
            },
        },
        {"GroupId": "@TGS#a6I4ZUUGO", "Timestamp": 17, "Mark": 1000},
        {"From_Account": "id", "NeedFriend": "Need_Friend_Type_Yes", "GroupName": ["group1"]},
    ]  # fmt: skip


async def test_only_the_fields_the_caller_set_are_sent() -> None:
    recorder = Recorder(handler=lambda request, body: ok(GroupInfo=[{"GroupId": "g"}]))
    async with make_client(recorder) as client:
        await client.get_joined_group_list(member_account="u")
        await client.get_group_info(["g"])
        await client.get_members(group_id="g")
        await client.get_friend_lists(from_account="u")
        await client.get_appid_group_list(limit=5)
    assert recorder.bodies == [
        {"Member_Account": "u"},
        {"GroupIdList": ["g"]},
        {"GroupId": "g", "Timestamp": 0},
        {"From_Account": "u"},
        {"Limit": 5, "Next": 0},
    ]


async def test_responses_are_typed() -> None:
    recorder = Recorder()
    recorder.queue = [
        ok(TotalCount=2, GroupIdList=[{"GroupId": "@TGS#A"}, {"GroupId": "@TGS#B"}], Next=4454685361),
        ok(ResultItem=[{"GroupName": "g1", "FriendNumber": 2, "To_Account": ["a", "b"]}], CurrentSequence=2),
    ]
    async with make_client(recorder) as client:
        page = await client.get_appid_group_list()
        lists = await client.get_friend_lists(from_account="u", need_friend=True)
    assert page.group_ids == ["@TGS#A", "@TGS#B"] and page.total_count == 2 and page.next == 4454685361
    assert lists.items[0].to_account == ["a", "b"]


# -- errors --------------------------------------------------------------------------------------------


async def test_transient_code_then_ok_succeeds_after_one_retry() -> None:
    recorder = Recorder(queue=[fail(10002), ok(TotalCount=1, GroupIdList=[{"GroupId": "x"}])])
    sleeps = Sleeps()
    async with make_client(recorder, sleep=sleeps) as client:
        page = await client.get_appid_group_list()
    assert page.group_ids == ["x"]
    assert len(recorder.requests) == 2 and client.calls_made == 2
    assert len(sleeps.waits) == 1 and 0 < sleeps.waits[0] < 0.01  # jittered backoff from the tiny base


async def test_three_transient_failures_raise_the_code() -> None:
    recorder = Recorder(handler=lambda request, body: fail(30006))
    async with make_client(recorder) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_friend_lists(from_account="u")
    assert caught.value.code == 30006 and caught.value.kind == "transient"
    assert caught.value.endpoint == "sns/group_get"
    assert len(recorder.requests) == 3


async def test_backoff_grows_exponentially_with_jitter() -> None:
    sleeps = Sleeps()
    recorder = Recorder(handler=lambda request, body: fail(70500))
    async with make_client(recorder, sleep=sleeps, backoff=0.2) as client:
        with pytest.raises(TimApiError):
            await client.get_members(group_id="g")
    first, second = sleeps.waits
    assert 0.16 <= first <= 0.24 and 0.32 <= second <= 0.48


async def test_10008_is_retried_only_once() -> None:
    recorder = Recorder(handler=lambda request, body: fail(10008))
    async with make_client(recorder) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_members(group_id="g")
    assert caught.value.code == 10008 and len(recorder.requests) == 2


async def test_expired_sig_is_renewed_once_and_the_retry_carries_a_new_one() -> None:
    recorder = Recorder(queue=[fail(70001), ok(MemberList=[], NextTimestamp=0)])
    async with make_client(recorder) as client:
        await client.get_members(group_id="g")
    first, second = recorder.sigs()
    assert first != second
    usersig.verify(second, sdkappid=APP, key=KEY, identifier=ADMIN)


async def test_a_second_sig_error_is_raised() -> None:
    recorder = Recorder(handler=lambda request, body: fail(70052))
    async with make_client(recorder) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_members(group_id="g")
    assert caught.value.code == 70052 and caught.value.kind == "sig"
    assert len(recorder.requests) == 2


@pytest.mark.parametrize("code", [60004, 60005, 70001, 70052])
async def test_every_sig_code_is_re_signed_once_then_raised(code: int) -> None:
    recorder = Recorder(handler=lambda request, body: fail(code))
    async with make_client(recorder) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_members(group_id="g")
    assert caught.value.code == code and caught.value.kind == "sig"
    first, second = recorder.sigs()  # one retry only, and it carried a fresh UserSig
    assert first != second


async def test_a_transient_failure_after_10008_still_gets_its_retry() -> None:
    recorder = Recorder(queue=[fail(10008), fail(10002), ok(MemberList=[], NextTimestamp=0)])
    async with make_client(recorder) as client:
        await client.get_members(group_id="g")
    assert len(recorder.requests) == 3


async def test_the_policy_sets_the_tries_and_the_options_override_it() -> None:
    five = dataclasses.replace(TENCENT_POLICY, max_tries=5)
    always = Recorder(handler=lambda request, body: fail(10002))
    async with make_client(always, policy=five) as client:
        with pytest.raises(TimApiError):
            await client.get_members(group_id="g")
    assert len(always.requests) == 5
    once = Recorder(handler=lambda request, body: fail(10002))
    async with make_client(once, policy=five, max_tries=1) as client:
        with pytest.raises(TimApiError):
            await client.get_members(group_id="g")
    assert len(once.requests) == 1


async def test_a_policy_retrying_no_kind_raises_every_code_at_once() -> None:
    for code in (10002, 60007, 70001):
        recorder = Recorder(handler=lambda request, body, code=code: fail(code))
        policy = RetryPolicy(max_tries=3, statuses=TENCENT_POLICY.statuses)
        async with make_client(recorder, policy=policy) as client:
            with pytest.raises(TimApiError):
                await client.get_members(group_id="g")
        assert len(recorder.requests) == 1, code


async def test_retry_after_is_ignored_by_the_tencent_policy_and_honoured_when_a_policy_says() -> None:
    def busy() -> Recorder:
        return Recorder(
            queue=[httpx.Response(503, headers={"Retry-After": "7"}), ok(MemberList=[], NextTimestamp=0)]
        )

    sleeps = Sleeps()
    async with make_client(busy(), sleep=sleeps) as client:
        await client.get_members(group_id="g")
    assert len(sleeps.waits) == 1 and sleeps.waits[0] < 0.01  # the tiny backoff, not 7 s
    sleeps = Sleeps()
    policy = dataclasses.replace(TENCENT_POLICY, retry_after=True, retry_after_cap=2.0)
    async with make_client(busy(), sleep=sleeps, policy=policy) as client:
        await client.get_members(group_id="g")
    assert sleeps.waits == [2.0]  # 7 s asked, cut to the cap


async def test_fatal_code_fails_at_once_with_its_explanation() -> None:
    recorder = Recorder(handler=lambda request, body: fail(10004, "GroupType is invalid"))
    async with make_client(recorder) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_appid_group_list(group_type="Nope")
    error = caught.value
    assert len(recorder.requests) == 1
    assert error.code == 10004 and error.kind == "fatal" and error.info == "GroupType is invalid"
    assert error.endpoint == "group_open_http_svc/get_appid_group_list"
    assert str(error) == f"10004: {error.explanation}" and "parameter" in error.explanation


async def test_wrong_region_codes_say_where_requests_go() -> None:
    recorder = Recorder(handler=lambda request, body: fail(70020))
    async with make_client(recorder) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_members(group_id="g")
    assert "TIM_REGION" in caught.value.explanation and "console.tim.qq.com" in caught.value.explanation


async def test_http_502_is_retried() -> None:
    recorder = Recorder(queue=[httpx.Response(502, text="Bad Gateway"), ok(MemberList=[], NextTimestamp=0)])
    async with make_client(recorder) as client:
        page = await client.get_members(group_id="g")
    assert page.next_timestamp == 0 and len(recorder.requests) == 2


async def test_http_502_three_times_is_a_transport_error() -> None:
    recorder = Recorder(handler=lambda request, body: httpx.Response(503))
    async with make_client(recorder) as client:
        with pytest.raises(TimTransportError) as caught:
            await client.get_members(group_id="g")
    assert caught.value.detail == "HTTP 503" and len(recorder.requests) == 3


async def test_http_404_is_not_retried() -> None:
    recorder = Recorder(handler=lambda request, body: httpx.Response(404))
    async with make_client(recorder) as client:
        with pytest.raises(TimTransportError):
            await client.get_members(group_id="g")
    assert len(recorder.requests) == 1


async def test_timeouts_are_retried_then_a_transport_error() -> None:
    recorder = Recorder(handler=lambda request, body: httpx.ReadTimeout("timed out", request=request))
    async with make_client(recorder) as client:
        with pytest.raises(TimTransportError) as caught:
            await client.get_members(group_id="g")
    assert len(recorder.requests) == 3 and "timed out" in caught.value.detail


async def test_connection_error_then_ok_succeeds() -> None:
    recorder = Recorder(queue=[httpx.ConnectError("refused"), ok(MemberList=[], NextTimestamp=0)])
    async with make_client(recorder) as client:
        await client.get_members(group_id="g")
    assert len(recorder.requests) == 2


async def test_connection_errors_end_in_a_transport_error() -> None:
    recorder = Recorder(handler=lambda request, body: httpx.ConnectError("refused"))
    async with make_client(recorder) as client:
        with pytest.raises(TimTransportError) as caught:
            await client.get_friend_lists(from_account="u")
    assert "connection failed" in caught.value.detail and len(recorder.requests) == 3


async def test_rate_limit_waits_at_least_a_second_and_retries() -> None:
    sleeps = Sleeps()
    recorder = Recorder(queue=[fail(60007), ok(GroupIdList=[], TotalCount=0, Next=0)])
    async with make_client(recorder, sleep=sleeps) as client:
        await client.get_appid_group_list()
    assert len(recorder.requests) == 2
    assert len(sleeps.waits) == 1 and sleeps.waits[0] >= 1.0


async def test_rate_limit_waits_are_bounded_in_total() -> None:
    sleeps = Sleeps()
    recorder = Recorder(handler=lambda request, body: fail(60011))
    async with make_client(recorder, sleep=sleeps) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_members(group_id="g")
    assert caught.value.kind == "rate_limit"
    assert 2 <= len(sleeps.waits) and sum(sleeps.waits) <= 10.0
    assert all(w >= 1.0 for w in sleeps.waits)


async def test_70050_raises_rather_than_block_a_minute() -> None:
    sleeps = Sleeps()
    recorder = Recorder(handler=lambda request, body: fail(70050))
    async with make_client(recorder, sleep=sleeps) as client:
        with pytest.raises(TimApiError) as caught:
            await client.get_members(group_id="g")
    assert sleeps.waits == [] and len(recorder.requests) == 1
    assert "minute" in caught.value.explanation


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>Bad Gateway</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
        httpx.Response(200, json={"GroupIdList": []}),
        httpx.Response(200, json={"ActionStatus": "FAIL", "ErrorCode": 0}),
        httpx.Response(200, json={"ActionStatus": "OK", "ErrorCode": 0, "GroupIdList": "nope"}),
    ],
)
async def test_unreadable_bodies_are_protocol_errors(response: httpx.Response) -> None:
    recorder = Recorder(handler=lambda request, body: response)
    async with make_client(recorder) as client:
        with pytest.raises(TimProtocolError):
            await client.get_appid_group_list()
    assert len(recorder.requests) == 1


# -- cache ---------------------------------------------------------------------------------------------


async def test_identical_calls_are_served_from_the_cache() -> None:
    recorder = Recorder(handler=lambda request, body: ok(MemberList=[], NextTimestamp=0))
    async with make_client(recorder) as client:
        await client.get_members(group_id="g")
        await client.get_members(group_id="g")
        await client.get_members(group_id="h")
    assert client.calls_made == 2


async def test_ten_concurrent_identical_calls_make_one_request() -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return httpx.Response(200, json=ok(TotalCount=1, GroupIdList=[{"GroupId": "x"}], Next=0))

    async with TimClient(sdkappid=APP, secret_key=KEY, base_url="https://example.test",
                         transport=httpx.MockTransport(slow)) as client:  # fmt: skip
        pages = await asyncio.gather(*(client.get_appid_group_list() for _ in range(10)))
        assert client.calls_made == 1
    assert all(p.group_ids == ["x"] for p in pages)


async def test_errors_are_not_cached_and_ttl_zero_disables_the_cache() -> None:
    recorder = Recorder(handler=lambda request, body: fail(10010))
    async with make_client(recorder) as client:
        for _ in range(2):
            with pytest.raises(TimApiError):
                await client.get_members(group_id="g")
    assert len(recorder.requests) == 2
    recorder = Recorder()
    async with make_client(recorder, cache_ttl=0) as client:
        await client.get_friend_lists(from_account="u")
        await client.get_friend_lists(from_account="u")
    assert len(recorder.requests) == 2


# -- walks ---------------------------------------------------------------------------------------------


async def test_walk_all_group_ids_by_next_cursor() -> None:
    ids = [f"@TGS#{i:04d}" for i in range(25)]
    base = 2**33  # cursors beyond 32 bits, as Tencent's example

    def handler(request: httpx.Request, body: dict[str, Any]) -> dict[str, Any]:
        start = 0 if body.get("Next", 0) == 0 else body["Next"] - base
        chunk = ids[start : start + body["Limit"]]
        end = start + len(chunk)
        return ok(TotalCount=len(ids), GroupIdList=[{"GroupId": g} for g in chunk],
                  Next=base + end if end < len(ids) else 0)  # fmt: skip

    recorder = Recorder(handler=handler)
    async with make_client(recorder) as client:
        seen = [g async for g in iter_appid_groups(client, limit=10)]
    assert seen == ids
    assert [b.get("Next") for b in recorder.bodies] == [0, base + 10, base + 20]


async def test_walk_joined_groups_by_offset_until_total_count() -> None:
    groups = [{"GroupId": f"g{i}", "Type": "Public", "SelfInfo": {"Role": "Member"}} for i in range(23)]

    def handler(request: httpx.Request, body: dict[str, Any]) -> dict[str, Any]:
        start = body["Offset"]
        return ok(TotalCount=len(groups), GroupIdList=groups[start : start + body["Limit"]])

    recorder = Recorder(handler=handler)
    async with make_client(recorder) as client:
        seen = [g.group_id async for g in iter_joined_groups(client, member_account="u", limit=10,
                                                                    with_huge_groups=True)]  # fmt: skip
    assert seen == [g["GroupId"] for g in groups]
    assert [b["Offset"] for b in recorder.bodies] == [0, 10, 20]
    assert all(b["WithHugeGroups"] == 1 for b in recorder.bodies)


async def test_walk_av_members_by_timestamp_until_zero() -> None:
    pages = {0: (["a", "b"], 1001), 1001: (["c", "d"], 1002), 1002: (["e"], 0)}

    def handler(request: httpx.Request, body: dict[str, Any]) -> dict[str, Any]:
        names, following = pages[body["Timestamp"]]
        return ok(MemberList=[{"Member_Account": n} for n in names], NextTimestamp=following)

    recorder = Recorder(handler=handler)
    async with make_client(recorder) as client:
        seen = [m.member_account async for m in iter_av_members(client, group_id="@TGS#av", mark=1000)]
    assert seen == ["a", "b", "c", "d", "e"]
    assert [b["Timestamp"] for b in recorder.bodies] == [0, 1001, 1002]
    assert all(b["Mark"] == 1000 for b in recorder.bodies)


async def test_a_cursor_that_does_not_move_is_a_protocol_error() -> None:
    recorder = Recorder(
        handler=lambda request, body: ok(GroupIdList=[{"GroupId": "x"}], TotalCount=9, Next=7)
    )
    async with make_client(recorder) as client:
        with pytest.raises(TimProtocolError):
            _ = [g async for g in iter_appid_groups(client, limit=1)]


# -- get_group_info batching ---------------------------------------------------------------------------


def group_info_handler(too_big: int = 50, huge: str = "") -> Any:
    def handler(request: httpx.Request, body: dict[str, Any]) -> dict[str, Any] | httpx.Response:
        asked = body["GroupIdList"]
        if len(asked) > too_big or huge in asked:
            return fail(10018)
        infos = [
            {"GroupId": g, "ErrorCode": 10010, "ErrorInfo": "gone"} if g.endswith("7")
            else {"GroupId": g, "ErrorCode": 0, "Name": f"name of {g}"}
            for g in reversed(asked)  # Tencent's order is not ours to rely on
        ]  # fmt: skip
        return ok(GroupInfo=infos)

    return handler


async def test_120_ids_are_asked_50_at_a_time_and_returned_in_order() -> None:
    ids = [f"@TGS#{i:03d}" for i in range(120)]
    recorder = Recorder(handler=group_info_handler())
    async with make_client(recorder) as client:
        infos = await client.get_group_info(ids)
    assert sorted(len(b["GroupIdList"]) for b in recorder.bodies) == [20, 50, 50]
    assert [i.group_id for i in infos] == ids
    gone = [i for i in infos if i.error_code]
    assert [i.group_id for i in gone] == [g for g in ids if g.endswith("7")]
    assert all(i.error_code == 10010 and i.error_info == "gone" for i in gone)
    assert infos[0].name == "name of @TGS#000"


async def test_top_level_code_is_ignored_when_groups_are_present() -> None:
    answer = {"ActionStatus": "FAIL", "ErrorCode": 10010, "ErrorInfo": "",
              "GroupInfo": [{"GroupId": "a", "ErrorCode": 10010}, {"GroupId": "b", "Name": "B"}]}  # fmt: skip
    recorder = Recorder(handler=lambda request, body: answer)
    async with make_client(recorder) as client:
        infos = await client.get_group_info(["a", "b"])
    assert [(i.group_id, i.error_code) for i in infos] == [("a", 10010), ("b", 0)]


async def test_10018_halves_the_batch() -> None:
    ids = [f"g{i:02d}" for i in range(50)]
    recorder = Recorder(handler=group_info_handler(too_big=12))
    async with make_client(recorder) as client:
        infos = await client.get_group_info(ids, member_info_filter=["Role"])
    assert [i.group_id for i in infos] == ids
    sizes = [len(b["GroupIdList"]) for b in recorder.bodies]
    assert sizes[:3] == [50, 25, 12]
    assert all(b["ResponseFilter"] == {"MemberInfoFilter": ["Role"]} for b in recorder.bodies)


async def test_a_single_group_still_too_big_gets_its_own_10018() -> None:
    ids = ["g01", "g02", "HUGE", "g04"]
    recorder = Recorder(handler=group_info_handler(huge="HUGE"))
    async with make_client(recorder) as client:
        infos = await client.get_group_info(ids)
    assert [i.group_id for i in infos] == ids
    assert [i.error_code for i in infos] == [0, 0, 10018, 0]
    assert min(len(b["GroupIdList"]) for b in recorder.bodies) == 1


async def test_no_ids_make_no_call() -> None:
    recorder = Recorder()
    async with make_client(recorder) as client:
        assert await client.get_group_info([]) == []
    assert recorder.requests == []


# -- settings and secrets ------------------------------------------------------------------------------


async def test_from_settings_uses_region_admin_and_requires_the_key() -> None:
    settings = load_settings(tim_sdkappid=APP, tim_secret_key=KEY, tim_region="singapore", tim_admin="ops")
    recorder = Recorder()
    async with TimClient.from_settings(settings, transport=recorder.transport()) as client:
        await client.get_friend_lists(from_account="u")
    request = recorder.requests[0]
    assert request.url.host == "adminapisgp.im.qcloud.com" and request.url.params["identifier"] == "ops"
    assert "adminapisgp.im.qcloud.com" in client.region_hint
    with pytest.raises(ConfigError) as caught:
        TimClient.from_settings(load_settings(tim_sdkappid=APP, tim_secret_key=""))
    assert caught.value.variable == "TIM_SECRET_KEY"


async def test_no_secret_in_any_log_line_or_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "timbot"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    recorder = Recorder(queue=[
        ok(MemberList=[], NextTimestamp=0),  # success
        fail(10002), ok(MemberList=[], NextTimestamp=0),  # retried
        fail(70001), ok(MemberList=[], NextTimestamp=0),  # re-signed
        fail(10004, f"bad request with usersig {KEY}"),  # failed, Tencent echoing a secret
        httpx.Response(502), httpx.ConnectError("refused"), httpx.ReadTimeout("slow"),  # transport failure
    ])  # fmt: skip
    errors: list[Exception] = []
    async with make_client(recorder) as client:
        for group in ("a", "b", "c", "d", "e"):
            try:
                await client.get_members(group_id=group)
            except Exception as exc:  # collected to inspect their messages
                errors.append(exc)
        recorder.handler = lambda request, body: fail(10007, f"sig {request.url.params['usersig']} refused")
        try:
            await client.get_members(group_id="f")  # Tencent echoes the sig in ErrorInfo
        except Exception as exc:
            errors.append(exc)
    assert [type(e).__name__ for e in errors] == ["TimApiError", "TimTransportError", "TimApiError"]
    secrets = [KEY, *set(recorder.sigs())]
    assert len(secrets) == 3  # the key and two admin sigs (one renewal)
    texts = [caplog.text, *(str(e) for e in errors), *(repr(e) for e in errors)]
    texts += [str(getattr(e, "info", "")) for e in errors]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    assert "HTTP Request: POST" in caplog.text and "usersig=***" in caplog.text  # httpx lines, redacted
    assert "retry" in caplog.text  # the retries were logged
