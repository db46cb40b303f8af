"""manifest.yaml is valid against Slack's official schema and matches what the app listens to."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from timbot.slack.app import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "tests" / "data" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))
    return loaded


def test_valid_against_official_schema(manifest: dict[str, Any]) -> None:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(manifest)]
    assert errors == []


def test_schema_copy_catches_a_broken_manifest(manifest: dict[str, Any]) -> None:
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    broken = json.loads(json.dumps(manifest))
    broken["features"]["slash_commands"][0]["command"] = "im-groups"  # no leading slash
    del broken["settings"]["interactivity"]["is_enabled"]
    assert len(list(validator.iter_errors(broken))) == 2


def test_commands_match_the_registry(manifest: dict[str, Any]) -> None:
    from timbot.commands.registry import SPECS

    names = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert names == [spec.name for spec in SPECS]
    for command, spec in zip(manifest["features"]["slash_commands"], SPECS, strict=True):
        assert command["description"] == spec.summary
        assert all(f"--{flag}" in command["usage_hint"] for flag in spec.flags)
        assert command["url"].endswith("/slack/events")
        assert command["description"] and command["usage_hint"]
        assert command["should_escape"] is False


def test_http_mode_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"] == {
        "is_enabled": True,
        "request_url": "https://timbot.example.com/slack/events",
    }
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES) == [
        "commands", "users:read", "chat:write", "im:write", "files:write"]


def test_procfile() -> None:
    assert (ROOT / "Procfile").read_text(encoding="utf-8") == (
        "web: uvicorn timbot.asgi:app --host 0.0.0.0 --port ${PORT:-3000}\nworker: timbot worker\n"
    )
