"""lib.warehouse.filters: the URL form of a selection, and what happens to a link that cannot be
read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.warehouse.filters import (
    FilterOptions,
    Filters,
    effective_year,
    parse_query_params,
    to_query_params,
)

OPTIONS = FilterOptions(
    years=(2013, 2014, 2018, 2019),
    regions=tuple(range(1, 13)),
    sectors=("commerce", "agriculture", "services"),
)


def test_empty_url_is_the_default_view():
    filters, problems = parse_query_params({}, OPTIONS, 2019)
    assert filters == Filters(2019) and problems == []


def test_valid_parameters_are_read():
    params = {"year": "2018", "region": "6,1", "sector": "agriculture", "sex": "f"}
    filters, problems = parse_query_params(params, OPTIONS, 2019)
    assert filters == Filters(2018, (1, 6), ("agriculture",), ("F",))
    assert problems == []


def test_repeated_parameters_are_read_like_lists():
    filters, _ = parse_query_params({"region": ["1", "6"]}, OPTIONS, 2019)
    assert filters.regions == (1, 6)


def test_bad_parameters_are_reported_and_ignored():
    params = {"year": "abc", "region": "99", "sector": "x", "sex": "Z"}
    filters, problems = parse_query_params(params, OPTIONS, 2019)
    assert filters == Filters(2019)
    assert [p.message_key for p in problems] == [
        "filters.bad_year",
        "filters.bad_regions",
        "filters.bad_sectors",
        "filters.bad_sexes",
    ]
    assert problems[0].value == "abc" and "2019" in problems[0].params["allowed"]


def test_one_bad_parameter_leaves_the_others_alone():
    filters, problems = parse_query_params({"year": "2018", "region": "6,x"}, OPTIONS, 2019)
    assert filters == Filters(2018) and len(problems) == 1


def test_choosing_everything_is_the_same_as_choosing_nothing():
    filters, _ = parse_query_params({"sex": "F,M"}, OPTIONS, 2019)
    assert filters.sexes == ()


def test_sql_params_expand_all():
    params = Filters(2019, regions=(6,)).sql_params(OPTIONS)
    assert params == {"regions": [6], "sectors": list(OPTIONS.sectors), "sexes": ["F", "M"]}


def test_effective_year_falls_back_to_the_nearest_earlier_year():
    assert effective_year(2019, (2013, 2014, 2015, 2018)) == 2018
    assert effective_year(2016, (2013, 2014, 2015, 2018)) == 2015
    assert effective_year(2010, (2013, 2014)) == 2013
    assert effective_year(2014, (2013, 2014)) == 2014


@settings(deadline=None)
@given(
    year=st.sampled_from(OPTIONS.years),
    regions=st.sets(st.sampled_from(OPTIONS.regions)),
    sectors=st.sets(st.sampled_from(OPTIONS.sectors)),
    sexes=st.sets(st.sampled_from(("F", "M"))),
)
def test_url_round_trip(year, regions, sectors, sexes):
    chosen, _ = parse_query_params(
        {
            "region": ",".join(map(str, regions)),
            "sector": ",".join(sectors),
            "sex": ",".join(sexes),
            "year": str(year),
        },
        OPTIONS,
        2019,
    )
    again, problems = parse_query_params(to_query_params(chosen, 2019), OPTIONS, 2019)
    assert again == chosen and problems == []


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(["year", "region", "sector", "sex", "other"]), st.text()))
def test_any_url_gives_a_valid_selection(params):
    filters, _ = parse_query_params(params, OPTIONS, 2019)
    assert filters.year in OPTIONS.years
    assert set(filters.regions) <= set(OPTIONS.regions)
    assert set(filters.sectors) <= set(OPTIONS.sectors)
    assert set(filters.sexes) <= {"F", "M"}


@pytest.mark.parametrize("raw", ["²", "¹⁹", "٢٠١٩", "9" * 5000, " 2019x", "2019.0"])
def test_a_year_that_only_looks_like_digits_is_refused_not_crashed(raw):
    filters, problems = parse_query_params({"year": raw}, OPTIONS, 2019)
    assert filters.year == 2019
    assert [problem.name for problem in problems] == ["year"]
