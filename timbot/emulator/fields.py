"""Typed reading of a request body's fields, answering Tencent's parameter-error code on a bad one."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from timbot.errors import EmulatorError

__all__ = ["ApiError", "Fields"]


class ApiError(EmulatorError):
    """An API-level failure the emulator answers as ``{"ActionStatus": "FAIL", "ErrorCode": code, ...}``.

    It is caught at the emulator's edge (``Emulator.handle``), never raised to a caller.

    Args:
        code: Tencent's ``ErrorCode``.
        info: the ``ErrorInfo`` text.
    """


class Fields:
    """Reads fields of one JSON object; a wrong type or range raises :class:`ApiError` with ``bad_code``.

    Args:
        body: the JSON object.
        bad_code: the API's "invalid parameter" code (10004 for groups, 30001 for sns).
        prefix: a path prefix for messages, e.g. ``ResponseFilter.``.
    """

    def __init__(self, body: Mapping[str, Any], *, bad_code: int, prefix: str = "") -> None:
        self.body = body
        self.bad_code = bad_code
        self.prefix = prefix

    def fail(self, name: str, problem: str) -> ApiError:
        """The error for a bad field.

        Args:
            name: the field name.
            problem: what is wrong with it.
        """
        return ApiError(self.bad_code, f"invalid parameter {self.prefix}{name}: {problem}")

    def _get(self, name: str, required: bool) -> Any:
        if name not in self.body or self.body[name] is None:
            if required:
                raise self.fail(name, "required field is missing")
            return None
        return self.body[name]

    def integer(
        self, name: str, *, required: bool = False, lo: int | None = None, hi: int | None = None
    ) -> int | None:
        """An Integer field (JSON booleans and strings are refused).

        Args:
            name: the field name.
            required: whether a missing field is an error.
            lo: the smallest value allowed.
            hi: the largest value allowed.
        """
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, "must be an Integer")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.fail(name, f"must be between {lo} and {hi}" if hi is not None else f"must be >= {lo}")
        return value

    def flag(self, name: str) -> bool:
        """An Integer 0/1 switch such as ``WithHugeGroups``.

        Args:
            name: the field name.
        """
        return bool(self.integer(name, lo=0, hi=1))

    def string(
        self, name: str, *, required: bool = False, choices: Collection[str] | None = None
    ) -> str | None:
        """A String field.

        Args:
            name: the field name.
            required: whether a missing (or empty) field is an error.
            choices: the values allowed, if the field is an enum.
        """
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.fail(name, "must be a String")
        if required and not value:
            raise self.fail(name, "must not be empty")
        if choices is not None and value not in choices:
            raise self.fail(name, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def strings(self, name: str, *, required: bool = False, max_items: int | None = None) -> list[str] | None:
        """An Array of Strings.

        Args:
            name: the field name.
            required: whether a missing (or empty) array is an error.
            max_items: the most items allowed.
        """
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(name, "must be an Array of Strings")
        if required and not value:
            raise self.fail(name, "must not be empty")
        if max_items is not None and len(value) > max_items:
            raise self.fail(name, f"at most {max_items} items are allowed, got {len(value)}")
        return value

    def obj(self, name: str) -> Fields | None:
        """An Object field, read with the same rules.

        Args:
            name: the field name.
        """
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(name, "must be an Object")
        return Fields(value, bad_code=self.bad_code, prefix=f"{self.prefix}{name}.")
