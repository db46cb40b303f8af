"""A follow click's value: a button's ``value`` or a menu's ``selected_option``; its audit line."""

from __future__ import annotations

import logging

import pytest

from tests.slack.fakes import click_payload
from timbot.slack.audit import Incoming, audit


def test_a_button_and_a_menu_both_give_their_value() -> None:
    button = click_payload("timbot_follow", "f1|d|@TGS#abc", response_url="http://x/hooks/1")
    assert Incoming.from_body(button).text == "f1|d|@TGS#abc"
    menu = click_payload("timbot_follow", "", response_url="http://x/hooks/1")
    menu["actions"] = [{"action_id": "timbot_follow", "type": "overflow",
                        "selected_option": {"text": {"type": "plain_text", "text": "Details"},
                                            "value": "f1|o|@TGS#abc"}}]
    incoming = Incoming.from_body(menu)
    assert incoming.kind == "click" and incoming.what == "timbot_follow" and incoming.text == "f1|o|@TGS#abc"
    menu["actions"][0]["selected_option"] = "not an option"
    assert Incoming.from_body(menu).text == ""


def test_the_audit_line_says_what_was_followed(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "timbot.audit")
    incoming = Incoming.from_body(click_payload("timbot_follow", "f1|j|leckie", response_url="http://x/h/1"))
    audit(incoming, "ok", delivered=True, followed="/im-joined leckie")
    (record,) = caplog.records
    assert "what=follow /im-joined leckie outcome=ok" in record.getMessage()
