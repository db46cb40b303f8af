"""The emulator's control API over HTTP: script faults and read the call record under ``/_emulator``."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

if TYPE_CHECKING:  # core imports this module, so only for types
    from timbot.emulator.core import Emulator

__all__ = ["CONTROL_PREFIX", "ROUTES", "Answer", "FaultRequest", "handle_control", "is_control"]

CONTROL_PREFIX = "/_emulator"
ROUTES = {
    f"POST {CONTROL_PREFIX}/faults": (
        'script a fault: {"kind": "delay"|"error"|"http_status"|"bad_json"|"missing_fields", ...}'
    ),
    f"DELETE {CONTROL_PREFIX}/faults": "remove every scripted fault",
    f"GET {CONTROL_PREFIX}/calls": (
        "the most recent Tencent calls received, at most max_calls (endpoint, at, code, status), and counts"
    ),
    f"DELETE {CONTROL_PREFIX}/calls": "empty the call record",
    f"GET {CONTROL_PREFIX}": "this description",
}
MAX_CONTROL_BODY = 64_000


class _Base(BaseModel):
    """What every fault takes: how many calls (``null``: every call) and which API (absent: all)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    times: Annotated[int, Field(ge=1)] | None = 1
    endpoint: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class _Delay(_Base):
    kind: Literal["delay"]
    seconds: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)]


class _Error(_Base):
    kind: Literal["error"]
    code: Annotated[int, Field(ge=1, le=2**31 - 1)]
    info: Annotated[str, Field(max_length=1000)] = ""


class _HttpStatus(_Base):
    kind: Literal["http_status"]
    # the JSON key stays "status", as documented: {"kind": "http_status", "status": 502}
    http_status: Annotated[int, Field(ge=400, le=599, alias="status")] = 502


class _BadJson(_Base):
    kind: Literal["bad_json"]


class _MissingFields(_Base):
    kind: Literal["missing_fields"]
    fields: Annotated[list[Annotated[str, Field(min_length=1)]], Field(max_length=50)] = []


FaultRequest = Annotated[
    _Delay | _Error | _HttpStatus | _BadJson | _MissingFields, Field(discriminator="kind")
]
_FAULT = TypeAdapter[FaultRequest](FaultRequest)


def is_control(path: str) -> bool:
    """Whether ``path`` is a control route (never a Tencent ``/v4/...`` one).

    Args:
        path: the URL path of a request.
    """
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


Answer = tuple[int, bytes]
"""A control answer: the HTTP status and a JSON body."""


def _json(http_status: int, answer: dict[str, Any]) -> Answer:
    return http_status, json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _fail(http_status: int, error: str) -> Answer:
    return _json(http_status, {"ok": False, "error": error})


def _explain(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False, include_input=False, include_context=False)[:5]:
        where = ".".join(str(part) for part in item["loc"])
        parts.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return "; ".join(parts)[:500]


def _add_fault(emulator: Emulator, body: bytes) -> Answer:
    if len(body) > MAX_CONTROL_BODY:
        return _fail(413, f"control body over {MAX_CONTROL_BODY} bytes")
    try:
        fault = _FAULT.validate_json(body or b"null")
    except ValidationError as error:
        return _fail(400, _explain(error))
    faults, times, endpoint = emulator.faults, fault.times, fault.endpoint
    if isinstance(fault, _Delay):
        faults.delay(fault.seconds, times=times, endpoint=endpoint)
    elif isinstance(fault, _Error):
        faults.error(fault.code, times=times, endpoint=endpoint, info=fault.info)
    elif isinstance(fault, _HttpStatus):
        faults.http_status(fault.http_status, times=times, endpoint=endpoint)
    elif isinstance(fault, _BadJson):
        faults.bad_json(times=times, endpoint=endpoint)
    else:
        faults.missing_fields(*fault.fields, times=times, endpoint=endpoint)
    return _json(200, {"ok": True})


def _calls(emulator: Emulator) -> Answer:
    # Only what a tester needs: never the query (it names the caller) nor the usersig.
    calls = [
        {"endpoint": c.endpoint, "at": c.at, "code": c.code, "status": c.http_status} for c in emulator.calls
    ]
    counts = Counter(c.endpoint for c in emulator.calls)
    return _json(200, {"calls": calls, "counts": dict(counts)})


def _describe(emulator: Emulator) -> Answer:
    return _json(
        200,
        {
            "emulator": "Tencent Cloud Chat emulator",
            "sdkappid": emulator.sdkappid,
            "admin": emulator.admin,
            "seed": emulator.data.seed,
            "max_calls": emulator.calls.maxlen,
            "routes": ROUTES,
        },
    )


def handle_control(emulator: Emulator, *, method: str, path: str, body: bytes) -> Answer:
    """Answer one control request; it is neither recorded as a Tencent call nor rate limited.

    Args:
        emulator: the emulator to control.
        method: the HTTP method.
        path: the URL path, under ``/_emulator``.
        body: the raw request body (a JSON object for ``POST /_emulator/faults``).
    """
    route = path.removeprefix(CONTROL_PREFIX).rstrip("/")
    allowed = {"": ("GET",), "/faults": ("POST", "DELETE"), "/calls": ("GET", "DELETE")}.get(route)
    if allowed is None:
        return _fail(404, f"unknown control route; see GET {CONTROL_PREFIX}")
    if method not in allowed:
        use = " or ".join(allowed)
        return _fail(405, f"{method[:10]} {CONTROL_PREFIX}{route} is not supported; use {use}")
    if route == "":
        return _describe(emulator)
    if route == "/faults" and method == "POST":
        return _add_fault(emulator, body)
    if route == "/faults":
        emulator.faults.clear()
        return _json(200, {"ok": True})
    if method == "GET":
        return _calls(emulator)
    emulator.calls.clear()
    return _json(200, {"ok": True})
