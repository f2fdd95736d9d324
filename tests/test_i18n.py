"""lib.i18n: every key the code uses exists in the catalogs, and no catalog key is dead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lib import i18n

REPO = Path(__file__).resolve().parent.parent
SOURCES = [
    *REPO.glob("app.py"),
    *REPO.glob("pages/*.py"),
    *REPO.glob("lib/*.py"),
    *REPO.glob("lib/templates/*.j2"),
]
LITERAL_KEY = re.compile(r"""["']([a-z_]+\.[a-z_A-Z0-9]+)["']""")
DYNAMIC_KEY = re.compile(r"""f["']([a-z_]+\.[a-z_A-Z0-9]*)\{""")


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
