"""Command text -> typed query (pure): the command's spec gives the grammar; bad input is a ``UsageError``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pydantic import ValidationError

from timbot.commands import grammar
from timbot.commands.queries import HelpQuery, Query
from timbot.commands.registry import COMMANDS, SPECS, by_name
from timbot.errors import UsageError
from timbot.i18n import _

__all__ = ["USAGE", "Request", "parse", "parse_request"]

#: Every command's usage, by name (for the help and the tests).
USAGE: Final[dict[str, str]] = {spec.name: spec.usage for spec in SPECS}


@dataclass(frozen=True, slots=True)
class Request:
    """A parsed command: its query, and whether ``--csv`` asks for the whole result as a file.

    Args:
        query: the typed query (or help).
        csv: ``--csv`` was given (every list command takes it).
    """

    query: Query | HelpQuery
    csv: bool = False


def parse(command: str, text: str) -> Query | HelpQuery:
    """Parse one slash command into its typed query (``--csv`` accepted; :func:`parse_request` tells it).

    Args:
        command: the command as Slack sends it, e.g. ``/im-groups``.
        text: the arguments as Slack sends them (escaped: ``&amp;`` ``&lt;`` ``&gt;``).

    Raises:
        UsageError: for any input that does not follow the command's grammar (no Tencent call is made).
    """
    return parse_request(command, text).query


def parse_request(command: str, text: str) -> Request:
    """Parse one slash command into its typed query and whether it asks for a CSV export.

    Args:
        command: the command as Slack sends it, e.g. ``/im-groups``.
        text: the arguments as Slack sends them (escaped: ``&amp;`` ``&lt;`` ``&gt;``).

    Raises:
        UsageError: for any input that does not follow the command's grammar (no Tencent call is made).
    """
    spec = by_name(command)
    if spec is None:
        every = "\n".join(_(USAGE[name]) for name in COMMANDS)
        raise UsageError(_("unknown command {command}").format(command=grammar.show(command)), usage=every)
    usage = _(spec.usage)  # the usage in the reader's language, under every error of this text
    found = grammar.tokens(text, usage=usage)
    if found == ["help"] or "--help" in found or "-h" in found:
        return Request(HelpQuery(command=spec.name))
    args = grammar.split(found, flags=spec.flags, usage=usage)
    try:
        query: Query = spec.build(args)
    except ValidationError as exc:  # a rule only the model knows; should not happen after the checks above
        raise UsageError(exc.errors()[0]["msg"], usage=usage) from exc
    return Request(query, csv="csv" in args.flags)
