"""The same hostile input through the real HTTP app: never a 5xx, always one answer, never "went wrong"."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.e2e.conftest import Stack
from tests.reliability.conftest import FUZZ_PROFILE
from tests.reliability.test_fuzz import COMMANDS, WORDS, command_text
from tests.slack.fakes import click_body, signed_headers

#: A smaller share of the pipeline budget: each example is a signed HTTP request and a response_url post.
HTTP_EXAMPLES = 25 if FUZZ_PROFILE == "ci" else 2_000


def _answered(rig: Stack, status: int, key: str) -> str:
    assert status == 200, f"HTTP {status}"
    (message,) = rig.slack.wait_posts(key, 1, timeout=10)
    text: str = message["text"]
    assert ":boom:" not in text and "went wrong" not in text, text
    return text


@settings(settings.get_profile(FUZZ_PROFILE), max_examples=HTTP_EXAMPLES)
@given(command=st.sampled_from(COMMANDS), text=command_text())
def test_command_text_over_http(faulty: Stack, command: str, text: str) -> None:
    sent = faulty.command(command, text)
    _answered(faulty, sent.status, sent.key)


@settings(settings.get_profile(FUZZ_PROFILE), max_examples=HTTP_EXAMPLES)
@given(value=st.text(max_size=2100) | st.binary(max_size=300).map(lambda b: b.hex()) | st.sampled_from(WORDS))
def test_button_value_over_http(faulty: Stack, value: str) -> None:
    key = uuid.uuid4().hex
    body = click_body("timbot_next", value, response_url=f"{faulty.slack_url}/hooks/{key}")
    status = faulty.http.post(f"{faulty.app_url}/slack/events", content=body, headers=signed_headers(body))
    text = _answered(faulty, status.status_code, key)
    assert "expired" in text, text
