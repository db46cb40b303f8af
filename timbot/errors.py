"""timbot's one exception tree: lower layers raise these; each class decides its words, outcome and exit code.

The tree (audit outcome, exit status of ``timbot run``)::

    TimbotError               raised on purpose; with no words of its own it is handled as
    │                         unexpected: logged with a ref, "something went wrong (ref X)"   error:REF, 1
    ├── ConfigError           a setting is missing or malformed (names the variable)          config, 2
    ├── UsageError            the command text does not parse (carries the usage)             usage, 2
    ├── ExpiredError          a button value does not parse: "run the command again"          expired, 2
    ├── AccessDenied          the caller may not use timbot here (guest, other team,          refused, 1
    │                         allow-list, or the check itself failed: we fail closed)
    ├── UserSigError          a UserSig does not decode or verify (``timbot.tim.usersig``)    usersig, 1
    ├── SharedUnavailable     Redis did not answer in time: the shared state falls back to     (never shown)
    │                         the process (``timbot.shared``) and the caller goes on
    ├── EmulatorError         the built-in emulator refuses a request with a Tencent code
    │   └── ApiError          (``timbot.emulator.fields``) raised and caught inside the emulator,
    │                         which answers it as a FAIL envelope, as Tencent would
    ├── ExportError           a CSV export cannot start or be delivered                       export, 1
    │   ├── ExportTooLarge    more rows than an export writes (says the size, how to narrow)  export:size, 1
    │   ├── ExportBusy        the user already has an export running                          export:busy, 1
    │   └── DeliveryError     Slack refused the DM, the progress message or the file          export:slack, 1
    │                         (these four live in ``timbot.exports.errors``, beside the exports)
    └── TimError              Tencent Cloud Chat did not give us the data                     tim, 1
        ├── TimTransportError no usable HTTP answer: connection refused, timeout, HTTP 5xx    tim:transport, 1
        ├── TimProtocolError  an HTTP 200 whose body is not the JSON Tencent documents        tim:protocol, 1
        └── TimApiError       Tencent answered ErrorCode != 0 (``code``, ``explanation``)     tim:CODE, 1

What is decided about each class lives on it: :meth:`TimbotError.user_text` (plain text; the renderer
escapes it), :attr:`~TimbotError.icon`, :attr:`~TimbotError.details` (the usage, shown as code),
:attr:`~TimbotError.outcome` (the audit line) and :attr:`~TimbotError.exit_code` (``timbot run``). The one
handler (``timbot.answer.failure``) reads them; an error whose ``user_text`` is None, or any other
exception, is logged there with the ``ref`` the user is shown, traceback included.

No exception here carries a secret: texts are built from codes, names and user-visible words, and the
details of transport and protocol errors are scrubbed of anything that looks like a credential.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar, Final

from timbot.i18n import N_, _

__all__ = [
    "UNKNOWN_CODE",
    "AccessDenied",
    "ConfigError",
    "EmulatorError",
    "ExpiredError",
    "SharedUnavailable",
    "TimApiError",
    "TimError",
    "TimProtocolError",
    "TimTransportError",
    "TimbotError",
    "UsageError",
    "UserSigError",
    "explanation_text",
    "scrub",
]

#: Anything that may look like a credential in a detail string (a URL's query, a token) is blanked.
_SECRETS: Final = re.compile(
    r"(?i)((?:usersig|sig|key|secret|token|signature)=)[^&\s]*|xox[a-z]-[\w-]+|xapp-[\w-]+|\?[^\s]*"
)
_REGION_CODES: Final = frozenset({70016, 70020})
_REGION_HINT: Final = N_("check TIM_REGION (or TIM_BASE_URL) matches the data centre of the app")
#: The explanation of a code Tencent documents nowhere we know (``timbot.tim.codes.explain``).
UNKNOWN_CODE: Final = N_("Tencent Cloud Chat answered with error code {code}")


def scrub(detail: str) -> str:
    """``detail`` on one line with anything credential-like (a URL's query, a token) replaced by ``…``.

    Args:
        detail: a technical detail (an exception's text, an HTTP status).
    """
    line = " ".join(detail.split())
    return _SECRETS.sub(lambda m: (m.group(1) or "") + "…" if m.group(1) else "…", line)


def explanation_text(code: int, explanation: str) -> str:
    """The explanation of a Tencent code (English, as ``timbot.tim.codes`` gives it) in the reader's language.

    Args:
        code: Tencent's ``ErrorCode``.
        explanation: its English explanation (the message id; a code we do not know has the generic one).
    """
    if explanation == UNKNOWN_CODE.format(code=code):
        return _(UNKNOWN_CODE).format(code=code)
    return _(explanation)


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TimbotError(Exception):
    """Base class of every error timbot raises on purpose."""

    #: the audit line's outcome for this class (``outcome`` may add detail, e.g. the Tencent code)
    audit_outcome: ClassVar[str] = "error"
    #: the exit status of ``timbot run`` and the other terminal commands
    exit_code: ClassVar[int] = 1
    #: the Slack emoji shown before the words
    icon: ClassVar[str] = ":boom:"
    #: a short name for the message's block ids
    block_key: ClassVar[str] = "oops"

    def user_text(self) -> str | None:
        """What the user reads (plain text, one sentence or two); None: nobody decided, so unexpected."""
        return None

    @property
    def details(self) -> str:
        """Preformatted text shown below the words in a code block (a usage), or empty."""
        return ""

    @property
    def outcome(self) -> str:
        """The outcome written in the audit line, e.g. ``usage`` or ``tim:10010``."""
        return self.audit_outcome


class ConfigError(TimbotError):
    """Settings are missing or malformed: every one at fault, each with its problem.

    Args:
        variable: the (first) environment variable at fault, e.g. ``TIM_SDKAPPID``.
        problem: what is wrong with it, in a few words.
        more: the other variables at fault, as ``(variable, problem)``, so one run names them all.
    """

    audit_outcome = "config"
    exit_code = 2
    icon = ":x:"
    block_key = "config"

    def __init__(self, variable: str, problem: str, *, more: Sequence[tuple[str, str]] = ()) -> None:
        self.variable = variable
        self.problem = problem
        self.problems: tuple[tuple[str, str], ...] = ((variable, problem), *more)
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        """One ``VARIABLE: problem`` line per variable at fault."""
        return [f"{name}: {why}" for name, why in self.problems]

    def user_text(self) -> str:
        """The lines, one per variable."""
        return "\n".join(self.lines())


class UsageError(TimbotError):
    """The command text does not parse.

    Args:
        problem: what was wrong, for the user ("unknown flag --foo").
        usage: the command's usage text, shown below the problem.
    """

    audit_outcome = "usage"
    exit_code = 2
    icon = ":x:"
    block_key = "usage"

    def __init__(self, problem: str, *, usage: str) -> None:
        self.problem = problem
        self.usage = usage
        super().__init__(problem)

    def user_text(self) -> str:
        """The problem."""
        return self.problem

    @property
    def details(self) -> str:
        """The usage."""
        return self.usage


class ExpiredError(TimbotError):
    """A button value does not parse (tampered, truncated, from a retired version).

    Args:
        reason: why, for the log and tests (the user is told only to run the command again).
    """

    audit_outcome = "expired"
    exit_code = 2
    icon = ":hourglass:"
    block_key = "expired"

    def __init__(self, reason: str = "the button value does not parse") -> None:
        self.reason = reason
        super().__init__(reason)

    def user_text(self) -> str:
        """The same words for every cause."""
        return _("this result has expired; run the command again.")


class AccessDenied(TimbotError):
    """The caller may not use timbot here.

    Args:
        reason: a polite sentence for the user, e.g. "guest accounts cannot use timbot".
    """

    audit_outcome = "refused"
    icon = ":no_entry:"
    block_key = "denied"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    def user_text(self) -> str:
        """The reason (a message id of ``timbot.slack.authz.REASONS`` is shown in the reader's language)."""
        return _(self.reason)


class UserSigError(TimbotError, ValueError):
    """A UserSig does not decode or does not verify (the message never contains the key)."""

    audit_outcome = "usersig"
    block_key = "usersig"
    icon = ":warning:"

    def user_text(self) -> str:
        """What failed, and where to look."""
        return _("the UserSig does not verify ({problem}); check TIM_SECRET_KEY and TIM_SDKAPPID").format(
            problem=self)


class EmulatorError(TimbotError):
    """The built-in emulator refuses a request with the code Tencent documents (never leaves it).

    Args:
        code: the ``ErrorCode`` the emulator answers with.
        info: its ``ErrorInfo``.
    """

    audit_outcome = "emulator"
    block_key = "emulator"

    def __init__(self, code: int, info: str) -> None:
        self.code = code
        self.info = info
        super().__init__(f"{code}: {info}")


class SharedUnavailable(TimbotError):
    """Redis (the shared state of several processes) did not answer: caught in ``timbot.shared``, which then
    works inside the process; no user ever sees it."""

    audit_outcome = "shared"


class TimError(TimbotError):
    """Tencent Cloud Chat did not give us the data."""

    audit_outcome = "tim"
    icon = ":warning:"
    block_key = "error"

    def user_text(self) -> str:
        """A generic sentence (the subclasses say more)."""
        return _("Tencent Cloud Chat did not give the data; try again in a minute.")


class TimTransportError(TimError):
    """No usable HTTP answer from Tencent (connection error, timeout, HTTP status other than 200).

    Args:
        detail: what happened, e.g. "timed out after 5.0 s" or "HTTP 502".
        endpoint: the API path, e.g. ``group_open_http_svc/get_appid_group_list``.
    """

    audit_outcome = "tim:transport"

    def __init__(self, detail: str, *, endpoint: str = "") -> None:
        self.detail = detail
        self.endpoint = endpoint
        super().__init__(f"Tencent Cloud Chat could not be reached: {detail}")

    def user_text(self) -> str:
        """What failed (scrubbed, at most 300 characters) and what to do."""
        detail = _short(scrub(self.detail))
        return _("Tencent Cloud Chat could not be reached ({detail}); try again in a minute.").format(
            detail=detail)


class TimProtocolError(TimError):
    """Tencent answered HTTP 200 with a body that is not the documented JSON."""

    audit_outcome = "tim:protocol"

    def __init__(self, detail: str, *, endpoint: str = "") -> None:
        self.detail = detail
        self.endpoint = endpoint
        super().__init__(f"Tencent Cloud Chat sent an answer timbot cannot read: {detail}")

    def user_text(self) -> str:
        """What was wrong with the answer (scrubbed) and what to do."""
        return _("Tencent Cloud Chat sent an answer timbot cannot read ({detail}); try again in a minute."
                 ).format(detail=_short(scrub(self.detail)))


class TimApiError(TimError):
    """Tencent answered with ``ErrorCode != 0``.

    Args:
        code: Tencent's ``ErrorCode``.
        info: Tencent's own ``ErrorInfo`` text (may be empty; never shown: it may quote the request).
        explanation: our one-line explanation of the code for a Slack user.
        kind: how the client treats the code: ``transient``, ``rate_limit``, ``sig`` or ``fatal``.
        endpoint: the API path that answered.
        host: where the request went, named after the explanation of the codes a wrong region gives
            (``requests go to HOST``).

    ``explanation`` is the English (the log line's, the message id); :meth:`user_text` is in the reader's
    language.
    """

    def __init__(
        self, code: int, *, info: str = "", explanation: str, kind: str = "fatal", endpoint: str = "",
        host: str = "",
    ) -> None:
        self.code = code
        self.info = info
        self.words = explanation
        self.host = host
        self.explanation = f"{explanation} (requests go to {host})" if host else explanation
        self.kind = kind
        self.endpoint = endpoint
        super().__init__(f"{code}: {self.explanation}")

    def explained(self, explanation: str) -> TimApiError:
        """The same error with another explanation (what the code means for one command).

        Args:
            explanation: the words that replace the general explanation.
        """
        return TimApiError(self.code, info=self.info, explanation=explanation, kind=self.kind,
                           endpoint=self.endpoint)

    def user_text(self) -> str:
        """``CODE: explanation``, and the region hint for the codes a wrong region gives."""
        words = explanation_text(self.code, self.words)
        if self.host:
            where = _("requests go to {host}").format(host=self.host)
            words += f" ({where})"
        text = f"{self.code}: {words}"
        if self.code in _REGION_CODES and "region" not in self.explanation.lower():
            text += "\n" + _(_REGION_HINT)
        return text

    @property
    def outcome(self) -> str:
        """``tim:CODE``."""
        return f"tim:{self.code}"
