"""The layers depend one way (docs/internals.md): the Tencent client knows nothing of Slack, the commands
never render, rendering sees only page types and is pure like parsing, the emulator uses nothing of timbot
but the UserSig code, the error tree and the body guard, the shared state (in-process or Redis) nothing but
the error tree and the settings, and every module opens with a one-line docstring."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "timbot"
MODULES = sorted(PACKAGE.rglob("*.py"))

#: What each layer may import from timbot (besides itself); anything else points the wrong way.
ALLOWED: dict[str, set[str]] = {
    # the language of the words (gettext, Babel): under every layer that writes words; imports nothing of ours
    "i18n": set(),
    "errors": {"i18n"},
    "bodylimit": set(),
    "settings": {"errors", "bodylimit", "i18n"},
    "shared": {"errors", "settings"},
    "tim": {"errors", "settings", "bodylimit", "shared", "i18n"},
    "emulator": {"errors", "bodylimit"},
    "commands": {"errors", "tim", "i18n"},
    "render": {"errors", "commands", "tim", "i18n"},
    "answer": {"errors", "commands", "render", "tim", "i18n"},
    # the export's file and walk: below Slack and the consoles, which deliver it
    "exports": {"errors", "commands", "tim", "i18n"},
    "slack": {"errors", "settings", "shared", "tim", "commands", "render", "answer", "exports", "i18n"},
    "console": {"errors", "settings", "shared", "tim", "commands", "render", "slack", "answer", "emulator",
                "exports", "i18n"},
    "asgi": {"errors", "settings", "shared", "tim", "slack", "bodylimit", "i18n"},
    # the export worker (`timbot worker`): an edge like asgi, over the Slack delivery and the Redis queue
    "worker": {"errors", "settings", "shared", "tim", "slack", "exports", "i18n"},
    "cli": {"errors", "settings", "shared", "tim", "console", "slack", "asgi", "emulator", "worker", "i18n"},
}
#: Single modules a layer may import from a layer it may not import as a whole.
ALLOWED_MODULES: dict[str, set[str]] = {
    # the emulator checks UserSigs as Tencent does, with the one UserSig implementation
    "emulator": {"timbot.tim.usersig"},
}
#: Of a layer it may import, the only modules a layer may use.
ONLY_MODULES: dict[tuple[str, str], set[str]] = {
    # render lays out the page types (which arrive with their buttons made); it never fetches, parses or
    # encodes state, and of the client it sees only the response models
    ("render", "commands"): {"timbot.commands.results"},
    ("render", "tim"): {"timbot.tim.models"},
}
#: Third-party packages a layer must not touch: Slack in the Tencent client and the emulator, I/O in the
#: pure layers.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "shared": ("slack_bolt", "slack_sdk", "httpx", "aiohttp", "uvicorn"),
    "tim": ("slack_bolt", "slack_sdk"),
    "emulator": ("slack_bolt", "slack_sdk"),
    "commands": ("slack_bolt", "slack_sdk", "httpx", "aiohttp", "uvicorn"),
    "render": ("slack_bolt", "httpx", "aiohttp", "uvicorn", "asyncio"),
    "exports": ("slack_bolt", "slack_sdk", "httpx", "aiohttp", "uvicorn"),
}
#: What importing the emulator may load of timbot besides the emulator itself (``timbot.tim`` is the
#: package ``timbot.tim.usersig`` lives in; its ``__init__`` imports nothing; ``timbot.i18n`` comes with
#: the error tree, whose words are translated).
EMULATOR_LOADS = {"timbot", "timbot.tim", "timbot.tim.usersig", "timbot.errors", "timbot.bodylimit",
                  "timbot.i18n"}


def _layer(path: Path) -> str:
    part = path.relative_to(PACKAGE).parts[0]
    return part.removesuffix(".py")


def _is_module(name: str) -> bool:
    where = PACKAGE.parent.joinpath(*name.split("."))
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def _resolve(source: str, package: str) -> set[str]:
    """The modules ``source`` (code in ``package``) imports: ``from a.b import c`` is ``a.b.c`` when that is
    a module of ours, else ``a.b``; relative imports are resolved against ``package``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{module}.{alias.name}"
                names.add(full if full.startswith("timbot.") and _is_module(full) else module)
    return names


def _imports(path: Path) -> set[str]:
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    return _resolve(path.read_text(encoding="utf-8"), package)


def _problem(layer: str, name: str) -> str | None:
    """Why ``layer`` must not import module ``name``, or None when it may."""
    if name.startswith(FORBIDDEN.get(layer, ())):
        return f"{layer} must not import {name}"
    top, _, rest = name.partition(".")
    if top != "timbot" or not rest:
        return None
    target = rest.split(".")[0]
    if target == layer or name in ALLOWED_MODULES.get(layer, set()):
        return None
    if target not in ALLOWED[layer]:
        return f"{layer} must not import {name}"
    only = ONLY_MODULES.get((layer, target))
    if only is not None and name not in only:
        return f"{layer} may import only {sorted(only)} of timbot.{target}, not {name}"
    return None


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    layer = _layer(path)
    if layer in {"__init__", "__main__"}:
        return
    problems = [problem for name in sorted(_imports(path)) if (problem := _problem(layer, name))]
    assert not problems, f"{path.relative_to(PACKAGE)}: {'; '.join(problems)}"


@pytest.mark.parametrize(
    ("layer", "name", "allowed"),
    [
        ("emulator", "timbot.tim.usersig", True),
        ("emulator", "timbot.errors", True),
        ("emulator", "timbot.bodylimit", True),
        ("emulator", "timbot.emulator.fields", True),
        ("emulator", "timbot.tim", False),
        ("emulator", "timbot.tim.codes", False),
        ("emulator", "timbot.tim.client", False),
        ("emulator", "timbot.tim.models", False),
        ("emulator", "timbot.settings", False),
        ("emulator", "timbot.commands.parse", False),
        ("emulator", "slack_sdk", False),
        ("tim", "timbot.emulator", False),
        ("tim", "timbot.emulator.core", False),
        ("tim", "timbot.tim.usersig", True),
        ("commands", "timbot.emulator", False),
        ("slack", "timbot.emulator", False),
        ("asgi", "timbot.emulator", False),
        ("console", "timbot.emulator", True),
        ("cli", "timbot.emulator.server", True),
        ("render", "timbot.commands.results", True),
        ("render", "timbot.commands.pages", False),
        ("render", "timbot.commands.state", False),
        ("render", "timbot.commands.parse", False),
        ("render", "timbot.tim.models", True),
        ("render", "timbot.tim.codes", False),
        ("render", "timbot.tim.client", False),
        ("render", "timbot.answer", False),
        ("commands", "timbot.render", False),
        ("commands", "timbot.render.page", False),
        ("commands", "timbot.answer", False),
        ("commands", "timbot.tim.models", True),
        ("answer", "timbot.render", True),
        ("answer", "timbot.commands.pages", True),
        ("tim", "timbot.commands.results", False),
        ("tim", "timbot.slack.app", False),
        ("tim", "timbot.shared.redis_pacing", True),
        ("slack", "timbot.shared.records", True),
        ("shared", "timbot.errors", True),
        ("shared", "timbot.tim", False),
        ("shared", "timbot.tim.priority", False),
        ("shared", "timbot.slack.authz", False),
        ("shared", "timbot.commands", False),
        ("shared", "slack_sdk", False),
        ("shared", "httpx", False),
        ("commands", "timbot.shared", False),
        ("render", "timbot.shared.store", False),
        ("emulator", "timbot.shared", False),
        ("render", "timbot.i18n", True),
        ("errors", "timbot.i18n", True),
        ("i18n", "timbot.errors", False),
        ("i18n", "timbot.settings", False),
        ("emulator", "timbot.i18n", False),
    ],
)
def test_the_layer_rules(layer: str, name: str, allowed: bool) -> None:
    assert (_problem(layer, name) is None) is allowed


@pytest.mark.parametrize(
    ("source", "modules"),
    [
        ("from timbot.tim import usersig", {"timbot.tim.usersig"}),
        ("from timbot.tim import codes, usersig", {"timbot.tim.codes", "timbot.tim.usersig"}),
        ("from timbot.tim.codes import explain", {"timbot.tim.codes"}),
        ("import timbot.tim.client as client", {"timbot.tim.client"}),
        ("from timbot.tim import nothing_of_that_name", {"timbot.tim"}),
        ("from ..tim import codes", {"timbot.tim.codes"}),
        ("from . import fields", {"timbot.emulator.fields"}),
        ("from .fields import ApiError", {"timbot.emulator.fields"}),
    ],
)
def test_imports_are_read_as_the_modules_they_load(source: str, modules: set[str]) -> None:
    assert _resolve(source, "timbot.emulator") == modules  # as if written in timbot/emulator/*.py


def test_the_emulator_loads_no_other_timbot_module() -> None:
    """What the import rules say, checked at run time: importing every emulator module (in a fresh
    interpreter) loads nothing of timbot but the emulator and ``EMULATOR_LOADS``."""
    code = (
        "import importlib, pkgutil, sys, timbot.emulator as e\n"
        "for m in pkgutil.walk_packages(e.__path__, 'timbot.emulator.'): importlib.import_module(m.name)\n"
        "print(' '.join(m for m in sys.modules if m == 'timbot' or m.startswith('timbot.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "timbot.emulator.server" in loaded
    outside = {m for m in loaded if not m.startswith("timbot.emulator")} - EMULATOR_LOADS
    assert not outside, f"importing the emulator loads {sorted(outside)}"


def test_the_pure_commands_modules_do_no_io() -> None:
    for name in ("parse.py", "grammar.py", "queries.py", "state.py", "results.py", "registry.py"):
        imported = _imports(PACKAGE / "commands" / name)
        assert not any(i.split(".")[0] in {"httpx", "asyncio", "aiohttp", "socket"} for i in imported), name
        assert "timbot.tim.client" not in imported, name


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_opens_with_a_one_line_docstring(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc, f"{path} has no docstring"
    assert doc.splitlines()[0].strip(), f"{path}: the docstring's first line is empty"
