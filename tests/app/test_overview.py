"""The overview page (the default page of app.py): KPI tiles, trends, filters, URL, demo badge."""

from __future__ import annotations

import pytest
from streamlit.proto.Metric_pb2 import Metric

from lib.formatting import format_money_short, format_number
from lib.warehouse import queries
from lib.warehouse.filters import Filters
from tests.app.helpers import (
    BAD_PARAMS,
    NBSP,
    NNBSP,
    assert_clean,
    badges,
    chart_table,
    column_total,
    find_selection,
    fr,
    metrics,
    new_app,
    open_page,
    options,
    plotly_charts,
    query_of,
    select_filters,
    texts,
)

# The published figures the demo warehouse reproduces, as the 2019 tiles print them.
TILES_2019 = {
    "Budget du programme": ("13,5\xa0M\xa0MAD", "+67\xa0%"),
    "Bénéficiaires": ("478", "+77\xa0%"),
    "Coût par bénéficiaire": ("28\u202f243\xa0MAD", "-6\xa0%"),
}


def _year_row(selection: Filters) -> dict:
    frame = queries.beneficiaries_by_year(selection, options())
    rows = frame[frame["year"] == selection.year]
    assert len(rows) == 1, f"no programme data for {selection}"
    return rows.iloc[0].to_dict()


def test_default_view_shows_the_2019_tiles():
    at = open_page("overview")
    assert_clean(at)
    assert texts(at.title) == ["Vue d'ensemble"]
    tiles = metrics(at)
    for label, shown in TILES_2019.items():
        assert tiles[label] == shown, label
    assert tiles["Régions couvertes"][0] == "10"
    # Placements were not counted in 2019: the tile shows 2018's figure and says so.
    assert "Placements" not in tiles
    assert tiles["Placements (2018)"][0] == "453"
    assert len(tiles) == 8  # with the outcome tile (tests/app/test_outcomes.py)
    assert "Tout le programme" in texts(at.caption)


# A tile's demonstration mark (a badge arrives in the element tree as Markdown).
DEMO_MARK = ":orange-badge[:material/science: données de démonstration]"


def _tiles(at) -> dict[str, dict]:
    """label -> what its tile shows: value, change, its colour, the lines under it, and
    whether it carries the demonstration mark."""
    shown = {}
    for column in at.columns:
        found = list(column.get("metric"))
        if len(found) != 1:
            continue
        metric = found[0]
        shown[metric.label] = {
            "value": metric.value,
            "change": metric.delta or "",
            "colour": Metric.MetricColor.Name(metric.proto.color),
            "lines": texts(column.caption),
            "demo": DEMO_MARK in [element.value for element in column.markdown],
        }
    return shown


def test_each_tile_shows_the_previous_value_and_its_demonstration_mark():
    tiles = _tiles(open_page("overview"))
    assert tiles["Budget du programme"]["lines"][0] == "2018 : 8,1\xa0M\xa0MAD"
    assert tiles["Bénéficiaires"]["lines"][0] == "2018 : 270"
    assert tiles["Coût par bénéficiaire"]["lines"][0] == f"2018 : 30{NNBSP}000\xa0MAD"
    assert tiles["Part des femmes"]["lines"][0] == "2018 : 11,9\xa0%"
    assert tiles["Interventions CAPC"]["lines"][0] == f"2018 : 4{NNBSP}243"
    # Placements were last counted in 2018, before that in 2015: the change says so.
    placements = tiles["Placements (2018)"]
    assert placements["lines"][0] == f"2015 : 1{NNBSP}719"
    assert placements["change"] == "-74\xa0% par rapport à 2015"
    # The share of women and the 2019 interventions (4 940, under the 9 183 published for
    # 2018-2019) come from demonstration records; the others are published figures.
    demo = {label for label, tile in tiles.items() if tile["demo"]}
    outcome = "Micro-projets actifs 12 mois après"  # follow-ups
    assert demo == {"Part des femmes", "Interventions CAPC", outcome}


def test_tile_colours_say_good_or_bad_news_for_each_measure():
    tiles = _tiles(open_page("overview"))
    assert tiles["Budget du programme"]["colour"] == "GREEN"  # +67 %
    assert tiles["Coût par bénéficiaire"]["change"] == "-6\xa0%"
    assert tiles["Coût par bénéficiaire"]["colour"] == "GREEN"  # a falling cost is good news
    assert tiles["Régions couvertes"]["colour"] == "RED"  # 12 -> 10


def test_tiles_name_their_published_source_as_a_link():
    tiles = _tiles(open_page("overview"))
    libe = "Source : Libération (MAP), 29 mai 2019"
    budget = tiles["Budget du programme"]["lines"]
    assert budget[1] == f"Chiffre publié : plus de 13{NNBSP}500{NNBSP}000\xa0MAD"
    assert budget[2].startswith(f"[{libe}](https://m.libe.ma/")
    assert tiles["Coût par bénéficiaire"]["lines"][1] == "Calculé d'après les chiffres publiés :"
    for label in ("Bénéficiaires", "Régions couvertes", "Placements (2018)"):
        assert tiles[label]["lines"][1].startswith(f"[{libe}](https://"), label
    capc = tiles["Interventions CAPC"]["lines"][1]
    assert capc.startswith(f"Publié pour 2018-2019 : 9{NNBSP}183 ("), capc
    assert not tiles["Part des femmes"]["lines"][1:]  # no source: the mark says what it is


def test_trend_charts_and_their_tables():
    at = open_page("overview")
    assert [chart.key for chart in plotly_charts(at)] == [
        "chart_budget_trend",
        "chart_beneficiaries_trend",
        "chart_placements_trend",
        "chart_interventions_trend",
    ]
    budget = chart_table(at, "Budget du programme par année (MAD)").set_index("Année")
    assert budget.loc[2019, "Budget (MAD)"] == "13\u202f500\u202f000"
    assert budget.loc[2018, "Budget (MAD)"] == "8\u202f100\u202f000"
    assert budget.loc[2019, "Bénéficiaires"] == "478"
    assert budget.loc[2018, "Bénéficiaires"] == "270"
    placements = chart_table(at, "Placements en entreprise par année").set_index("Année")
    assert placements.loc[2018].tolist() == ["453", "87", "366"]
    interventions = chart_table(at, "Interventions des CAPC par année")
    assert interventions["Année"].tolist() == [2018, 2019]
    assert column_total(interventions, "Interventions") == 9_183


def test_demo_badge():
    at = open_page("overview")
    # The page's badge, then the mark of each tile fed by demonstration records.
    assert badges(at) == [("orange", "données de démonstration")] * 4  # + the outcome tile
    # And the router's sidebar footer says where the breakdowns come from.
    assert fr("common.demo_footer") in texts(at.sidebar.caption)


def test_year_filter_shows_2018_and_writes_the_url():
    at = open_page("overview")
    assert at.query_params == {}
    at.selectbox(key="f_year").select(2018).run()
    assert_clean(at)
    tiles = metrics(at)
    assert tiles["Budget du programme"][0] == "8,1\xa0M\xa0MAD"
    assert tiles["Bénéficiaires"][0] == "270"
    assert tiles["Coût par bénéficiaire"][0] == "30\u202f000\xa0MAD"
    # 2018 has its own placements figure: no year in the label any more.
    assert tiles["Placements"][0] == "453"
    assert "Placements (2018)" not in tiles
    assert at.query_params == {"year": "2018"}
    assert any("pour 2018" in caption for caption in texts(at.caption))


def test_region_filter_narrows_every_tile():
    at = open_page("overview")
    at.multiselect(key="f_regions").select(6).run()
    assert_clean(at)
    assert at.query_params == {"region": "6"}
    assert "Sélection : Casablanca-Settat" in texts(at.caption)
    row = _year_row(Filters(2019, (6,)))
    tiles = metrics(at)
    assert tiles["Budget du programme"][0] == format_money_short(row["budget_mad"], "fr")
    assert tiles["Bénéficiaires"][0] == format_number(row["beneficiaries"], "fr")
    assert tiles["Régions couvertes"][0] == "1"
    assert tiles["Budget du programme"][0] != TILES_2019["Budget du programme"][0]
    # A narrowed view is not the published national figure: no "Publié :" notes.
    assert not [c for c in texts(at.caption) if c.startswith("Publié")]


def test_sector_and_sex_filters():
    selection = Filters(2019, (), ("agriculture",), ("F",))
    at = select_filters(open_page("overview"), selection, ("sectors", "sexes"))
    assert_clean(at)
    assert at.query_params == {"sector": "agriculture", "sex": "F"}
    assert "Sélection : Agriculture · Femmes" in texts(at.caption)
    row = _year_row(selection)
    tiles = metrics(at)
    assert tiles["Bénéficiaires"][0] == format_number(row["beneficiaries"], "fr")
    assert tiles["Budget du programme"][0] == format_money_short(row["budget_mad"], "fr")
    # Only women are selected: they are all the beneficiaries.
    assert tiles["Part des femmes"][0] == f"100,0{NBSP}%"


def test_a_link_reopens_the_view_the_widgets_made():
    by_widgets = open_page("overview")
    by_widgets.selectbox(key="f_year").select(2018).run()
    by_widgets.multiselect(key="f_regions").select(6).run()
    assert by_widgets.query_params == {"year": "2018", "region": "6"}
    by_link = open_page("overview", dict(by_widgets.query_params))
    assert_clean(by_link)
    assert metrics(by_link) == metrics(by_widgets)
    assert by_link.selectbox(key="f_year").value == 2018
    assert by_link.multiselect(key="f_regions").value == [6]
    assert by_link.query_params == {"year": "2018", "region": "6"}


@pytest.mark.parametrize(("name", "value"), BAD_PARAMS)
def test_bad_url_parameter_gives_a_warning_and_the_default_view(name, value):
    at = new_app({name: value}).run()
    assert_clean(at)
    warnings = texts(at.main.warning)
    assert len(warnings) == 1, warnings
    assert f"« {value} »" in warnings[0]
    tiles = metrics(at)
    for label, shown in TILES_2019.items():
        assert tiles[label] == shown, label
    assert "Tout le programme" in texts(at.caption)
    # The ignored parameter is dropped from the URL.
    assert at.query_params == {}


def test_empty_selection_shows_the_message():
    def empty(selection: Filters) -> bool:
        opts = options()
        return (
            queries.beneficiaries_by_year(selection, opts).empty
            and queries.placements_by_year(selection, opts).empty
            and queries.interventions_by_year(selection, opts).empty
        )

    selection = find_selection(empty)
    at = open_page("overview", query_of(selection))
    assert_clean(at)
    assert not at.main.warning
    assert texts(at.main.info) == [fr("common.empty_selection")]
    assert not at.metric
    assert not plotly_charts(at)


def test_a_charts_table_is_drawn_only_once_its_expander_is_opened():
    """The tables behind the charts cost the server nothing until a reader opens one: the page
    sends no table and no CSV or Excel button, then, once one is opened, that table alone."""
    at = open_page("overview")
    assert not at.dataframe
    keys = {button.key for button in at.get("download_button")}
    assert not {key for key in keys if key.endswith("_xlsx") or key == "download_budget_trend"}
    budget = chart_table(at, "Budget du programme par année (MAD)").set_index("Année")
    assert_clean(at)
    assert budget.loc[2019, "Budget (MAD)"] == "13\u202f500\u202f000"
    assert len(at.dataframe) == 1
    keys = {button.key for button in at.get("download_button")}
    assert {"download_budget_trend", "download_budget_trend_xlsx"} <= keys
    assert "download_placements_trend" not in keys


def test_the_filters_offer_no_english_select_all():
    """Streamlit's "Select all" entry cannot be translated; choosing nothing already means all
    (each filter's placeholder says so), so the sidebar's lists do not offer it."""
    at = open_page("overview")
    lists = at.sidebar.multiselect
    assert len(lists) == 3
    assert all(not element.proto.select_all for element in lists)
    assert lists[0].placeholder == "Toutes les régions"
