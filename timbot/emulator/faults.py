"""Scripted faults for tests: delays, error codes, HTTP statuses and broken bodies for the next calls."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Fault", "Faults", "Plan"]


@dataclass(slots=True)
class Fault:
    """One scripted fault; ``remaining`` is the number of calls left (``None``: every call)."""

    kind: str  # "delay", "error", "http_status", "bad_json" or "missing_fields"
    endpoint: str | None
    remaining: int | None
    seconds: float = 0.0
    code: int = 0
    info: str = ""
    http_status: int = 0
    fields: tuple[str, ...] = ()

    def matches(self, endpoint: str) -> bool:
        """Whether the fault applies to ``endpoint`` (full ``service/command`` or just ``command``)."""
        return self.endpoint is None or endpoint == self.endpoint or endpoint.endswith("/" + self.endpoint)


@dataclass(slots=True, frozen=True)
class Plan:
    """What the faults do to one call: an extra delay, and at most one outcome that replaces the answer."""

    delay: float = 0.0
    outcome: Fault | None = None


class Faults:
    """The fault script of one emulator. Each method adds a fault for the next ``times`` calls.

    ``endpoint`` limits a fault to one API (``"get_group_info"`` or ``"sns/group_get"``); ``times=None``
    makes it permanent. Delays add up; of the other faults the oldest matching one wins. A fault
    replaces the answer before any request check, and a faulted call does not count against the
    rate limits.
    """

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def _add(self, fault: Fault) -> None:
        if fault.remaining is not None and fault.remaining < 1:
            raise ValueError("times must be at least 1 (or None for every call)")
        self._faults.append(fault)

    def delay(self, seconds: float, *, times: int | None = 1, endpoint: str | None = None) -> None:
        """Delay the next calls (``asyncio.sleep``, before answering).

        Args:
            seconds: how long each call waits.
            times: how many calls (``None``: all).
            endpoint: only calls of this API.
        """
        self._add(Fault("delay", endpoint, times, seconds=seconds))

    def error(self, code: int, *, times: int | None = 1, endpoint: str | None = None, info: str = "") -> None:
        """Answer the next calls with ``ErrorCode`` ``code`` (HTTP 200, ``ActionStatus`` FAIL).

        Args:
            code: the Tencent error code, e.g. 10002 or 70001.
            times: how many calls (``None``: all).
            endpoint: only calls of this API.
            info: the ``ErrorInfo`` text (a generic one when empty).
        """
        self._add(Fault("error", endpoint, times, code=code, info=info or f"scripted error {code}"))

    def http_status(self, status: int = 502, *, times: int | None = 1, endpoint: str | None = None) -> None:
        """Answer the next calls with an HTTP error status and an HTML body, as a gateway would.

        Args:
            status: the HTTP status, e.g. 502 or 503 (``"status"`` in the control API too).
            times: how many calls (``None``: all).
            endpoint: only calls of this API.
        """
        self._add(Fault("http_status", endpoint, times, http_status=status))

    def bad_json(self, *, times: int | None = 1, endpoint: str | None = None) -> None:
        """Answer the next calls with HTTP 200 and a body that is not JSON.

        Args:
            times: how many calls (``None``: all).
            endpoint: only calls of this API.
        """
        self._add(Fault("bad_json", endpoint, times))

    def missing_fields(self, *fields: str, times: int | None = 1, endpoint: str | None = None) -> None:
        """Drop fields from the next answers (default: ``ActionStatus`` and ``ErrorCode``).

        Args:
            fields: the top-level fields to drop.
            times: how many calls (``None``: all).
            endpoint: only calls of this API.
        """
        self._add(Fault("missing_fields", endpoint, times, fields=fields or ("ActionStatus", "ErrorCode")))

    def clear(self) -> None:
        """Remove every scripted fault."""
        self._faults.clear()

    def take(self, endpoint: str) -> Plan:
        """Consume what applies to one call of ``endpoint``.

        Args:
            endpoint: the called API, ``service/command``.
        """
        delay = 0.0
        outcome: Fault | None = None
        for fault in self._faults:
            if not fault.matches(endpoint):
                continue
            if fault.kind == "delay":
                delay += fault.seconds
            elif outcome is None:
                outcome = fault
            else:
                continue
            if fault.remaining is not None:
                fault.remaining -= 1
        self._faults = [f for f in self._faults if f.remaining is None or f.remaining > 0]
        return Plan(delay=delay, outcome=outcome)
