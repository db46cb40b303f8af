"""Outsider stand-ins: a small independent fake Tencent (as Tencent's API pages show it) and a fake Slack.

Written from Tencent's API pages alone, not from timbot's emulator or the other test fakes.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

SDKAPPID = 1400123456
KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
ADMIN = "ops_admin"
TEAM = "T0OUTSIDE"
BOT_TOKEN = "xoxb-outsider-0000-secret-token"
SIGNING_SECRET = "outsider-signing-secret-8f3e2a1b"

HOSTILE = [
    "<!channel>",
    "<@U123>",
    "<https://evil.example|click me>",
    "Tom & Jerry",
    "<!subteam^S1>",
    "a*b_c~d`e",
]

# The exact sample responses of Tencent's API pages.
SEED_APPID_GROUPS = {
    "ActionStatus": "OK",
    "ErrorInfo": "",
    "ErrorCode": 0,
    "TotalCount": 2,
    "GroupIdList": [{"GroupId": "@TGS#2J4SZEAEL"}, {"GroupId": "@TGS#2C5SZEAEF"}],
    "Next": 4454685361,
}
SEED_FRIENDS = {
    "ResultItem": [
        {"GroupName": "group1", "FriendNumber": 1},
        {"GroupName": "group2", "FriendNumber": 2},
        {"GroupName": "group3", "FriendNumber": 3},
    ],
    "CurrentSequence": 2,
    "ActionStatus": "OK",
    "ErrorCode": 0,
    "ErrorInfo": "",
    "ErrorDisplay": "",
}
SEED_MEMBERS = {
    "ActionStatus": "OK",
    "ErrorCode": 0,
    "ErrorInfo": "",
    "MemberList": [
        {
            "JoinTime": 1657773110,
            "Member_Account": "teacher2",
            "NickName": "Teacher t02",
            "Avatar": "http://www.example.com/teacher2.jpg",
        }
    ],
    "NextTimestamp": 0,
}

BIG = 4454685361
N_GROUPS = 47
ALL_GROUPS = [f"@TGS#ACC{i:04d}" for i in range(N_GROUPS)]
N_ROOM = 73
N_MEMBERS = 55  # members of the big group


def _verify_sig(sig: str, identifier: str) -> bool:
    """Decode a UserSig v2 by hand (base64url-ish, zlib, JSON) and check its HMAC, as Tencent would."""
    import hashlib
    import hmac

    try:
        raw = sig.replace("*", "+").replace("-", "/").replace("_", "=")
        doc = json.loads(zlib.decompress(base64.b64decode(raw)))
        content = (
            f"TLS.identifier:{doc['TLS.identifier']}\nTLS.sdkappid:{doc['TLS.sdkappid']}\n"
            f"TLS.time:{doc['TLS.time']}\nTLS.expire:{doc['TLS.expire']}\n"
        )
        want = base64.b64encode(hmac.new(KEY.encode(), content.encode(), hashlib.sha256).digest()).decode()
        ok_time = int(doc["TLS.time"]) + int(doc["TLS.expire"]) > time.time()
        return (
            want == doc["TLS.sig"]
            and str(doc["TLS.identifier"]) == identifier
            and int(doc["TLS.sdkappid"]) == SDKAPPID
            and ok_time
        )
    except Exception:
        return False


@dataclass
class Call:
    method: str
    endpoint: str
    query: dict[str, str]
    content_type: str
    raw: bytes
    body: Any


def _fail(code: int, info: str) -> dict[str, Any]:
    return {"ActionStatus": "FAIL", "ErrorCode": code, "ErrorInfo": info}


def _group(gid: str, i: int) -> dict[str, Any]:
    """A group as get_group_info answers: old spellings, unknown fields, some optional fields missing."""
    g: dict[str, Any] = {
        "GroupId": gid,
        "ErrorCode": 0,
        "ErrorInfo": "",
        "Type": ["Public", "Private", "ChatRoom"][i % 3],
        "Name": HOSTILE[i % len(HOSTILE)],
        "Appid": SDKAPPID,
        "Owner_Account": f"owner<{i}>&",
        "CreateTime": 1426976500 + i,
        "MemberNum": 2,
        "MaxMemberNum": 50,
        "SomethingNew": {"x": [1, 2]},
    }
    if i % 2:
        g["ShutUpAllMember"] = "On"  # old spelling
        g["Introduction"] = "<!here> intro & more"
        g["Notification"] = "<@U999> please"
        g["AppDefinedData"] = [{"Key": "GroupTestData2", "Value": "abc\u0000\u0001<!everyone>"}]
    else:
        g["MuteAllMember"] = "Off"
    return g


class FakeTencent:
    """State + scripted faults of the fake Tencent."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.faults: list[
            dict[str, Any]
        ] = []  # consumed in order: {"status": 502} / {"code": 10002} / {"delay": s}
        self.delay = 0.0
        self.seed_mode = False
        self.bad_sig = 0

    def reset(self) -> None:
        self.calls.clear()
        self.faults.clear()
        self.delay = 0.0
        self.seed_mode = False
        self.bad_sig = 0

    async def handle(self, request: Request) -> Response:
        endpoint = request.path_params["endpoint"]
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        q = dict(request.query_params)
        self.calls.append(
            Call(request.method, endpoint, q, request.headers.get("content-type", ""), raw, body)
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.faults:
            fault = self.faults.pop(0)
            if "delay" in fault:
                await asyncio.sleep(fault["delay"])
            if "status" in fault:
                return PlainTextResponse("<html>502 Bad Gateway</html>", status_code=fault["status"])
            if "code" in fault:
                return JSONResponse(_fail(fault["code"], fault.get("info", "scripted")))
        if request.method != "POST" or not isinstance(body, dict):
            return JSONResponse(_fail(10004, "body must be a JSON object"))
        if (
            q.get("contenttype") != "json"
            or q.get("sdkappid") != str(SDKAPPID)
            or q.get("identifier") != ADMIN
        ):
            return JSONResponse(_fail(70016 if q.get("sdkappid") != str(SDKAPPID) else 10004, "bad query"))
        rnd = q.get("random", "")
        if not rnd.isdigit() or not 0 <= int(rnd) <= 4294967295:
            return JSONResponse(_fail(10004, "bad random"))
        if not _verify_sig(q.get("usersig", ""), ADMIN):
            self.bad_sig += 1
            return JSONResponse(_fail(70003, "usersig invalid"))
        return JSONResponse(getattr(self, "ep_" + endpoint.replace("/", "__"))(body))

    # v4/group_open_http_svc/get_appid_group_list
    def ep_group_open_http_svc__get_appid_group_list(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.seed_mode:
            nxt = body.get("Next", 0)
            if nxt == 0:
                return SEED_APPID_GROUPS
            assert nxt == BIG, nxt
            return {"ActionStatus": "OK", "ErrorCode": 0, "TotalCount": 2, "GroupIdList": [], "Next": 0}
        limit = body.get("Limit", 10000)
        nxt = body.get("Next", 0)
        start = 0 if nxt == 0 else nxt - BIG
        ids = ALL_GROUPS if "GroupType" not in body else ALL_GROUPS[: N_GROUPS // 2]
        chunk = ids[start : start + limit]
        end = start + len(chunk)
        return {
            "ActionStatus": "OK",
            "ErrorInfo": "",
            "ErrorCode": 0,
            "TotalCount": len(ids),
            "GroupIdList": [{"GroupId": g} for g in chunk],
            "Next": BIG + end if end < len(ids) else 0,
        }

    def ep_group_open_http_svc__get_group_info(self, body: dict[str, Any]) -> dict[str, Any]:
        out = []
        for gid in body.get("GroupIdList", []):
            if gid in ALL_GROUPS:
                i = ALL_GROUPS.index(gid)
                g = _group(gid, i)
                if i == 0:
                    g["MemberNum"] = N_MEMBERS
                    g["MemberList"] = [
                        {
                            "Member_Account": f"m{j:03d}<x>",
                            "Role": "Owner" if j == 0 else "Member",
                            "JoinTime": 1425976500 + j,
                            "ShutUpUntil": 1431069882 if j % 5 == 0 else 0,
                            "MsgFlag": "AcceptAndNotify",
                            "Unknown": 1,
                        }
                        for j in range(N_MEMBERS)
                    ]
                out.append(g)
            else:
                out.append({"GroupId": gid, "ErrorCode": 10010, "ErrorInfo": "group not found"})
        return {"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "GroupInfo": out}

    def ep_group_open_http_svc__get_joined_group_list(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("Member_Account") == "ghost":
            return _fail(30003, "account not found")
        total = 41
        off = body.get("Offset", 0)
        lim = body.get("Limit", total)
        items = []
        for k in range(off, min(total, off + lim)):
            item: dict[str, Any] = {
                "GroupId": ALL_GROUPS[k],
                "Type": "Public",
                "Name": HOSTILE[k % len(HOSTILE)],
                "SelfInfo": {"JoinTime": 1588148506 + k, "Role": "Member", "MsgFlag": "x"},
                "Extra": True,
            }
            if k % 3 == 0:
                item.pop("Name")  # optional field missing
                item["MemberNum"] = 7
            items.append(item)
        return {
            "ActionStatus": "OK",
            "ErrorInfo": "",
            "ErrorCode": 0,
            "TotalCount": total,
            "GroupIdList": items,
        }

    def ep_group_open_avchatroom_http_svc__get_members(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("GroupId") == "@TGS#aSEED":
            return SEED_MEMBERS
        if body.get("GroupId") not in ("@TGS#aROOM",):
            return _fail(10010, "group not found")
        ts = body.get("Timestamp", 0)
        start = 0 if ts == 0 else ts - BIG
        chunk = list(range(start, min(N_ROOM, start + 30)))
        end = start + len(chunk)
        members = [
            {
                "Member_Account": f"viewer{j:03d}",
                "NickName": f"<@U{j}> & co",
                "JoinTime": 1657773110 + j,
                "Avatar": "http://x",
            }
            for j in chunk
        ]
        return {
            "ActionStatus": "OK",
            "ErrorCode": 0,
            "ErrorInfo": "",
            "MemberList": members,
            "NextTimestamp": BIG + end if end < N_ROOM else 0,
        }

    def ep_sns__group_get(self, body: dict[str, Any]) -> dict[str, Any]:
        names = body.get("GroupName")
        if not names:
            return SEED_FRIENDS
        items = []
        for n in names:
            count = 45 if n == "big" else 3
            items.append(
                {"GroupName": n, "FriendNumber": count, "To_Account": [f"f{k}<&>" for k in range(count)]}
            )
        return {
            "ResultItem": items,
            "CurrentSequence": 2,
            "ActionStatus": "OK",
            "ErrorCode": 0,
            "ErrorInfo": "",
        }


@dataclass
class FakeSlack:
    """users.info, auth.test and response_url receivers."""

    posts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    api_calls: list[str] = field(default_factory=list)

    async def api(self, request: Request) -> Response:
        method = request.path_params["method"]
        self.api_calls.append(method)
        if request.headers.get("authorization") != f"Bearer {BOT_TOKEN}":
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            return JSONResponse(
                {
                    "ok": True,
                    "url": "https://outsider.slack.com/",
                    "team": "Outsider",
                    "user": "timbot",
                    "team_id": TEAM,
                    "user_id": "UBOT",
                    "bot_id": "BBOT",
                },
                # as Slack does: the token's scopes
                headers={"x-oauth-scopes": "commands,users:read,chat:write,im:write,files:write"},
            )
        if method == "users.info":
            raw = (await request.body()).decode()
            uid = (urllib.parse.parse_qs(raw).get("user") or [""])[0] or request.query_params.get("user", "")
            user = {
                "id": uid,
                "team_id": TEAM,
                "deleted": False,
                "is_bot": False,
                "is_restricted": uid.startswith("UGUEST"),
                "is_ultra_restricted": uid.startswith("USCG"),
            }
            return JSONResponse({"ok": True, "user": user})
        return JSONResponse({"ok": False, "error": "unknown_method"})

    async def hook(self, request: Request) -> Response:
        self.posts.setdefault(request.path_params["key"], []).append(json.loads(await request.body()))
        return PlainTextResponse("ok")


class StandIns:
    """Both stand-ins on one loopback uvicorn server in a thread."""

    def __init__(self) -> None:
        self.tim = FakeTencent()
        self.slack = FakeSlack()
        app = Starlette(
            routes=[
                Route("/v4/{endpoint:path}", self.tim.handle, methods=["GET", "POST", "PUT"]),
                Route("/api/{method}", self.slack.api, methods=["POST", "GET"]),
                Route("/hooks/{key}", self.slack.hook, methods=["POST"]),
            ]
        )
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("stand-ins did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
