"""t(key): every user-facing string, looked up in the message catalogs of lib/locales/.

Catalogs are TOML files a translator can edit without reading Python: ``fr.toml`` (the
reference), ``ar.toml``, ``en.toml``. Keys are dotted paths into their tables
(``overview.title``); values are ``str.format`` templates (``{year}``).
The current language is whatever the registered language source says (``lib.ui`` registers
the Streamlit session's choice), French otherwise; pure code may pass ``lang`` explicitly.

Standard Moroccan Tamazight (``zgh.toml``, in Tifinagh) speaks for the public face only (the
public page, the static site, the open-data package's titles): its catalog holds the
``PUBLIC_MESSAGES`` and no other, and says with ``reviewed = false`` that no qualified
translator has confirmed it yet (the pages then say so).
Pure: this module imports no streamlit.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("fr", "ar", "en")  # the whole interface: every message
PUBLIC_LANGUAGES = (*LANGUAGES, "zgh")  # the public page, the static site, the open data
DEFAULT_LANGUAGE = "fr"
RTL_LANGUAGES = frozenset({"ar"})
# What a public-only language (zgh) translates: whole tables ("public.") or single messages.
# The public page and the site ask for nothing else (a test renders both in Tamazight).
PUBLIC_MESSAGES = (
    "nav.",  # the sidebar: page names, the language choice (the pages themselves say theirs)
    "auth.demo_banner",
    "common.demo_badge",
    "common.demo_help",
    "common.demo_footer",
    "common.year",
    "common.region",
    "common.beneficiaries",
    "common.budget",
    "common.women",
    "common.men",
    "common.placements",
    "common.interventions",
    "common.at_least",
    "common.approx",
    "common.type",
    "common.rate",
    "filters.bad_year",  # the public page's ?year= link
    # Column names lib.tables looks up to write a table's numbers (the public tables too).
    "common.rank",
    "common.cost_per_beneficiary",
    "interventions.month",
    "sim.scenario_money",
    "indicator.",
    "public.",
    "public_outcomes.",
    "site.",
    "publish.refused.",
)
META_FIELDS = frozenset({"reviewed"})  # top-level fields of a catalog that are not messages

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
def _catalog_file(lang: str) -> dict:
    path = LOCALES_DIR / f"{lang}.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every message of one language, keyed by its dotted name."""
    table = _catalog_file(lang)
    return _flatten({name: value for name, value in table.items() if name not in META_FIELDS})


def is_reviewed(lang: str) -> bool:
    """False while a catalog says ``reviewed = false``: no qualified translator has confirmed
    it yet, and the pages in that language say so."""
    return _catalog_file(lang).get("reviewed", True) is not False


def is_public_message(key: str) -> bool:
    """Whether ``key`` is one of the messages the public face shows (``PUBLIC_MESSAGES``)."""
    return any(
        key.startswith(name) if name.endswith(".") else key == name for name in PUBLIC_MESSAGES
    )


def _no_session() -> str | None:
    return None


_language_source: Callable[[], str | None] = _no_session


def set_language_source(source: Callable[[], str | None]) -> None:
    """Where :func:`current_language` asks (the UI layer registers the session's choice)."""
    global _language_source
    _language_source = source


def current_language() -> str:
    """The language of the session being served, else the default. The language source says
    Tamazight only where a page speaks it (the public page)."""
    lang = _language_source()
    return lang if lang in PUBLIC_LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **params) -> str:
    """The message ``key`` in ``lang`` (default: the session's), formatted with ``params``."""
    lang = lang or current_language()
    template = catalog(lang).get(key)
    if template is None:
        if lang != DEFAULT_LANGUAGE:  # a public-only language outside the public face
            log.debug("message %s is not in %s.toml: shown in French", key, lang)
        template = catalog(DEFAULT_LANGUAGE).get(key)
        if template is None:
            log.warning("missing message key %s", key)
            return key
    return template.format(**listed(params, lang)) if params else template


def listed(params: dict, lang: str) -> dict:
    """``params`` with each list (or tuple) written as ``lang`` writes a list: "2014, 2015 et
    2016", "2014 و2015 و2016" (a Latin comma never joins Arabic words), "A, B, and C"."""
    if not any(isinstance(value, list | tuple) for value in params.values()):
        return params
    from lib.formatting import format_list  # lib.formatting reads this module's languages

    return {
        name: format_list(value, lang) if isinstance(value, list | tuple) else value
        for name, value in params.items()
    }


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES


def name_column(lang: str) -> str:
    """The column of a reference table that names things in ``lang`` (names are data)."""
    return f"name_{lang if lang in LANGUAGES else DEFAULT_LANGUAGE}"
