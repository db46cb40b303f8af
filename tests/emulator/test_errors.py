"""The emulator's ``ApiError`` is part of timbot's one error tree, and the tree's drawing names it."""

from __future__ import annotations

import re

from timbot import errors
from timbot.emulator.fields import ApiError
from timbot.errors import EmulatorError, TimbotError


def test_the_emulators_api_error_joins_the_tree_under_emulator_error() -> None:
    assert issubclass(ApiError, EmulatorError) and issubclass(EmulatorError, TimbotError)
    error = ApiError(10004, "bad Limit")
    assert (error.code, error.info, str(error)) == (10004, "bad Limit", "10004: bad Limit")


def test_the_tree_drawing_names_every_error() -> None:
    drawing = errors.__doc__ or ""
    classes = [name for name in errors.__all__ if isinstance(getattr(errors, name), type)]
    for name in [*classes, "ApiError"]:
        assert re.search(rf"[└├]── {name}\b", drawing) or name == "TimbotError", name
    assert re.search(r"^\s+TimbotError\b", drawing, re.M)
