"""The registry is the one list of commands: each spec is complete and consistent, and everything that lists
commands (Bolt, the parser, the help, the demo) takes it from there."""

from __future__ import annotations

import re

import pytest

from timbot.commands.parse import USAGE, parse
from timbot.commands.queries import HelpQuery
from timbot.commands.registry import COMMANDS, SPECS, by_name, for_query
from timbot.commands.spec import PAGER_ACTIONS
from timbot.commands.state import decode
from timbot.console.demo import help_text
from timbot.console.mrkdwn import Style
from timbot.errors import UsageError
from timbot.slack.app import ACTIONS


def test_names_and_kinds_are_unique_and_the_usage_opens_with_the_name() -> None:
    assert len({spec.name for spec in SPECS}) == len(SPECS) == len({spec.kind for spec in SPECS})
    for spec in SPECS:
        assert spec.usage.startswith(spec.name + " "), spec.name
        assert set(re.findall(r"--([a-z]+)", spec.usage.splitlines()[0])) == set(spec.flags), spec.name
        assert spec.query.cursor_kind in ("n", "o", "t", "c")
        assert spec.rows and "csv" in spec.flags  # rows: the follow menus; --csv: the export


def test_everything_that_lists_commands_takes_them_from_the_registry() -> None:
    assert COMMANDS == tuple(spec.name for spec in SPECS)
    assert list(USAGE) == list(COMMANDS)
    assert ACTIONS == PAGER_ACTIONS == ("timbot_next", "timbot_prev", "timbot_share", "timbot_follow",
                                        "timbot_export", "timbot_export_cancel")
    console_help = help_text(style=Style())
    assert all(spec.usage.splitlines()[0] in console_help for spec in SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_help_names_its_own_command(spec: object) -> None:
    name = getattr(spec, "name")  # noqa: B009
    assert parse(name, "help") == HelpQuery(command=name)


def test_an_unknown_command_is_a_usage_error_listing_every_command() -> None:
    with pytest.raises(UsageError) as caught:
        parse("/im-nope", "x")
    assert "unknown command /im-nope" in caught.value.problem
    assert all(spec.usage in caught.value.usage for spec in SPECS)
    assert by_name("/im-nope") is None


@pytest.mark.parametrize(("command", "text"), [
    ("/im-groups", "Public"), ("/im-group", "a b"), ("/im-joined", "u --huge"), ("/im-room", "r --mark 3"),
    ("/im-friends", "u Family"),
])
def test_a_query_finds_its_own_spec_and_round_trips_as_the_command(command: str, text: str) -> None:
    query = parse(command, text)
    assert not isinstance(query, HelpQuery)
    spec = for_query(query)
    assert spec.name == command
    assert parse(command, spec.command_line(query).removeprefix(command).strip()) == query


def test_golden_values_name_a_spec_for_every_command_kind() -> None:
    from tests.commands.test_golden_values import VALUES

    kinds = {for_query(decode(v["value"]).query).name for v in VALUES}
    assert kinds == set(COMMANDS)
