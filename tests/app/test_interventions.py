"""The interventions page: CAPC support by type, centre and month, for one year or 2018-2019."""

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
    texts,
)

BY_TYPE = "Interventions par type"
BY_CENTRE = "Interventions par centre"
BY_MONTH = "Interventions par mois et par type"
TYPES = ["Administratif", "Juridique", "Social", "Familial", "Médical"]


def open_interventions(query: dict[str, str] | None = None):
    return open_page("interventions", query)


def total(at) -> float:
    return column_total(chart_table(at, BY_TYPE), "Interventions")


def assert_default_view(at) -> None:
    """2018-2019, the period of the published total: 9 183 interventions."""
    assert at.segmented_control(key="intervention_period").value == "all"
    types = chart_table(at, BY_TYPE)
    assert types["Type d'intervention"].tolist() == TYPES
    assert total(at) == 9_183
    assert column_total(chart_table(at, BY_CENTRE), "Interventions") == 9_183
    months = chart_table(at, BY_MONTH)
    assert len(months) == 24
    assert sum(column_total(months, name) for name in TYPES) == 9_183


def test_default_view_covers_2018_2019():
    at = open_interventions()
    assert_clean(at)
    assert texts(at.title) == ["Interventions des CAPC"]
    assert [chart.key for chart in plotly_charts(at)] == [
        "chart_by_type",
        "chart_by_centre",
        "chart_by_month",
    ]
    assert_default_view(at)
    period = at.segmented_control(key="intervention_period")
    assert period.options == ["2019", "2018-2019"]
    # Interventions carry no sector: the page offers no sector filter.
    assert [widget.key for widget in at.sidebar.multiselect] == ["f_regions", "f_sexes"]
    assert at.selectbox(key="f_year").options == ["2019", "2018"]


def test_demo_badge():
    assert badges(open_interventions()) == [("orange", "données de démonstration")]


def test_one_year_periods_add_up_to_the_published_total():
    at = open_interventions()
    at.segmented_control(key="intervention_period").set_value("year").run()
    assert_clean(at)
    in_2019 = total(at)
    expected = queries.interventions_by_year(Filters(2019), options()).set_index("year")
    assert in_2019 == expected.loc[2019, "interventions"]
    assert len(chart_table(at, BY_MONTH)) == 12
    at.selectbox(key="f_year").select(2018).run()
    assert_clean(at)
    assert at.query_params == {"year": "2018"}
    assert at.segmented_control(key="intervention_period").options == ["2018", "2018-2019"]
    in_2018 = total(at)
    assert in_2018 == expected.loc[2018, "interventions"]
    assert in_2018 + in_2019 == 9_183


def test_region_filter_keeps_the_region_s_centres():
    at = open_interventions()
    at.multiselect(key="f_regions").select(6).run()
    assert_clean(at)
    assert at.query_params == {"region": "6"}
    centres = chart_table(at, BY_CENTRE)
    assert set(centres["Région"]) == {"Casablanca-Settat"}
    assert set(centres["Centre"]) == {"Casablanca", "Settat", "El Jadida"}
    expected = queries.interventions_by_year(Filters(2019, (6,)), options())
    assert total(at) == expected["interventions"].sum()
    assert total(at) < 9_183


def test_sex_filter():
    at = open_interventions()
    at.multiselect(key="f_sexes").select("F").run()
    assert_clean(at)
    assert at.query_params == {"sex": "F"}
    expected = queries.interventions_by_type(Filters(2019, (), (), ("F",)), options(), [2018, 2019])
    types = chart_table(at, BY_TYPE).set_index("Type d'intervention")
    for name, count in zip(expected["name_fr"], expected["interventions"], strict=True):
        assert types.loc[name, "Interventions"] == format_number(count, "fr"), name
    assert 0 < total(at) < 9_183


@pytest.mark.parametrize(("name", "value"), BAD_PARAMS)
def test_bad_url_parameter_gives_a_warning_and_the_default_view(name, value):
    assert_default_view(open_with_bad_param("interventions", name, value))


def test_selection_without_intervention_shows_the_message():
    def empty(selection: Filters) -> bool:
        frame = queries.interventions_by_type(selection, options(), [2018, 2019])
        return frame["interventions"].sum() == 0

    at = open_interventions(query_of(find_selection(empty)))
    assert_clean(at)
    assert texts(at.main.info) == [fr("common.empty_selection")]
    assert not plotly_charts(at)
