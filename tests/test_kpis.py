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
