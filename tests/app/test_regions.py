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
    plotly_charts,
    plotly_spec,
    query_of,
    select_filters,
    shown,
    texts,
)

ALL_REGIONS = set(range(1, 13))
WITHOUT_2019 = ("Béni Mellal-Khénifra", "Dakhla-Oued Ed-Dahab")


def open_regions(query: dict[str, str] | None = None):
    return open_page("regions", query)


def ranking(at):
    """The ranking table under the map (the table behind the map, shown open)."""
    return shown(at.main.dataframe[-1])


def map_traces(at) -> list[dict]:
    """The map's region shapes (SVG fills: no tile server, draws offline), without its key."""
    charts = plotly_charts(at)
    assert [chart.key for chart in charts] == ["chart_region_map"]
    spec = plotly_spec(charts[0])
    assert "map" not in spec["layout"]  # no tile map: nothing to fetch, nothing to clip
    return [trace for trace in spec["data"] if trace.get("fill") == "toself"]


def locations(traces: list[dict]) -> set[int]:
    return {int(trace["meta"]) for trace in traces}


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
    assert "Classement des régions en 2019" in texts(at.main.header)
    assert_default_2019(at)
    table = ranking(at)
    # Ranked by beneficiaries per 100 000 inhabitants (2024 census), highest first.
    rates = [float(rate.replace(",", ".")) for rate in table["Pour 100 000 habitants"]]
    assert rates == sorted(rates, reverse=True)
    # The table behind the map is the ranking itself, shown open under the map.
    assert "Sans bénéficiaire en 2019 : Béni Mellal-Khénifra et Dakhla-Oued Ed-Dahab." in texts(
        at.caption
    )


def test_map_draws_every_region():
    traces = map_traces(open_regions())
    assert len(traces) == 12 and locations(traces) == ALL_REGIONS
    none = [trace for trace in traces if trace.get("legendgroup") == "Aucun bénéficiaire"]
    assert locations(none) == {5, 12}  # drawn flat, named "Aucun bénéficiaire" in the legend
    assert all("Aucun bénéficiaire" in trace["text"] for trace in none)
    people = [trace for trace in traces if trace not in none]
    assert all("bénéficiaires" in trace["text"] for trace in people)  # named on hover


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
    assert "Classement des régions en 2018" in texts(at.main.header)
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
    traces = map_traces(at)
    outside = [trace for trace in traces if trace.get("legendgroup") == "Hors sélection"]
    assert locations(outside) == ALL_REGIONS - {6}
    assert locations(traces) - locations(outside) == {6}
    assert all("Hors sélection" in trace["text"] for trace in outside)


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
