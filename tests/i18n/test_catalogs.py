"""The catalogs: complete in every language, with the same placeholders, and in step with the code."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from timbot.i18n import LANGUAGES, LOCALE_DIR, catalog_path, translations

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "timbot"
#: The extraction keywords of docs/internals.md (``counted`` is ``timbot.render.fmt.counted``).
KEYWORDS: dict[str, Any] = {**DEFAULT_KEYWORDS, "counted": (2, 3)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _read(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def _ids(catalog: Catalog) -> set[Any]:
    return {m.id for m in catalog if m.id}


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


TEMPLATE = _read(LOCALE_DIR / "timbot.pot")


def test_the_template_is_what_the_code_says() -> None:
    """Extracting the code again gives the template's message ids: a string added, changed or removed in the
    code without ``pybabel extract`` / ``update`` fails here."""
    found = {msgid for _, _, msgid, _, _ in _extract()}
    assert found == _ids(TEMPLATE), (
        f"not in the catalogs: {sorted(map(str, found - _ids(TEMPLATE)))[:5]}; "
        f"no longer in the code: {sorted(map(str, _ids(TEMPLATE) - found))[:5]}"
    )
    assert len(found) > 200


def _extract() -> list[tuple[str, int, Any, list[str], Any]]:
    return [(name, line, msgid, comments, context) for name, line, msgid, comments, context in
            extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS)]


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_message_is_translated_with_the_same_placeholders(lang: str) -> None:
    catalog = _read(catalog_path(lang))
    assert _ids(catalog) == _ids(TEMPLATE), f"{lang}: run pybabel update (docs/internals.md)"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        for form in forms:
            want = _placeholders(ids[-1])
            if _placeholders(form) != want or _placeholders(ids[0]) != want:
                problems.append(f"placeholders differ: {ids[0]!r} -> {form!r}")
        if lang == "en" and forms != ids:  # English is the message ids: its catalog repeats them
            problems.append(f"English differs from its id: {ids[0]!r}")
    assert not problems, f"{lang}: {len(problems)} problems, e.g. {problems[:3]}"


@pytest.mark.parametrize("lang", ["ja", "ko", "zh"])
def test_each_catalog_loads_with_its_own_plural_rule_and_texts(lang: str) -> None:
    loaded = translations(lang)
    assert loaded.gettext("Next ▶") != "Next ▶"
    # nplurals=1 in all three: one form for every count
    assert loaded.ngettext("{count} group", "{count} groups", 1) == loaded.ngettext(
        "{count} group", "{count} groups", 5)
    assert "{count}" in loaded.ngettext("{count} group", "{count} groups", 5)


def test_catalogs_ship_as_package_data() -> None:
    """A wheel (or a non-editable install) carries the catalogs: pyproject's package data names them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["timbot"]
    shipped = {p for pattern in patterns for p in PACKAGE.glob(pattern)}
    assert {catalog_path(lang) for lang in LANGUAGES} <= shipped
    assert any("Babel" in dep for dep in project["project"]["dependencies"])


class _Calls(ast.NodeVisitor):
    """Calls of the gettext functions whose message is not a plain literal (so extraction misses it), and
    calls hidden inside f-strings (which Babel does not read on Python 3.11)."""

    def __init__(self, *, wrapper: bool = False) -> None:
        self.found: list[str] = []
        self.wrapper = wrapper
        self._in_fstring = 0

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._in_fstring += 1
        self.generic_visit(node)
        self._in_fstring -= 1

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in ("_", "N_", "ngettext", "counted"):
            first = 1 if name == "counted" else 0
            literal = node.args[first:first + (2 if name in ("ngettext", "counted") else 1)]
            texts = [a for a in literal if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if self._in_fstring and texts:
                self.found.append(f"line {node.lineno}: {name}() of a literal inside an f-string")
            # _() of a name translates a message id marked elsewhere; the others take literals (but
            # ``counted``, in ``timbot.render.fmt``, hands its own to ngettext)
            if name != "_" and len(texts) < len(literal) and not self.wrapper:
                self.found.append(f"line {node.lineno}: {name}() of something that is not a literal")
            if name == "_" and isinstance(node.args[0], ast.JoinedStr):
                self.found.append(f"line {node.lineno}: _() of an f-string")
        self.generic_visit(node)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_messages_are_literals_extraction_can_see(path: Path) -> None:
    calls = _Calls(wrapper=path == PACKAGE / "render" / "fmt.py")
    calls.visit(ast.parse(path.read_text(encoding="utf-8")))
    assert not calls.found, f"{path.relative_to(PACKAGE)}: {calls.found}"
