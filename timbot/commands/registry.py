"""The registry of slash commands: every command's spec, in the order the help and the manifest list them.

Everything that lists commands derives from :data:`SPECS`: the Bolt matchers, the manifest check, the demo's
help and completion, ``parse``'s "unknown command". A new command is one new spec module added here.
"""

from __future__ import annotations

from typing import Any, Final

from timbot.commands.queries import Query
from timbot.commands.spec import CommandSpec
from timbot.commands.specs import friends, group, groups, joined, room

__all__ = ["COMMANDS", "SPECS", "by_name", "for_query"]

SPECS: Final[tuple[CommandSpec[Any], ...]] = (groups.SPEC, group.SPEC, joined.SPEC, room.SPEC, friends.SPEC)
#: The slash commands, as Slack sends them (``manifest.yaml`` declares the same).
COMMANDS: Final[tuple[str, ...]] = tuple(spec.name for spec in SPECS)

_BY_NAME: Final = {spec.name: spec for spec in SPECS}
_BY_KIND: Final = {spec.kind: spec for spec in SPECS}


def by_name(name: str) -> CommandSpec[Any] | None:
    """The spec of the command ``name`` (``/im-groups``), or None.

    Args:
        name: the command as Slack sends it.
    """
    return _BY_NAME.get(name)


def for_query(query: Query) -> CommandSpec[Any]:
    """The spec whose query model ``query`` is (every query kind has exactly one).

    Args:
        query: a parsed or decoded query.
    """
    return _BY_KIND[query.kind]
