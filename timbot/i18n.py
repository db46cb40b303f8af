"""The language of what a user reads: ``_``, ``ngettext``, numbers by locale, and the current language.

The language is a context variable, set at the edges (a Slack request, ``--lang`` in the terminal) with
:func:`language` and read here; asyncio tasks copy it when they are created, so the work handed to a
background task answers in the language of the request that made it. Everything below reads it; nothing
else of timbot is imported, so every layer that writes words may use this module.

The catalogs are the ``.po`` files in ``timbot/locale/<lang>/LC_MESSAGES/timbot.po``, read with Babel the
first time a language is used in the process (so an editable or a wheel install needs no compile step) and
kept as ``gettext`` translations. The message ids are the English texts, so English needs no lookup and a
message missing from a catalog shows in English. Placeholders are ``str.format`` names (``{count}``).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path
from typing import Final

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "N_",
    "_",
    "catalog_path",
    "current",
    "from_locale",
    "language",
    "ngettext",
    "number",
    "pick",
    "translations",
    "use",
]

#: The languages timbot answers in: the code, and its name in itself.
LANGUAGES: Final[dict[str, str]] = {"en": "English", "ja": "日本語", "ko": "한국어", "zh": "简体中文"}
DEFAULT: Final = "en"
#: Babel's locale for each language (numbers).
_LOCALES: Final[dict[str, str]] = {"en": "en_US", "ja": "ja_JP", "ko": "ko_KR", "zh": "zh_Hans_CN"}
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
DOMAIN: Final = "timbot"

_current: ContextVar[str] = ContextVar("timbot_language", default=DEFAULT)


def catalog_path(lang: str) -> Path:
    """Where the catalog of ``lang`` lives in the package."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang``, read once from its ``.po`` (English, or a language without a catalog:
    the message ids themselves).

    Args:
        lang: one of :data:`LANGUAGES`.
    """
    path = catalog_path(lang)
    if lang == DEFAULT or lang not in LANGUAGES or not path.is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # untranslated and fuzzy messages are left out: they show in English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def current() -> str:
    """The language of the text being made now (``en`` unless set)."""
    return _current.get()


def use(lang: str) -> Token[str]:
    """Make ``lang`` the current language (an unknown one is English); returns the token to reset it."""
    return _current.set(lang if lang in LANGUAGES else DEFAULT)


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Within the block, text is made in ``lang`` (tasks created inside keep it after the block ends).

    Args:
        lang: one of :data:`LANGUAGES` (anything else is English).
    """
    token = use(lang)
    try:
        yield current()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """``message`` (an English message id) in the current language."""
    lang = _current.get()
    if lang == DEFAULT:
        return message
    return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` in the current language (its catalog's plural rule).

    Args:
        singular: the English singular (``{count} group``).
        plural: the English plural (``{count} groups``).
        count: how many.
    """
    return translations(_current.get()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for extraction only: it is translated where it is shown, with :func:`_`."""
    return message


def number(value: int) -> str:
    """A whole number with the current language's grouping (``1,234``)."""
    lang = _current.get()
    if lang == DEFAULT:
        return f"{value:,}"
    return _grouping(lang)(value)


@cache
def _grouping(lang: str) -> Callable[[int], str]:
    """How ``lang`` writes a whole number: Babel's decimal pattern of its locale, parsed once."""
    from babel import Locale
    from babel.numbers import format_decimal

    locale = Locale.parse(_LOCALES[lang])
    pattern = locale.decimal_formats[None]
    return lambda value: str(format_decimal(value, format=pattern, locale=locale))


def from_locale(locale: str | None) -> str:
    """The language for a Slack user's ``locale``: ``ja-JP`` ja, ``ko-KR`` ko, ``zh-CN`` and ``zh-Hans-*``
    zh, anything else (``zh-TW``, ``fr-FR``, none) English.

    Args:
        locale: the ``locale`` of ``users.info`` (``include_locale=true``).
    """
    parts = (locale or "").replace("_", "-").lower().split("-")
    head = parts[0]
    if head in ("ja", "ko"):
        return head
    if head == "zh" and (parts[1:2] in (["cn"], ["hans"], ["sg"]) or parts == ["zh"]):
        return "zh"
    return DEFAULT


def pick(*choices: str | None) -> str:
    """The first of ``choices`` that names a language (``ja``, ``ja_JP.UTF-8``, ``ko-KR``...), else English.

    Args:
        choices: in order of precedence, e.g. ``--lang``, ``TIMBOT_LANGUAGE``, ``LANG``.
    """
    for choice in choices:
        if not choice:
            continue
        name = choice.split(".")[0].split("@")[0]
        if name in LANGUAGES:
            return name
        found = from_locale(name)
        if found != DEFAULT or name.lower().startswith("en"):
            return found
    return DEFAULT
