"""lib.i18n: every key the code uses exists in the catalogs, no catalog key is dead, and the
Arabic and English catalogs mirror the French reference (keys, order, placeholders); the
Tamazight catalog (zgh, the public face only) mirrors its public messages and no other."""

from __future__ import annotations

import logging
import re
import string
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from lib import i18n

REPO = Path(__file__).resolve().parent.parent
SOURCES = [
    *REPO.glob("app.py"),
    *REPO.glob("pages/*.py"),
    *REPO.glob("lib/**/*.py"),
    *REPO.glob("lib/**/*.j2"),
]
LITERAL_KEY = re.compile(r"""["']([a-z_]+(?:\.[a-z_A-Z0-9]+)+)["']""")  # sim.error.zero_mix too
DYNAMIC_KEY = re.compile(r"""f["']([a-z_]+(?:\.[a-z_A-Z0-9]*)+)\{""")  # f"sim.assumption.{name}"


def _code() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)


def _used_keys() -> tuple[set[str], set[str]]:
    code = _code()
    catalog = i18n.catalog("fr")
    literal = {key for key in LITERAL_KEY.findall(code) if key in catalog or "." in key}
    prefixes = set(DYNAMIC_KEY.findall(code))
    return literal, prefixes


def test_every_literal_key_used_in_code_exists_in_french():
    catalog = i18n.catalog("fr")
    literal, _ = _used_keys()
    namespaces = {key.split(".")[0] for key in catalog}
    file_names = re.compile(r"\.(py|csv|geojson|json|toml|sql|png|md|duckdb)$")
    missing = sorted(
        k
        for k in literal
        if k.split(".")[0] in namespaces and k not in catalog and not file_names.search(k)
    )
    assert not missing, missing


def test_every_french_key_is_used_by_the_code():
    literal, prefixes = _used_keys()
    unused = [
        key
        for key in i18n.catalog("fr")
        if key not in literal and not any(key.startswith(p) for p in prefixes)
    ]
    assert not unused, unused


def test_every_published_indicator_has_a_name():
    import csv

    with (REPO / "data" / "seed" / "published_figures.csv").open(encoding="utf-8") as handle:
        indicators = {row["indicator"] for row in csv.DictReader(handle)}
    catalog = i18n.catalog("fr")
    assert not [i for i in indicators if f"indicator.{i}" not in catalog]


def test_t_formats_and_falls_back():
    assert i18n.t("overview.kpi_in_year", lang="fr", label="Placements", year=2018) == (
        "Placements (2018)"
    )
    assert i18n.t("no.such_key", lang="fr") == "no.such_key"
    assert i18n.current_language() == "fr"  # outside a Streamlit run


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_name_column(lang):
    assert i18n.name_column(lang) == f"name_{lang}"
    assert i18n.name_column("de") == "name_fr"


# --- Translations: ar.toml and en.toml mirror fr.toml, the reference ---------------------------

TRANSLATIONS = tuple(lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT_LANGUAGE)
PUBLIC_ONLY = tuple(lang for lang in i18n.PUBLIC_LANGUAGES if lang not in i18n.LANGUAGES)

# Messages made only of placeholders and punctuation: a translation may equal the French one.
SAME_AS_FRENCH = frozenset({"{label} ({year})", "{name} ({period})", "{year}", "{first}-{last}"})
# Arabic messages with no Arabic letter: placeholders, an Arabic comma, an arrow pointing left.
WITHOUT_ARABIC_LETTERS = SAME_AS_FRENCH | {"{measure}، {year}", "{label}{year}: {before} ← {after}"}
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
# Words and letters that betray French left in an English message; proper nouns are removed first.
FRENCH_TELLTALES = (
    " le ", " la ", " les ", " des ", " du ", " une ", " est ", " avec ", " pour ", " dans ",
    " aux ", " et ", "é", "è", "ê", "à", "ç", "ô", "œ",
)  # fmt: skip
PROPER_NOUNS = ("Béni Mellal", "Fès", "Meknès", "Libération", "Moussalaha")


def _placeholders(message: str) -> Counter:
    """Each ``{field:spec!conv}`` of a str.format template, counted."""
    return Counter(
        (field, spec, conversion)
        for _, field, spec, conversion in string.Formatter().parse(message)
        if field is not None
    )


class _Dummy:
    """A stand-in parameter that accepts any format spec."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __format__(self, spec: str) -> str:
        return f"<{self.name}>"

    def __str__(self) -> str:
        return f"<{self.name}>"

    __repr__ = __str__


def _catalog_file(lang: str) -> Path:
    return i18n.LOCALES_DIR / f"{lang}.toml"


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translation_has_exactly_the_french_keys_in_the_same_order(lang):
    french, translated = i18n.catalog("fr"), i18n.catalog(lang)
    assert _catalog_file(lang).exists()
    missing = [key for key in french if key not in translated]
    extra = [key for key in translated if key not in french]
    assert not missing, f"{lang}.toml lacks {missing}"
    assert not extra, f"{lang}.toml has keys fr.toml does not: {extra}"
    assert list(translated) == list(french), f"{lang}.toml does not follow fr.toml's order"


@pytest.mark.parametrize("lang", i18n.PUBLIC_LANGUAGES)
def test_catalog_starts_with_a_comment_for_translators(lang):
    assert _catalog_file(lang).read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("lang", TRANSLATIONS + PUBLIC_ONLY)
def test_translation_keeps_the_french_placeholders(lang):
    french, translated = i18n.catalog("fr"), i18n.catalog(lang)
    wrong = {
        key: (
            sorted(_placeholders(french[key]).elements()),
            sorted(_placeholders(message).elements()),
        )
        for key, message in translated.items()
        if key in french and _placeholders(message) != _placeholders(french[key])
    }
    assert not wrong, wrong


@pytest.mark.parametrize("lang", i18n.PUBLIC_LANGUAGES)
def test_no_message_is_empty(lang):
    assert not [key for key, message in i18n.catalog(lang).items() if not message.strip()]


def test_arabic_differs_from_french_unless_allowed():
    # English may share words with French ("Total", "Budgets", "Source"); Arabic may not.
    french = i18n.catalog("fr")
    untranslated = [
        key
        for key, message in i18n.catalog("ar").items()
        if message == french.get(key) and message not in SAME_AS_FRENCH
    ]
    assert not untranslated, untranslated


def test_allow_lists_name_real_messages():
    messages = {m for lang in i18n.LANGUAGES for m in i18n.catalog(lang).values()}
    assert not sorted(SAME_AS_FRENCH - set(i18n.catalog("fr").values()))
    assert not sorted(WITHOUT_ARABIC_LETTERS - messages)


def test_arabic_messages_are_written_in_arabic():
    latin_only = [
        key
        for key, message in i18n.catalog("ar").items()
        if not ARABIC_LETTER.search(message) and message not in WITHOUT_ARABIC_LETTERS
    ]
    assert not latin_only, latin_only


def test_english_messages_carry_no_french():
    frenchy = {}
    for key, message in i18n.catalog("en").items():
        text = message
        for noun in PROPER_NOUNS:
            text = text.replace(noun, "")
        padded = f" {text.lower()} "
        found = [word for word in FRENCH_TELLTALES if word in padded]
        if found:
            frenchy[key] = found
    assert not frenchy, frenchy


@pytest.mark.parametrize("lang", i18n.PUBLIC_LANGUAGES)
def test_every_message_formats_with_its_placeholders(lang):
    failures = {}
    for key, message in i18n.catalog(lang).items():
        try:
            params = {field: _Dummy(field) for field, _, _ in _placeholders(message)}
            shown = i18n.t(key, lang, **params)
        except (KeyError, IndexError, ValueError) as error:
            failures[key] = repr(error)
            continue
        if any(f"<{field}>" not in shown for field in params):
            failures[key] = shown
    assert not failures, failures


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_t_returns_the_translation_not_the_french_fallback(lang):
    assert i18n.t("overview.title", lang=lang) == i18n.catalog(lang)["overview.title"]
    assert i18n.t("overview.title", lang=lang) != i18n.t("overview.title", lang="fr")
    assert i18n.t("regions.census_year", lang=lang, year=2024).count("2024") == 1


# --- Tamazight (zgh): the public face only --------------------------------------------------

TIFINAGH_LETTER = re.compile(r"[\u2d30-\u2d7f]")
# Tamazight messages with no Tifinagh letter: placeholders and punctuation only.
WITHOUT_TIFINAGH = SAME_AS_FRENCH | {"{category}: {value}", "{series}, {category}: {value}",
                                     "{indicator}, {period}, {scope}: {value}"}  # fmt: skip


@pytest.mark.parametrize("lang", PUBLIC_ONLY)
def test_public_only_catalog_has_exactly_the_public_french_keys_in_order(lang):
    public = [key for key in i18n.catalog("fr") if i18n.is_public_message(key)]
    translated = list(i18n.catalog(lang))
    missing = [key for key in public if key not in translated]
    extra = [key for key in translated if key not in public]
    assert not missing, f"{lang}.toml lacks {missing}"
    assert not extra, f"{lang}.toml has messages outside the public face: {extra}"
    assert translated == public, f"{lang}.toml does not follow fr.toml's order"


def test_public_messages_name_french_messages():
    french = i18n.catalog("fr")
    stale = [
        name
        for name in i18n.PUBLIC_MESSAGES
        if not any(key == name or (name.endswith(".") and key.startswith(name)) for key in french)
    ]
    assert not stale, stale
    assert i18n.is_public_message("public.title") and i18n.is_public_message("nav.public")
    assert not i18n.is_public_message("overview.title")
    assert not i18n.is_public_message("publicity.title")  # a table is matched by its dot


def test_tamazight_messages_are_written_in_tifinagh():
    latin_only = [
        key
        for key, message in i18n.catalog("zgh").items()
        if not TIFINAGH_LETTER.search(message) and message not in WITHOUT_TIFINAGH
    ]
    assert not latin_only, latin_only
    assert not sorted(WITHOUT_TIFINAGH - set(i18n.catalog("fr").values())
                      - set(i18n.catalog("zgh").values()))  # fmt: skip


def test_reviewed_says_whether_a_qualified_translator_confirmed_the_catalog():
    raw = tomllib.loads(_catalog_file("zgh").read_text(encoding="utf-8"))
    assert isinstance(raw["reviewed"], bool)
    assert i18n.is_reviewed("zgh") is raw["reviewed"]
    assert "reviewed" not in i18n.catalog("zgh")  # a field of the file, not a message
    assert all(i18n.is_reviewed(lang) for lang in i18n.LANGUAGES)


def test_t_speaks_tamazight_on_the_public_face_and_french_elsewhere(caplog):
    assert i18n.t("public.regions_title", "zgh", year=2019) == "ⵉⵎⵏⴼⴰⵄⵏ ⵙ ⵜⵎⵏⴰⴹⵜ ⴳ 2019"
    with caplog.at_level(logging.DEBUG, logger="lib.i18n"):
        shown = i18n.t("overview.title", "zgh")
    assert shown == i18n.t("overview.title", "fr")
    assert "message overview.title is not in zgh.toml" in caplog.text
    previous = i18n._language_source  # lib.ui's, when an AppTest imported it
    i18n.set_language_source(lambda: "zgh")
    try:
        assert i18n.current_language() == "zgh"
        i18n.set_language_source(lambda: "xx")
        assert i18n.current_language() == "fr"
    finally:
        i18n.set_language_source(previous)


def test_a_list_in_a_message_is_written_as_the_language_lists():
    """The allowed values a message names ("Années disponibles : …") are joined by Babel's list
    patterns: never a Latin comma between Arabic words or figures."""
    years = ("2014", "2015", "2016")
    assert i18n.t("filters.bad_year", "fr", value="abc", allowed=years).endswith(
        "2014, 2015 et 2016."
    )
    arabic = i18n.t("filters.bad_year", "ar", value="abc", allowed=years)
    assert "2014 و2015 و2016" in arabic and "," not in arabic
    assert "2014, 2015, and 2016" in i18n.t("filters.bad_year", "en", value="x", allowed=[*years])
