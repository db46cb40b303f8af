"""The terminal renderer of Block Kit messages: readable, faithful to the buttons, safe on hostile data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from timbot.console.mrkdwn import Style, mrkdwn_to_text, sanitize, use_color, visible_width
from timbot.console.terminal import buttons, render_message, row_options

PLAIN = Style()
COLOR = Style(color=True)


def page_message(name: str = "Ops room") -> dict[str, Any]:
    """A message shaped like a page of /im-groups: header, context, results, buttons."""
    return {
        "text": "Groups: page 2",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Groups (Public)"}},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "*1,234* groups in all"},
                    {"type": "plain_text", "text": "page 2"},
                ],
            },
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{name}*  `@TGS#2ABC`\n42 members"}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": "*Owner*\nalice"},
                    {"type": "mrkdwn", "text": "*Type*\nPublic"},
                ],
            },
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "action_id": "timbot_prev", "value": "v1.prev",
                     "text": {"type": "plain_text", "text": "Previous"}},
                    {"type": "button", "action_id": "timbot_next", "value": "v1.next",
                     "text": {"type": "plain_text", "text": "Next"}},
                ],
            },
        ],
    }


def test_page_renders_header_context_results_and_buttons() -> None:
    out = render_message(page_message())
    lines = out.splitlines()
    assert lines[0] == "Groups (Public)"
    assert lines[1] == "=" * len("Groups (Public)")
    assert "1,234 groups in all  ·  page 2" in out
    assert "Ops room  `@TGS#2ABC`\n42 members" in out
    assert "[p] Previous   [n] Next" in out
    assert "*" not in out  # bold markers reduced
    assert "\x1b" not in out  # no styles without colour


def test_buttons_carry_the_values_the_console_clicks() -> None:
    found = buttons(page_message())
    assert [(b.key, b.label, b.action_id, b.value) for b in found] == [
        ("p", "Previous", "timbot_prev", "v1.prev"),
        ("n", "Next", "timbot_next", "v1.next"),
    ]


def test_other_buttons_are_numbered() -> None:
    label = {"type": "plain_text", "text": "Open"}
    button = {"type": "button", "action_id": "other", "value": "v", "text": label}
    message = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": button}]}
    assert [b.key for b in buttons(message)] == ["1"]
    assert "[1] Open" in render_message(message)


def test_color_styles_header_bold_underlined_and_context_dim() -> None:
    out = render_message(page_message(), style=COLOR)
    assert "\x1b[1m\x1b[4mGroups (Public)\x1b[24m\x1b[22m" in out
    assert "\x1b[2m" in out  # context dimmed
    assert "\x1b[1mOps room\x1b[22m" in out  # *bold* made bold


def test_fields_go_in_two_columns_when_single_line() -> None:
    message = {"blocks": [{"type": "section", "fields": [
        {"type": "plain_text", "text": "Owner: alice"}, {"type": "plain_text", "text": "Type: Public"},
        {"type": "plain_text", "text": "Members: 42"},
    ]}]}
    lines = render_message(message, width=80).splitlines()
    assert lines[0].startswith("Owner: alice") and lines[0].endswith("Type: Public")
    assert lines[1] == "Members: 42"
    narrow = render_message(message, width=20).splitlines()
    assert narrow == ["Owner: alice", "Type: Public", "Members: 42"]


def test_wide_characters_are_aligned_by_columns() -> None:
    message = {"blocks": [{"type": "section", "fields": [
        {"type": "plain_text", "text": "群聊"}, {"type": "plain_text", "text": "B"},
        {"type": "plain_text", "text": "abcd"}, {"type": "plain_text", "text": "C"},
    ]}]}
    lines = render_message(message).splitlines()
    assert visible_width(lines[0][:-1]) == visible_width(lines[1][:-1])


def test_escaped_entities_are_shown_as_characters_once() -> None:
    text = "&lt;!channel&gt; &amp;lt;b&amp;gt; Tom &amp; Jerry"
    assert mrkdwn_to_text(text, style=PLAIN) == "<!channel> &lt;b&gt; Tom & Jerry"


def test_slack_tokens_become_readable() -> None:
    ts = 1_700_000_000
    local = dt.datetime.fromtimestamp(ts)
    assert mrkdwn_to_text(f"<!date^{ts}^{{date_num}} {{time}}|fallback>", style=PLAIN) == local.strftime(
        "%Y-%m-%d %H:%M"
    )
    assert mrkdwn_to_text(f"<!date^{ts}^{{ago}}|2023-11-14>", style=PLAIN) == "2023-11-14"
    assert mrkdwn_to_text("<!date^notanumber^{date}|Nov 14>", style=PLAIN) == "Nov 14"
    assert mrkdwn_to_text("<@U123> in <#C9|ops> see <https://x.test/a|docs>", style=PLAIN) == (
        "@U123 in #ops see docs (https://x.test/a)"
    )


def test_code_is_kept_verbatim() -> None:
    assert mrkdwn_to_text("`*not bold*` and *bold*", style=PLAIN) == "`*not bold*` and bold"
    assert mrkdwn_to_text("usage:```a &lt; b\n*c*```done", style=PLAIN) == "usage:\n    a < b\n    *c*\ndone"
    assert mrkdwn_to_text(":x: no\n\n```x```", style=PLAIN) == "✖ no\n\n    x"
    assert mrkdwn_to_text("user_name_1 2*3*4", style=PLAIN) == "user_name_1 2*3*4"


HOSTILE = (
    "\x1b[2J\x1b[31mEvil\x1b[0m \x1b]0;owned title\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"
    " \x07bell\x08\x08 \u202eeman\u202c \x9b31m"
)


def test_hostile_name_cannot_drive_the_terminal() -> None:
    out = render_message(page_message(HOSTILE), style=COLOR)
    data = out.replace("\x1b[1m", "").replace("\x1b[22m", "").replace("\x1b[4m", "").replace("\x1b[24m", "")
    data = data.replace("\x1b[2m", "")
    assert "\x1b" not in data  # only our own bold/underline/dim sequences remain
    for char in ("\x07", "\x08", "\x9b", "\u202e", "\u202c"):
        assert char not in out
    assert "Evil" in out and "link" in out and "bell" in out and "eman" in out
    assert "owned title" not in out  # the OSC payload is dropped with its sequence


def test_hostile_header_and_button_label_are_sanitized() -> None:
    message = {"blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "\x1b[31mRed\x1b[0m\r\nx"}},
        {"type": "actions", "elements": [{"type": "button", "action_id": "timbot_next", "value": "v",
                                           "text": {"type": "plain_text", "text": "Next\x1b[8m"}}]},
    ]}
    out = render_message(message)
    assert "\x1b" not in out and "\r" not in out
    assert out.startswith("Red\nx")
    assert "[n] Next" in out


def test_sanitize_keeps_newlines_and_turns_tabs_into_spaces() -> None:
    assert sanitize("a\tb\nc\x00d\x7f") == "a b\ncd"


def test_message_without_blocks_shows_its_text() -> None:
    assert render_message({"text": "*done*", "blocks": []}) == "done"


def test_unknown_blocks_are_named_not_dropped_silently() -> None:
    out = render_message({"blocks": [{"type": "video"}, {"type": "image", "alt_text": "chart"}]})
    assert "[video block]" in out and "[image block]" in out


def test_use_color_only_on_a_terminal_without_no_color(monkeypatch: Any) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(Tty())  # type: ignore[arg-type]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())  # type: ignore[arg-type]
    monkeypatch.delenv("NO_COLOR")
    import io

    assert not use_color(io.StringIO())


def _menu_message() -> dict[str, Any]:
    from timbot.commands.follow import encode_follow

    def section(text: str, accessory: dict[str, Any]) -> dict[str, Any]:
        return {"type": "section", "text": {"type": "mrkdwn", "text": text}, "accessory": accessory}

    def option(label: str, value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": label}, "value": value}

    details = {"type": "button", "action_id": "timbot_follow", "value": encode_follow("d", "@TGS#1A"),
               "text": {"type": "plain_text", "text": "Details"}}
    menu = {"type": "overflow", "action_id": "timbot_follow", "options": [
        option("Groups joined", encode_follow("j", "alice")),
        option("Friend lists", encode_follow("f", "alice")),
    ]}
    select = {"type": "static_select", "action_id": "timbot_follow",
              "placeholder": {"type": "plain_text", "text": "Follow a row…"}, "options": [
                  option("Details · @TGS#2B", encode_follow("d", "@TGS#2B")),
                  option("Online members · @TGS#2B", encode_follow("o", "@TGS#2B")),
                  option("Details · @TGS#3C", encode_follow("d", "@TGS#3C")),
              ]}
    return {"blocks": [section("group", details), section("alice", menu), section("again", dict(menu)),
                       {"type": "actions", "elements": [select]}]}


def test_follow_rows_are_numbered_in_order_and_menus_by_option() -> None:
    message = _menu_message()
    keys = [(b.key, b.label) for b in buttons(message)]
    assert keys == [
        ("1", "Details"), ("2.1", "Groups joined"), ("2.2", "Friend lists"),
        ("3.1", "Groups joined"), ("3.2", "Friend lists"),  # the same user on another row: its own number
        ("4.1", "Details · @TGS#2B"), ("4.2", "Online members · @TGS#2B"), ("5.1", "Details · @TGS#3C"),
    ]
    out = render_message(message)
    assert "[1] Details" in out
    assert "[2.1] Groups joined   [2.2] Friend lists" in out and "[3.1] Groups joined" in out
    assert "[menu: Follow a row…: 3 options; type 4-5 for a row's options]" in out
    assert [b.key for b in row_options(message, 4)] == ["4.1", "4.2"]
