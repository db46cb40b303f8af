"""The layers depend one way (docs/internals.md): the Tencent client knows nothing of Slack, rendering and
parsing are pure, and every module says what it does in its first line and stays short."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "timbot"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: What each layer may import from timbot (besides itself); anything else points the wrong way.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "bodylimit": set(),
    "settings": {"errors", "bodylimit"},
    "tim": {"errors", "settings", "bodylimit"},
    "emulator": {"errors", "bodylimit", "tim"},
    "commands": {"errors", "tim", "render"},
    "render": {"errors", "commands", "tim"},
    "slack": {"errors", "settings", "tim", "commands", "render"},
    "console": {"errors", "settings", "tim", "commands", "render", "slack", "emulator"},
    "asgi": {"errors", "settings", "tim", "slack", "bodylimit"},
    "cli": {"errors", "settings", "tim", "console", "slack", "asgi", "emulator"},
}
#: Third-party packages a layer must not touch: Slack in the Tencent client, I/O in the pure layers.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "tim": ("slack_bolt", "slack_sdk"),
    "commands": ("slack_bolt", "slack_sdk", "httpx", "aiohttp", "uvicorn"),
    "render": ("slack_bolt", "httpx", "aiohttp", "uvicorn", "asyncio"),
}


def _layer(path: Path) -> str:
    part = path.relative_to(PACKAGE).parts[0]
    return part.removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    layer = _layer(path)
    if layer in {"__init__", "__main__"}:
        return
    for name in _imports(path):
        top, _, rest = name.partition(".")
        if top == "timbot" and rest:
            target = rest.split(".")[0]
            if target == "commands" and layer == "render":
                # render lays out the page types and usage texts; it never fetches
                assert name in {
                    "timbot.commands.results",
                    "timbot.commands.queries",
                    "timbot.commands.parse",
                    "timbot.commands.state",
                }, f"{path.name} imports {name}"
                continue
            assert target == layer or target in ALLOWED[layer], f"{layer} must not import {name}"
        assert not name.startswith(FORBIDDEN.get(layer, ())), f"{layer} must not import {name}"


def test_the_pure_commands_modules_do_no_io() -> None:
    for name in ("parse.py", "queries.py", "state.py", "results.py"):
        imported = _imports(PACKAGE / "commands" / name)
        assert not any(i.split(".")[0] in {"httpx", "asyncio", "aiohttp", "socket"} for i in imported), name
        assert "timbot.tim.client" not in imported, name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_opens_with_a_one_line_docstring(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc, f"{path} has no docstring"
    assert doc.splitlines()[0].strip(), f"{path}: the docstring's first line is empty"
