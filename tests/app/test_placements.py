"""The placements page: placements in partner companies by year, sex, sector and region."""

from __future__ import annotations

import pytest

from lib.formatting import format_number
from lib.warehouse import queries
from lib.warehouse.filters import Filters
from tests.app.helpers import (
    BAD_PARAMS,
    assert_clean,
    badges,
    chart_table,
    column_total,
    find_selection,
    fr,
    open_page,
    open_with_bad_param,
    options,
    plotly_charts,
    query_of,
    select_filters,
    texts,
)

BY_YEAR = "Placements par année et par sexe"
# Placements were published for these years only, 2018 last: a 2019 view falls back to 2018.
PUBLISHED = {
    2013: ["3\u202f142", "468", "2\u202f674"],
    2014: ["933", "162", "771"],
    2015: ["1\u202f719", "295", "1\u202f424"],
    2018: ["453", "87", "366"],
}


def by_sector(year: int) -> str:
    return f"Placements par secteur en {year}"


def by_region(year: int) -> str:
    return f"Placements par région en {year}"


def open_placements(query: dict[str, str] | None = None):
    return open_page("placements", query)


def assert_default_view(at) -> None:
    """The 2019 selection shown as 2018, the latest year with placements, and said so."""
    assert fr("filters.year_fallback", asked=2019, shown=2018) in texts(at.main.info)
    assert at.selectbox(key="f_year").value == 2018
    years = chart_table(at, BY_YEAR).set_index("Année")
    assert {year: row.tolist() for year, row in years.iterrows()} == PUBLISHED
    sectors = chart_table(at, by_sector(2018))
    assert column_total(sectors, "Placements") == 453
    assert column_total(sectors, "Femmes") == 87
    regions = chart_table(at, by_region(2018))
    assert len(regions) == 12
    assert column_total(regions, "Placements") == 453


def test_default_view_shows_2018():
    at = open_placements()
    assert_clean(at)
    assert texts(at.title) == ["Placements en entreprise"]
    assert "Répartition en 2018" in texts(at.header)
    assert [chart.key for chart in plotly_charts(at)] == [
        "chart_placements_by_year",
        "chart_placements_by_sector",
        "chart_placements_by_region",
    ]
    assert_default_view(at)
    assert fr("placements.gap_note") in texts(at.caption)
    # Showing 2018 does not change the session's selection: the URL stays the default view.
    assert at.query_params == {}


def test_demo_badge():
    assert badges(open_placements()) == [("orange", "données de démonstration")]


def test_year_filter_shows_2015():
    at = open_placements()
    assert at.selectbox(key="f_year").options == ["2018", "2015", "2014", "2013"]
    at.selectbox(key="f_year").select(2015).run()
    assert_clean(at)
    assert at.query_params == {"year": "2015"}
    assert not at.main.info  # 2015 has placements: no fallback message
    assert "Répartition en 2015" in texts(at.header)
    assert column_total(chart_table(at, by_sector(2015)), "Placements") == 1_719
    assert column_total(chart_table(at, by_region(2015)), "Femmes") == 295


def test_region_filter_shows_casablanca_settat_only():
    at = open_placements()
    at.multiselect(key="f_regions").select(6).run()
    assert_clean(at)
    assert at.query_params == {"region": "6"}
    regions = chart_table(at, by_region(2018))
    assert regions["Région"].tolist() == ["Casablanca-Settat"]
    expected = queries.placements_by_year(Filters(2018, (6,)), options()).set_index("year")
    assert regions["Placements"].tolist() == [format_number(expected.loc[2018, "placements"], "fr")]
    years = chart_table(at, BY_YEAR).set_index("Année")
    for year, row in expected.iterrows():
        assert years.loc[year, "Placements"] == format_number(row["placements"], "fr"), year
    assert (
        column_total(chart_table(at, by_sector(2018)), "Placements")
        == (expected.loc[2018, "placements"])
    )


def test_sector_and_sex_filters():
    selection = Filters(2018, (), ("industrie",), ("F",))
    at = select_filters(open_placements(), selection, ("sectors", "sexes"))
    assert_clean(at)
    assert at.query_params == {"sector": "industrie", "sex": "F"}
    sectors = chart_table(at, by_sector(2018))
    assert sectors["Secteur"].tolist() == ["Industrie"]
    expected = queries.placements_by_year(selection, options()).set_index("year")
    years = chart_table(at, BY_YEAR).set_index("Année")
    for year, row in expected.iterrows():
        # Only women selected: every placement is a woman's.
        assert years.loc[year].tolist() == [format_number(row["placements"], "fr")] * 2 + ["0"]
    assert sectors["Placements"].tolist() == [format_number(expected.loc[2018, "placements"], "fr")]


@pytest.mark.parametrize(("name", "value"), BAD_PARAMS)
def test_bad_url_parameter_gives_a_warning_and_the_default_view(name, value):
    assert_default_view(open_with_bad_param("placements", name, value))


def test_selection_without_placement_shows_the_message():
    def empty(selection: Filters) -> bool:
        frame = queries.placements_by_year(selection, options())
        return frame.empty or frame["placements"].sum() == 0

    at = open_placements(query_of(find_selection(empty)))
    assert_clean(at)
    assert fr("common.empty_selection") in texts(at.main.info)
    assert not plotly_charts(at)


def test_selection_without_placement_in_the_year_shows_the_message_under_the_trend():
    def empty_in_2018(selection: Filters) -> bool:
        frame = queries.placements_by_year(selection, options())
        in_2018 = frame.loc[frame["year"] == 2018, "placements"].sum()
        return frame["placements"].sum() > 0 and in_2018 == 0

    selection = find_selection(empty_in_2018, year=2018)
    at = open_placements(query_of(selection))
    assert_clean(at)
    assert texts(at.main.info) == [fr("common.empty_selection")]
    assert [chart.key for chart in plotly_charts(at)] == ["chart_placements_by_year"]
