"""t(key): every user-facing string, looked up in the message catalogs of lib/locales/.

Catalogs are TOML files a translator can edit without reading Python: ``fr.toml`` (the
reference), ``ar.toml``, ``en.toml``. Keys are dotted paths into their tables
(``overview.title``); values are ``str.format`` templates (``{year}``).
The current language is whatever the registered language source says (``lib.ui`` registers
the Streamlit session's choice), French otherwise; pure code may pass ``lang`` explicitly.
Pure: this module imports no streamlit.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("fr", "ar", "en")
DEFAULT_LANGUAGE = "fr"
RTL_LANGUAGES = frozenset({"ar"})

log = logging.getLogger(__name__)


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language, keyed by its dotted name."""
    path = LOCALES_DIR / f"{lang}.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return _flatten(tomllib.load(handle))


def _no_session() -> str | None:
    return None


_language_source: Callable[[], str | None] = _no_session


def set_language_source(source: Callable[[], str | None]) -> None:
    """Where :func:`current_language` asks (the UI layer registers the session's choice)."""
    global _language_source
    _language_source = source


def current_language() -> str:
    """The language of the session being served, else the default."""
    lang = _language_source()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **params) -> str:
    """The message ``key`` in ``lang`` (default: the session's), formatted with ``params``."""
    lang = lang or current_language()
    template = catalog(lang).get(key)
    if template is None:
        template = catalog(DEFAULT_LANGUAGE).get(key)
        if template is None:
            log.warning("missing message key %s", key)
            return key
    return template.format(**params) if params else template


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES


def name_column(lang: str) -> str:
    """The column of a reference table that names things in ``lang`` (names are data)."""
    return f"name_{lang if lang in LANGUAGES else DEFAULT_LANGUAGE}"
