"""timbot's one exception tree: lower layers raise these, one handler turns them into words.

The tree::

    TimbotError                      anything timbot raises on purpose
    ├── ConfigError                  a setting is missing or malformed (names the variable)
    ├── UsageError                   the command text does not parse (carries the command's usage)
    ├── ExpiredError                 a button value does not parse: "run the command again"
    ├── AccessDenied                 the caller may not use timbot here (guest, other team, allow-list,
    │                                or the check itself could not be made: we fail closed)
    ├── TimError                     Tencent Cloud Chat did not give us the data
    │   ├── TimTransportError        no usable HTTP answer: connection refused, timeout, HTTP 5xx
    │   ├── TimProtocolError         an HTTP 200 whose body is not the JSON Tencent documents
    │   └── TimApiError              Tencent answered ErrorCode != 0 (``code``, ``info``, ``explanation``)
    └── EmulatorError                the built-in emulator refuses a request it was sent
        └── ApiError                 (:mod:`timbot.emulator.fields`) the ``code`` and ``info`` it answers;
                                     caught at the emulator's edge and sent as a FAIL envelope, so it
                                     never reaches a caller of the emulator

``TimApiError`` carries the Tencent error code a client received; its ``kind`` says how the client
treated it (see :mod:`timbot.tim.codes`). The emulator's ``ApiError`` carries the code it plays
Tencent answering with. No exception here ever carries a secret: messages are built from codes, names
and user-visible text only.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "ConfigError",
    "EmulatorError",
    "ExpiredError",
    "TimApiError",
    "TimError",
    "TimProtocolError",
    "TimTransportError",
    "TimbotError",
    "UsageError",
]


class TimbotError(Exception):
    """Base class of every error timbot raises on purpose."""


class ConfigError(TimbotError):
    """A setting is missing or malformed.

    Args:
        variable: the environment variable at fault, e.g. ``TIM_SDKAPPID``.
        problem: what is wrong with it, in a few words.
    """

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


class UsageError(TimbotError):
    """The command text does not parse.

    Args:
        problem: what was wrong, for the user ("unknown flag --foo").
        usage: the command's usage text, shown below the problem.
    """

    def __init__(self, problem: str, *, usage: str) -> None:
        self.problem = problem
        self.usage = usage
        super().__init__(problem)


class ExpiredError(TimbotError):
    """A button value does not parse (tampered, truncated, from an older version)."""

    def __init__(self, reason: str = "the button value does not parse") -> None:
        self.reason = reason
        super().__init__(reason)


class AccessDenied(TimbotError):
    """The caller may not use timbot here.

    Args:
        reason: a polite sentence for the user, e.g. "guest accounts cannot use timbot".
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class TimError(TimbotError):
    """Tencent Cloud Chat did not give us the data."""


class TimTransportError(TimError):
    """No usable HTTP answer from Tencent (connection error, timeout, HTTP status other than 200).

    Args:
        detail: what happened, e.g. "timed out after 5.0 s" or "HTTP 502".
        endpoint: the API path, e.g. ``group_open_http_svc/get_appid_group_list``.
    """

    def __init__(self, detail: str, *, endpoint: str = "") -> None:
        self.detail = detail
        self.endpoint = endpoint
        super().__init__(f"Tencent Cloud Chat could not be reached: {detail}")


class TimProtocolError(TimError):
    """Tencent answered HTTP 200 with a body that is not the documented JSON."""

    def __init__(self, detail: str, *, endpoint: str = "") -> None:
        self.detail = detail
        self.endpoint = endpoint
        super().__init__(f"Tencent Cloud Chat sent an answer timbot cannot read: {detail}")


class TimApiError(TimError):
    """Tencent answered with ``ErrorCode != 0``.

    Args:
        code: Tencent's ``ErrorCode``.
        info: Tencent's own ``ErrorInfo`` text (may be empty).
        explanation: our one-line explanation of the code for a Slack user.
        kind: how the client treats the code: ``transient``, ``rate_limit``, ``sig`` or ``fatal``.
        endpoint: the API path that answered.
    """

    def __init__(
        self, code: int, *, info: str = "", explanation: str, kind: str = "fatal", endpoint: str = ""
    ) -> None:
        self.code = code
        self.info = info
        self.explanation = explanation
        self.kind = kind
        self.endpoint = endpoint
        super().__init__(f"{code}: {explanation}")


class EmulatorError(TimbotError):
    """The built-in emulator (:mod:`timbot.emulator`) refuses a request it was sent.

    Its one subclass, ``timbot.emulator.fields.ApiError``, is caught where the emulator answers and
    becomes the ``{"ActionStatus": "FAIL", "ErrorCode": ...}`` envelope Tencent would send.
    """
