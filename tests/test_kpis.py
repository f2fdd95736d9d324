"""lib.warehouse.kpis: the tiles' values, previous values and years."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.warehouse import kpis

BY_YEAR = pd.DataFrame(
    {
        "year": [2018, 2019],
        "beneficiaries": [270, 478],
        "budget_mad": [8_100_000, 13_500_000],
        "women": [30, 67],
    }
)
PLACEMENTS = pd.DataFrame({"year": [2013, 2014, 2015, 2018], "placements": [3142, 933, 1719, 453]})


def test_kpi_for_year_compares_with_the_year_before():
    kpi = kpis.kpi_for_year(BY_YEAR, "budget_mad", 2019, "programme_budget")
    assert (kpi.value, kpi.previous, kpi.previous_year) == (13_500_000, 8_100_000, 2018)
    assert kpi.change == pytest.approx(2 / 3)


def test_kpi_for_a_year_without_data_is_empty():
    kpi = kpis.kpi_for_year(BY_YEAR, "budget_mad", 2014, "programme_budget")
    assert kpi.value is None and kpi.change is None


def test_kpi_latest_names_the_year_it_shows():
    kpi = kpis.kpi_latest(PLACEMENTS, "placements", 2019, "placements_in_companies")
    assert (kpi.value, kpi.year, kpi.previous, kpi.previous_year) == (453, 2018, 1719, 2015)
    early = kpis.kpi_latest(PLACEMENTS, "placements", 2013, "placements_in_companies")
    assert early.value == 3142 and early.previous is None
    none = kpis.kpi_latest(PLACEMENTS, "placements", 2010, "placements_in_companies")
    assert none.value is None


def test_ratios():
    frame = kpis.with_ratios(BY_YEAR).set_index("year")
    assert frame.loc[2019, "cost_per_beneficiary"] == pytest.approx(13_500_000 / 478)
    assert frame.loc[2019, "share_women"] == pytest.approx(67 / 478)
    empty = kpis.with_ratios(
        pd.DataFrame({"year": [2019], "beneficiaries": [0], "budget_mad": [0], "women": [0]})
    )
    assert empty["cost_per_beneficiary"].isna().all()


def test_kpi_for_year_names_an_earlier_base_year_when_the_year_before_has_no_data():
    frame = pd.DataFrame({"year": [2015, 2017], "beneficiaries": [317, 391]})
    kpi = kpis.kpi_for_year(frame, "beneficiaries", 2017, "programme_beneficiaries")
    assert (kpi.previous, kpi.previous_year, kpi.compares_year_before) == (317, 2015, False)
    first = kpis.kpi_for_year(frame, "beneficiaries", 2015, "programme_beneficiaries")
    assert first.previous is None and first.previous_year is None and first.compares_year_before


@pytest.mark.parametrize(
    ("difference", "better", "tone"),
    [(1, 1, 1), (-1, 1, -1), (-1, -1, 1), (1, -1, -1), (0, 1, 0), (1, 0, 0)],
)
def test_the_tone_is_good_or_bad_news_for_that_measure(difference, better, tone):
    kpi = kpis.Kpi("cost", 100 + difference, 100, 2019, 2018, better=better)
    assert kpi.tone == tone


# --- the overview's tiles on the demo warehouse ------------------------------------------------


def _overview(filters):
    from lib.warehouse import queries

    options = queries.filter_options()
    return {
        kpi.key: kpi
        for kpi in kpis.overview_tiles(
            queries.beneficiaries_by_year(filters, options),
            queries.placements_by_year(filters, options),
            queries.interventions_by_year(filters, options),
            queries.published_lookup(),
            filters,
        )
    }


def test_the_2019_tiles_say_what_they_compare():
    from lib.warehouse.filters import Filters

    tiles = _overview(Filters(2019))
    assert list(tiles) == [measure.key for measure in kpis.MEASURES]
    budget = tiles["programme_budget"]
    assert (budget.value, budget.year, budget.previous, budget.previous_year) == (
        13_500_000,
        2019,
        8_100_000,
        2018,
    )
    assert budget.change == pytest.approx(13.5 / 8.1 - 1) and budget.compares_year_before
    placements = tiles["placements_in_companies"]
    assert (placements.value, placements.year, placements.previous, placements.previous_year) == (
        453,
        2018,
        1719,
        2015,
    )
    assert placements.change == pytest.approx(453 / 1719 - 1)  # -74 %
    assert not placements.compares_year_before and placements.tone == -1
    cost = tiles["cost"]
    assert cost.value == pytest.approx(13_500_000 / 478)
    assert cost.previous == pytest.approx(8_100_000 / 270)
    assert cost.better == -1 and cost.change < 0 and cost.tone == 1  # a falling cost is good
    assert tiles["share_women"].in_points and not budget.in_points


def test_the_2019_tiles_name_their_sources_or_carry_the_demo_mark():
    from lib.warehouse.filters import Filters

    tiles = _overview(Filters(2019))
    assert all(kpi.demo for kpi in tiles.values())  # every record of the demo warehouse is
    budget = tiles["programme_budget"]
    assert budget.published and not budget.demo_mark
    (source,) = budget.sources
    assert (source.title, source.date.isoformat(), source.qualifier) == (
        "Libération (MAP)",
        "2019-05-29",
        "at_least",
    )
    assert source.url.startswith("https://m.libe.ma/")
    assert tiles["placements_in_companies"].sources[0].period == "2018"
    assert [s.indicator for s in tiles["cost"].sources] == [
        "programme_budget",
        "programme_beneficiaries",
    ]
    assert tiles["cost"].published
    capc = tiles["capc_interventions"]  # 4 940 in 2019, beside 9 183 published for 2018-2019
    assert capc.value == 4940 and not capc.published and capc.demo_mark
    assert (capc.sources[0].period, capc.sources[0].value) == ("2018-2019", 9183)
    women = tiles["share_women"]
    assert women.sources == () and women.demo_mark
    marked = [key for key, kpi in tiles.items() if kpi.demo_mark]
    assert marked == ["share_women", "capc_interventions"]


def test_a_narrowed_selection_cites_no_national_figure():
    from lib.warehouse.filters import Filters

    tiles = _overview(Filters(2019, regions=(6,)))
    assert all(kpi.sources == () and not kpi.published for kpi in tiles.values())
    assert all(kpi.demo_mark for kpi in tiles.values() if kpi.value is not None)


def test_a_source_address_is_a_link_only_when_it_is_a_web_address():
    row = {
        "indicator": "capc_interventions",
        "value": 9183.0,
        "unit": "interventions",
        "qualifier": "exact",
        "period": "2018-2019",
        "scope": "national",
        "source_title": "MAP",
        "source_url": "javascript:alert(1)",
        "source_date": None,
    }
    published = {("capc_interventions", "2018-2019", "national"): row}
    source, own_year = kpis.national_figure(published, "capc_interventions", 2018)
    assert source.url is None and source.date is None and not own_year
    assert kpis.national_figure(published, "capc_interventions", 2020) == (None, False)
    row["source_url"] = " https://mapnews.ma/x "
    assert kpis.national_figure(published, "capc_interventions", 2019)[0].url == (
        "https://mapnews.ma/x"
    )
