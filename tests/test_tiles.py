"""lib.tiles: what a tile writes, in each language, from the demo warehouse's 2019 tiles."""

from __future__ import annotations

from datetime import date

import pytest

from lib import tiles
from lib.formatting import LRI, PDI
from lib.warehouse import kpis
from lib.warehouse.filters import Filters

LIBE = kpis.Source(
    "programme_budget", 13_500_000, "MAD", "at_least", "2019", "Libération (MAP)",
    "https://m.libe.ma/x", date(2019, 5, 29),
)  # fmt: skip
BUDGET = kpis.Kpi(
    "programme_budget", 13_500_000, 8_100_000, 2019, 2018, demo=True, sources=(LIBE,),
    published=True,
)  # fmt: skip
PLACEMENTS = kpis.Kpi("placements_in_companies", 453, 1719, 2018, 2015, demo=True)
COST = kpis.Kpi("cost", 28_243, 30_000, 2019, 2018, better=-1, demo=True)
WOMEN = kpis.Kpi("share_women", 0.14, 0.119, 2019, 2018, demo=True)


def nbsp(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_a_published_tile_shows_its_previous_year_change_and_source():
    text = tiles.tile_text(BUDGET, Filters(2019), "fr")
    assert (text.label, nbsp(text.value)) == ("Budget du programme", "13,5 M MAD")
    assert nbsp(text.previous) == "2018 : 8,1 M MAD"
    assert nbsp(text.change) == "+67 %" and text.tone_name == "good"
    assert not text.demo  # the value is the published figure: it stands with its source
    assert [(nbsp(line.text), line.url) for line in text.sources] == [
        ("Chiffre publié : plus de 13 500 000 MAD", None),
        ("Source : Libération (MAP), 29 mai 2019", "https://m.libe.ma/x"),
    ]


def test_a_tile_names_its_base_year_when_it_is_not_the_year_before():
    text = tiles.tile_text(PLACEMENTS, Filters(2019), "fr")
    assert text.label == "Placements (2018)"
    assert nbsp(text.change) == "-74 % par rapport à 2015"
    assert text.tone_name == "bad" and text.demo and text.demo_label == "données de démonstration"
    english = tiles.tile_text(PLACEMENTS, Filters(2019), "en")
    assert english.change == "-74% against 2015" and english.previous == "2015: 1,719"


def test_a_falling_cost_is_good_news_and_a_share_moves_in_points():
    cost = tiles.tile_text(COST, Filters(2019), "fr")
    assert nbsp(cost.change) == "-6 %" and cost.tone_name == "good"
    women = tiles.tile_text(WOMEN, Filters(2019), "en")
    assert women.change == "+2.1 pp" and women.value == "14.0%"


def test_arabic_isolates_signed_figures_and_source_titles():
    text = tiles.tile_text(BUDGET, Filters(2019), "ar")
    assert text.change == f"{LRI}+67%{PDI}"
    assert "Libération (MAP)" in text.sources[-1].text and "\u2068" in text.sources[-1].text


def test_source_titles_go_through_the_callers_escape():
    hostile = kpis.Kpi(
        "programme_budget", 1, None, 2019, None,
        sources=(kpis.Source("x", 1, "MAD", "exact", "2019", "*bold* <b>", None, None),),
        published=True,
    )  # fmt: skip
    text = tiles.tile_text(hostile, Filters(2019), "fr", escape=lambda s: s.replace("*", "\\*"))
    assert text.sources == (tiles.Line("Source : \\*bold\\* <b>"),)


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_tile_without_data_says_so(lang):
    empty = kpis.Kpi("capc_interventions", None, None, None, None)
    text = tiles.tile_text(empty, Filters(2019, sectors=("commerce",)), lang)
    assert "2019" in text.value and text.previous is None and text.change is None
    assert text.notes  # interventions carry no sector
