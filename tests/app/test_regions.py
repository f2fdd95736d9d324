"""The regions page: the map of the 12 regions, the ranking, census and measure choices."""

from __future__ import annotations

import pytest

from lib.formatting import format_number
from lib.warehouse import queries
from lib.warehouse.filters import Filters
from tests.app.helpers import (
    BAD_PARAMS,
    assert_clean,
    badges,
    column_total,
    find_selection,
    fr,
    open_page,
    open_with_bad_param,
    options,
    plotly_array,
    plotly_charts,
    plotly_spec,
    query_of,
    select_filters,
    texts,
)

ALL_REGIONS = set(range(1, 13))
WITHOUT_2019 = ("Béni Mellal-Khénifra", "Dakhla-Oued Ed-Dahab")


def open_regions(query: dict[str, str] | None = None):
    return open_page("regions", query)


def ranking(at):
    """The ranking table under the map (the table behind the map, shown open)."""
    return at.main.dataframe[-1].value.reset_index(drop=True)


def map_traces(at) -> list[dict]:
    charts = plotly_charts(at)
    assert [chart.key for chart in charts] == ["chart_region_map"]
    spec = plotly_spec(charts[0])
    assert spec["layout"]["map"]["style"] == "white-bg"  # no tile server: draws offline
    return spec["data"]


def locations(trace: dict) -> set[int]:
    return {int(code) for code in plotly_array(trace["locations"])}


def assert_default_2019(at) -> None:
    table = ranking(at)
    assert len(table) == 12
    assert table["Rang"].tolist() == list(range(1, 13))
    assert column_total(table, "Bénéficiaires") == 478
    assert column_total(table, "Budget (MAD)") == 13_500_000
    zero = table[table["Bénéficiaires"] == "0"]
    assert sorted(zero["Région"]) == sorted(WITHOUT_2019)
    # Regions without beneficiaries close the ranking, at a rate of 0.
    assert zero["Rang"].tolist() == [11, 12]
    assert zero["Pour 100 000 habitants"].tolist() == ["0,0", "0,0"]


def test_default_view_2019():
    at = open_regions()
    assert_clean(at)
    assert texts(at.title) == ["Régions"]
    assert "Classement des régions en 2019" in [expander.label for expander in at.expander]
    assert_default_2019(at)
    table = ranking(at)
    # Ranked by beneficiaries per 100 000 inhabitants (2024 census), highest first.
    rates = [float(rate.replace(",", ".")) for rate in table["Pour 100 000 habitants"]]
    assert rates == sorted(rates, reverse=True)
    # The table behind the map is the ranking itself, shown open under the map.
    assert "Sans bénéficiaire en 2019 : Béni Mellal-Khénifra, Dakhla-Oued Ed-Dahab." in texts(
        at.caption
    )


def test_map_draws_every_region():
    traces = map_traces(open_regions())
    assert {trace["type"] for trace in traces} == {"choroplethmap"}
    people, none = traces
    assert locations(people) == ALL_REGIONS - {5, 12}
    assert locations(none) == {5, 12}  # drawn flat, named "Aucun bénéficiaire"
    assert "Aucun bénéficiaire" in none["hovertemplate"]


def test_demo_badge():
    assert badges(open_regions()) == [("orange", "données de démonstration")]


def test_measure_and_census_choices():
    at = open_regions()
    at.segmented_control(key="region_measure").set_value("beneficiaries").run()
    assert_clean(at)
    table = ranking(at)
    counts = [int(count) for count in table["Bénéficiaires"]]
    assert counts == sorted(counts, reverse=True)
    at.segmented_control(key="census").set_value(2014).run()
    assert_clean(at)
    frame = queries.beneficiaries_by_region(Filters(2019), options()).set_index("name_fr")
    table = ranking(at).set_index("Région")
    for name, population in frame["population_2014"].items():
        assert table.loc[name, "Population"] == format_number(population, "fr"), name


def test_year_filter_2018_covers_every_region():
    at = open_regions()
    at.selectbox(key="f_year").select(2018).run()
    assert_clean(at)
    assert at.query_params == {"year": "2018"}
    assert "Classement des régions en 2018" in [expander.label for expander in at.expander]
    table = ranking(at)
    assert len(table) == 12
    assert column_total(table, "Bénéficiaires") == 270
    assert column_total(table, "Budget (MAD)") == 8_100_000
    assert "0" not in table["Bénéficiaires"].tolist()  # 12 regions covered in 2018
    assert not [caption for caption in texts(at.caption) if caption.startswith("Sans bénéf")]


def test_region_filter_ranks_the_selected_regions_only():
    at = open_regions()
    at.multiselect(key="f_regions").select(6).run()
    assert_clean(at)
    assert at.query_params == {"region": "6"}
    table = ranking(at)
    assert table["Région"].tolist() == ["Casablanca-Settat"]
    assert table["Rang"].tolist() == [1]
    frame = queries.beneficiaries_by_region(Filters(2019, (6,)), options())
    row = frame[frame["region_code"] == 6].iloc[0]
    assert table["Bénéficiaires"].tolist() == [format_number(row["beneficiaries"], "fr")]
    # The map still draws all 12: the others greyed out as outside the selection.
    people, outside = map_traces(at)
    assert locations(people) == {6}
    assert locations(outside) == ALL_REGIONS - {6}
    assert "Hors sélection" in outside["hovertemplate"]


def test_sector_and_sex_filters():
    selection = Filters(2019, (), ("commerce",), ("M",))
    at = select_filters(open_regions(), selection, ("sectors", "sexes"))
    assert_clean(at)
    assert at.query_params == {"sector": "commerce", "sex": "M"}
    frame = queries.beneficiaries_by_region(selection, options()).set_index("name_fr")
    table = ranking(at).set_index("Région")
    assert len(table) == 12
    for name, count in frame["beneficiaries"].items():
        assert table.loc[name, "Bénéficiaires"] == format_number(count, "fr"), name
    assert column_total(ranking(at), "Bénéficiaires") < 478


@pytest.mark.parametrize(("name", "value"), BAD_PARAMS)
def test_bad_url_parameter_gives_a_warning_and_the_default_view(name, value):
    assert_default_2019(open_with_bad_param("regions", name, value))


def test_selection_without_beneficiary_shows_the_message_and_still_the_map():
    def empty(selection: Filters) -> bool:
        frame = queries.beneficiaries_by_region(selection, options())
        return frame.loc[frame["selected"], "beneficiaries"].sum() == 0

    at = open_regions(query_of(find_selection(empty)))
    assert_clean(at)
    assert texts(at.main.info) == [fr("common.empty_selection")]
    map_traces(at)
    assert column_total(ranking(at), "Bénéficiaires") == 0
