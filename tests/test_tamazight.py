"""The public face in Standard Moroccan Tamazight (zgh), without a browser: names from the
seed (lib.public.names), translated sources, the site's charts and table views, the chart
images' font, and what the seed says of its Tifinagh names."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from lib.i18n import t
from lib.public import grapher, images, names, svgcharts, translations, view

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "seed"
NBSP, LRI, FSI, PDI = "\xa0", "\u2066", "\u2068", "\u2069"
TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
TIFINAGH_NAME = re.compile(r"^[\u2d30-\u2d7f][\u2d30-\u2d7f -]*$")  # letters, spaces, " - "
METADATA = {"demo": "True", "threshold": "10", "generated_at": "2026-12-06T10:00:00+00:00"}


def _regions() -> pd.DataFrame:
    """Two regions and the total of one year, as the public table has them (no name_zgh)."""
    return pd.DataFrame(
        {"year": [2019] * 3, "region_code": ["6", "12", "total"],
         "iso_3166_2": ["MA-06", "MA-12", None],
         "name_fr": ["Casablanca-Settat", "Dakhla-Oued Ed-Dahab", "Total"],
         "name_ar": ["الدار البيضاء - سطات", "الداخلة - وادي الذهب", "المجموع"],
         "name_en": ["Casablanca-Settat", "Dakhla-Oued Ed-Dahab", "Total"],
         "beneficiaries": pd.array([1234, pd.NA, 1240], dtype="Int64"),
         "beneficiaries_flag": ["", "< 10", ""],
         "budget_mad": pd.array([2_290_400, pd.NA, 2_300_000], dtype="Int64"),
         "budget_mad_flag": ["", "s", ""],
         "rate_per_100k": [16.0, None, 3.4], "census_year": [2024, 2024, 2024]}
    )  # fmt: skip


def _types() -> pd.DataFrame:
    return pd.DataFrame(
        {"period": ["2018-2019"] * 3, "type_code": ["social", "medical", "total"],
         "is_total": [False, False, True],
         "interventions": pd.array([1892, 1216, 3108], dtype="Int64"),
         "interventions_flag": ["", "", ""], "name_fr": ["Social", "Médical", "Total"],
         "name_ar": ["اجتماعي", "طبي", "المجموع"], "name_en": ["Social", "Medical", "Total"]}
    )  # fmt: skip


# --- Names in Tifinagh, from the seed --------------------------------------------------------


def test_regions_and_types_are_named_from_the_seed_and_the_total_by_the_catalog():
    assert names.names_in(_regions(), "zgh").tolist() == [
        "ⴷⴷⴰⵔ ⵍⴱⵉⴹⴰ - ⵙⵟⵟⴰⵜ",
        "ⴷⴷⴰⵅⵍⴰ - ⵡⴰⴷ ⴷⴷⴰⵀⴰⴱ",
        "ⴰⵎⴰⵜⴰ",
    ]
    assert names.names_in(_types(), "zgh").tolist() == ["ⴰⵏⴰⵎⵓⵏ", "ⵜⴰⴷⵓⵙⵉ", "ⴰⵎⴰⵜⴰ"]
    assert names.names_in(_regions(), "ar").tolist()[0] == "الدار البيضاء - سطات"  # the table's


def test_a_name_the_seed_lacks_is_shown_in_french():
    unknown = _types().assign(type_code=["accueil", "medical", "total"])
    assert names.names_in(unknown, "zgh").tolist()[0] == "Social"
    plain = pd.DataFrame({"name_fr": ["Commerce"], "name_ar": ["التجارة"], "name_en": ["Trade"]})
    assert names.names_in(plain, "zgh").tolist() == ["Commerce"]


def test_every_region_and_intervention_type_has_a_tifinagh_name():
    for file_name, count in (("regions.csv", 12), ("intervention_types.csv", 5)):
        seed = pd.read_csv(SEED / file_name, dtype=str)
        assert len(seed) == count and seed["name_zgh"].notna().all()
        assert all(TIFINAGH_NAME.match(name) for name in seed["name_zgh"]), seed["name_zgh"]
        assert seed["name_zgh"].is_unique


def test_the_seed_readme_says_where_the_tifinagh_names_come_from_and_that_they_are_not_official():
    readme = (SEED / "README.md").read_text(encoding="utf-8")
    section = readme.split("name_zgh", 1)[1][:1500]
    assert "transliteration" in section and "IRCAM" in section
    assert "None of these spellings is official" in readme


# --- Sources and notes -----------------------------------------------------------------------


def test_sources_and_notes_have_tamazight_versions_and_the_tables_keep_three_columns():
    seed = pd.read_csv(SEED / "published_figures.csv")
    for note in seed["note"].dropna():
        assert TIFINAGH.search(translations.translated("note", note, "zgh")), note
    for title in ("MAP dispatch of 27 May 2019 (the founding article)",
                  "DGAPR 2023 report (press)"):  # fmt: skip
        assert TIFINAGH.search(translations.translated("source_title", title, "zgh"))
    assert translations.translated("source_title", "Le360", "zgh") == "Le360"  # a name
    columns = translations.with_translations(seed.head(2)).columns
    assert "source_title_en" in columns and "source_title_zgh" not in columns


# --- The public view and the site's charts in Tamazight ---------------------------------------


def test_the_regions_table_and_the_map_speak_tamazight_with_babel_numbers():
    table = view.regions_table(_regions(), 2019, "zgh")
    assert list(table.columns) == [
        t("common.region", "zgh"),
        t("common.beneficiaries", "zgh"),
        t("public.rate_census", "zgh", year=2024),
        t("common.budget", "zgh"),
    ]
    assert table.iloc[0].tolist() == [
        "ⴷⴷⴰⵔ ⵍⴱⵉⴹⴰ - ⵙⵟⵟⴰⵜ",
        f"1{NBSP}234",
        "16,0",
        f"2{NBSP}290{NBSP}400",
    ]
    assert table.iloc[1].tolist()[1:] == [f"{LRI}< 10{PDI}", f"{LRI}s{PDI}", f"{LRI}s{PDI}"]
    values, labels, flags = view.region_map_inputs(_regions(), 2019, "zgh", 10)
    assert labels[6] == f"ⴷⴷⴰⵔ ⵍⴱⵉⴹⴰ - ⵙⵟⵟⴰⵜ: 1{NBSP}234"
    assert labels[12] == "ⴷⴷⴰⵅⵍⴰ - ⵡⴰⴷ ⴷⴷⴰⵀⴰⴱ: ⴷⵔⵓⵙ ⵏ 10 ⵉⵎⴷⴷⴰⵏⵏ (ⵓⵟⵟⵓⵏ ⵉⵏⵜⵍⵏ)"
    assert values == {6: 1234.0, 12: None} and flags[12] == "< 10"


def test_the_interventions_chart_names_types_in_tifinagh_with_its_source_and_date():
    tables = {"programme_by_year": _programme(), "placements_by_sex": _placements(),
              "interventions_by_type": _types()}  # fmt: skip
    budget, _, _, interventions = grapher.graphers(tables, METADATA, "zgh")
    assert interventions.chart.categories == ("ⴰⵏⴰⵎⵓⵏ", "ⵜⴰⴷⵓⵙⵉ")
    assert interventions.chart.series[0].tips[0] == f"ⴰⵏⴰⵎⵓⵏ: 1{NBSP}892"
    assert budget.chart.footer[1] == f"ⵉⵙⴼⴽⴰ ⵉⵜⵜⵓⴼⵙⵔⵏ ⴳ {FSI}6 ⴷⵓⵊⴰⵏⴱⵉⵔ 2026{PDI}."
    assert budget.chart.series[0].tips[0] == f"2019: 13{NBSP}500{NBSP}000{NBSP}MAD"
    assert budget.chart.label == "ⵉⵙⴼⴽⴰ ⵏ ⵓⵙⴽⴰⵏ" and not budget.chart.rtl
    svg = svgcharts.draw(interventions.chart)
    assert "Noto Sans Tifinagh" in svg and 'direction="ltr"' in svg


def _programme() -> pd.DataFrame:
    return pd.DataFrame(
        {"year": [2019], "beneficiaries": pd.array([478], dtype="Int64"),
         "budget_mad": pd.array([13_500_000], dtype="Int64"), "beneficiaries_flag": [""],
         "budget_mad_flag": [""], "budget_qualifier": ["exact"],
         "budget_source": ["Libération (MAP)"], "budget_source_url": [None],
         "beneficiaries_qualifier": [None], "beneficiaries_source": [None],
         "beneficiaries_source_url": [None], "provenance": ["données de démonstration"]}
    )  # fmt: skip


def _placements() -> pd.DataFrame:
    return pd.DataFrame(
        {"year": [2018] * 3, "sex": ["F", "M", "total"], "is_total": [False, False, True],
         "placements": pd.array([pd.NA, 100, 105], dtype="Int64"),
         "placements_flag": ["< 10", "", ""], "name_fr": ["Femmes", "Hommes", "Total"]}
    )  # fmt: skip


# --- Chart images: Tifinagh letters drawn, not boxes -----------------------------------------


def _text_svg(text: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="60" '
        f'font-family="{svgcharts.FONT}"><text x="10" y="40" font-size="20">{text}</text></svg>'
    )


def test_chart_images_draw_tifinagh_letters_in_lines_that_mix_scripts():
    options = images._font_options(_text_svg("ⵜⴰⵎⴰⵣⵉⵖⵜ 2019"))
    if not options:
        pytest.skip("neither Noto Sans nor DejaVu Sans is installed (make browser)")
    assert options["sans_serif_family"] == "DejaVu Sans"  # one face draws both scripts
    pytest.importorskip("resvg_py")
    # Missing letters are all drawn as the same box: two different words would look alike.
    # A line that starts in Latin and mixes runs is the one resvg's fallback fails on.
    for line in ("{}", "« &lt; 10 »: {} 1 ⴰⵔ 9 ⵉⵎⴷⴷⴰⵏⵏ, ⵓⵟⵟⵓⵏ ⵉⵏⵜⵍⵏ"):
        first, second = (images.png(_text_svg(line.format(w))) for w in ("ⴰⴱⴳⴷ", "ⵣⵥⵢⵡ"))
        assert first != second, line
