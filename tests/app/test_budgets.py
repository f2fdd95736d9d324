"""The budgets page: envelopes by year, region and sector; cost per beneficiary."""

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

BY_YEAR = "Enveloppe par année (MAD)"
COST = "Coût moyen par bénéficiaire (MAD)"


def by_region(year: int) -> str:
    return f"Enveloppe par région en {year} (MAD)"


def by_sector(year: int) -> str:
    return f"Enveloppe par secteur en {year} (MAD)"


def open_budgets(query: dict[str, str] | None = None):
    return open_page("budgets", query)


def assert_default_2019(at) -> None:
    """The national 2019 view: the published 13 500 000 MAD and 478 beneficiaries."""
    years = chart_table(at, BY_YEAR).set_index("Année")
    assert years.loc[2019].tolist() == ["13\u202f500\u202f000", "478"]
    assert years.loc[2018].tolist() == ["8\u202f100\u202f000", "270"]
    regions = chart_table(at, by_region(2019))
    assert len(regions) == 12
    assert column_total(regions, "Budget (MAD)") == 13_500_000
    assert column_total(regions, "Bénéficiaires") == 478


def test_default_view_2019():
    at = open_budgets()
    assert_clean(at)
    assert texts(at.title) == ["Budgets"]
    assert "Répartition en 2019" in texts(at.header)
    assert [chart.key for chart in plotly_charts(at)] == [
        "chart_budget_by_year",
        "chart_cost_by_year",
        "chart_budget_by_region",
        "chart_budget_by_sector",
    ]
    assert_default_2019(at)
    cost = chart_table(at, COST).set_index("Année")
    assert cost.loc[2019, "Coût par bénéficiaire (MAD)"] == "28\u202f243"
    assert cost.loc[2018, "Coût par bénéficiaire (MAD)"] == "30\u202f000"
    regions = chart_table(at, by_region(2019)).set_index("Région")
    # The two regions without a grant in 2019: 0 MAD, and no cost per beneficiary.
    for name in ("Béni Mellal-Khénifra", "Dakhla-Oued Ed-Dahab"):
        assert regions.loc[name].tolist() == ["0", "0", "—"], name
    sectors = chart_table(at, by_sector(2019))
    assert len(sectors) == len(options().sectors)
    assert column_total(sectors, "Budget (MAD)") == 13_500_000
    assert column_total(sectors, "Bénéficiaires") == 478


def test_demo_badge():
    assert badges(open_budgets()) == [("orange", "données de démonstration")]


def test_year_filter_shows_the_2018_breakdown():
    at = open_budgets()
    at.selectbox(key="f_year").select(2018).run()
    assert_clean(at)
    assert at.query_params == {"year": "2018"}
    assert "Répartition en 2018" in texts(at.header)
    regions = chart_table(at, by_region(2018))
    assert column_total(regions, "Budget (MAD)") == 8_100_000
    assert column_total(regions, "Bénéficiaires") == 270
    assert column_total(chart_table(at, by_sector(2018)), "Budget (MAD)") == 8_100_000


def test_region_filter_shows_casablanca_settat_only():
    at = open_budgets()
    at.multiselect(key="f_regions").select(6).run()
    assert_clean(at)
    assert at.query_params == {"region": "6"}
    assert "Sélection : Casablanca-Settat" in texts(at.caption)
    regions = chart_table(at, by_region(2019))
    assert regions["Région"].tolist() == ["Casablanca-Settat"]
    expected = queries.beneficiaries_by_year(Filters(2019, (6,)), options()).set_index("year")
    years = chart_table(at, BY_YEAR).set_index("Année")
    assert years.index.tolist() == expected.index.tolist()
    for year, row in expected.iterrows():
        assert years.loc[year, "Budget (MAD)"] == format_number(row["budget_mad"], "fr"), year
        assert years.loc[year, "Bénéficiaires"] == format_number(row["beneficiaries"], "fr")
    assert regions["Budget (MAD)"].tolist() == [
        format_number(expected.loc[2019, "budget_mad"], "fr")
    ]
    assert (
        column_total(chart_table(at, by_sector(2019)), "Budget (MAD)")
        == (expected.loc[2019, "budget_mad"])
    )


def test_sector_and_sex_filters():
    selection = Filters(2019, (), ("agriculture",), ("F",))
    at = select_filters(open_budgets(), selection, ("sectors", "sexes"))
    assert_clean(at)
    assert at.query_params == {"sector": "agriculture", "sex": "F"}
    sectors = chart_table(at, by_sector(2019))
    assert sectors["Secteur"].tolist() == ["Agriculture"]
    expected = queries.beneficiaries_by_sector(selection, options())
    row = expected[expected["sector_code"] == "agriculture"].iloc[0]
    assert sectors["Budget (MAD)"].tolist() == [format_number(row["budget_mad"], "fr")]
    assert sectors["Bénéficiaires"].tolist() == [format_number(row["beneficiaries"], "fr")]


@pytest.mark.parametrize(("name", "value"), BAD_PARAMS)
def test_bad_url_parameter_gives_a_warning_and_the_default_view(name, value):
    assert_default_2019(open_with_bad_param("budgets", name, value))


def test_selection_without_any_grant_shows_the_message():
    def empty(selection: Filters) -> bool:
        return queries.beneficiaries_by_year(selection, options()).empty

    at = open_budgets(query_of(find_selection(empty)))
    assert_clean(at)
    assert texts(at.main.info) == [fr("common.empty_selection")]
    assert not plotly_charts(at)


def test_selection_without_grant_in_the_year_shows_the_message_under_the_trends():
    # Grants in other years, none in 2019 (a region left out that year, for instance).
    def empty_in_2019(selection: Filters) -> bool:
        frame = queries.beneficiaries_by_year(selection, options())
        return not frame.empty and frame.loc[frame["year"] == 2019, "budget_mad"].sum() == 0

    at = open_budgets(query_of(find_selection(empty_in_2019)))
    assert_clean(at)
    assert texts(at.main.info) == [fr("common.empty_selection")]
    assert [chart.key for chart in plotly_charts(at)] == [
        "chart_budget_by_year",
        "chart_cost_by_year",
    ]
