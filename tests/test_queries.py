"""lib.warehouse.queries on a tiny hand-made warehouse: exact values for every query the pages
use."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.config import get_settings
from lib.outcomes import cohorts
from lib.warehouse import db, queries
from lib.warehouse.build import build
from lib.warehouse.filters import Filters
from tests.small_records import small_records


@pytest.fixture
def small_warehouse(fresh_data_dir):
    build(get_settings(data_dir=fresh_data_dir), records=small_records())
    yield
    db.close_all()


@pytest.fixture
def options(small_warehouse):
    return queries.filter_options()


def test_filter_options_come_from_the_warehouse(options):
    assert options.years == (2018, 2019)
    assert options.regions == tuple(range(1, 13))
    assert options.sectors[0] == "commerce" and len(options.sectors) == 7


def test_beneficiaries_by_year(options):
    frame = queries.beneficiaries_by_year(Filters(2019), options).set_index("year")
    assert frame.loc[2018, ["beneficiaries", "budget_mad", "women"]].tolist() == [2, 50_000, 1]
    assert frame.loc[2019, ["beneficiaries", "budget_mad", "women"]].tolist() == [3, 90_000, 1]
    assert frame.loc[2019, "regions_covered"] == 2
    assert frame.loc[2019, ["moussalaha", "royal_handover"]].tolist() == [1, 1]


def test_filters_narrow_every_query(options):
    casablanca = Filters(2019, regions=(6,))
    frame = queries.beneficiaries_by_year(casablanca, options).set_index("year")
    assert frame.loc[2019, "budget_mad"] == 65_000
    women = Filters(2019, sexes=("F",))
    assert queries.beneficiaries_by_year(women, options)["beneficiaries"].tolist() == [1, 1]
    agriculture = Filters(2019, sectors=("agriculture",))
    assert queries.beneficiaries_by_year(agriculture, options)["budget_mad"].tolist() == [
        30_000,
        40_000,
    ]


def test_beneficiaries_by_region_lists_all_twelve_with_zeros(options):
    frame = queries.beneficiaries_by_region(Filters(2019), options).set_index("region_code")
    assert len(frame) == 12
    assert frame.loc[6, "beneficiaries"] == 2 and frame.loc[6, "budget_mad"] == 65_000
    assert frame.loc[9, "beneficiaries"] == 1
    assert frame.loc[1, "beneficiaries"] == 0  # had people in 2018 only
    assert frame["selected"].all()
    narrowed = queries.beneficiaries_by_region(Filters(2019, regions=(9,)), options)
    assert narrowed.set_index("region_code")["selected"].sum() == 1


def test_beneficiaries_by_sector(options):
    frame = queries.beneficiaries_by_sector(Filters(2019), options).set_index("sector_code")
    assert frame.loc["commerce", "budget_mad"] == 25_000
    assert frame.loc["agriculture", "women"] == 1
    assert frame.loc["batiment", "beneficiaries"] == 0


def test_placements(options):
    by_year = queries.placements_by_year(Filters(2018), options)
    assert by_year[["year", "placements", "women", "men"]].values.tolist() == [[2018, 3, 1, 2]]
    by_region = queries.placements_by_region(Filters(2018), options).set_index("region_code")
    assert by_region.loc[6, "placements"] == 2 and by_region.loc[4, "placements"] == 1
    by_sector = queries.placements_by_sector(Filters(2018), options).set_index("sector_code")
    assert by_sector.loc["industrie", "placements"] == 2


def test_interventions(options):
    by_year = queries.interventions_by_year(Filters(2019), options)
    assert by_year["interventions"].tolist() == [1, 2]
    by_type = queries.interventions_by_type(Filters(2019), options, [2019]).set_index("type_code")
    assert by_type.loc["social", "interventions"] == 1
    assert by_type.loc["medical", "interventions"] == 1
    assert by_type.loc["familial", "interventions"] == 0
    by_centre = queries.interventions_by_centre(Filters(2019), options, [2018, 2019])
    assert by_centre.set_index("centre_id").loc[1, "interventions"] == 2
    by_month = queries.interventions_by_month(Filters(2019), options, [2019])
    assert by_month["interventions"].sum() == 2


def test_record_years_and_provenance(options):
    assert queries.programme_years() == (2018, 2019)
    assert queries.placement_years() == (2018,)
    assert queries.intervention_years() == (2018, 2019)
    provenance = queries.record_provenance().set_index("record_table")
    assert provenance.loc["beneficiary", "demo"] == 5
    assert not queries.holds_real_records()
    assert queries.holds_demo_records()


def test_reconciliation_flags_figures_that_differ(options):
    frame = queries.reconciliation().set_index(["indicator", "period", "scope"])
    row = frame.loc[("programme_beneficiaries", "2019", "national")]
    assert row["published_value"] == 478 and row["warehouse_value"] == 3
    assert not row["matches"]


def test_names_come_from_the_warehouse_in_each_language(options):
    assert queries.names("region", "fr")["6"] == "Casablanca-Settat"
    assert queries.names("region", "ar")["6"] == "الدار البيضاء - سطات"
    assert queries.names("sector", "en")["batiment"] == "Construction"


# --- Outcomes: the follow-ups of tests/small_records.py ----------------------------------------


def test_outcome_spells_of_micro_projects_and_jobs(options):
    projects = queries.outcome_spells("beneficiary", Filters(2019), options)
    rows = projects.sort_values(["cohort_year", "months"])
    assert rows[["cohort_year", "months", "ended"]].values.tolist() == [
        [2018, 12, True],
        [2018, 24, False],
        [2019, 2, True],
        [2019, 3, False],
        [2019, 6, True],
    ]
    closed = projects[projects["end_status"] == "projet_ferme"].set_index("cohort_year")
    assert closed["reason_code"].to_dict() == {2018: "revenus_insuffisants", 2019: "dettes"}
    assert projects["records"].sum() == 5 and projects["any_demo"].all()
    jobs = queries.outcome_spells("placement", Filters(2019), options)
    assert sorted(jobs[["months", "end_status"]].values.tolist()) == [
        [6, "depart"],
        [20, "retour_prison"],
    ]  # placement 3 was never followed
    with pytest.raises(ValueError):
        queries.outcome_spells("intervention", Filters(2019), options)


def test_outcome_spells_follow_the_filters(options):
    women = queries.outcome_spells("beneficiary", Filters(2019, sexes=("F",)), options)
    assert sorted(women["months"].tolist()) == [3, 12]
    casablanca = queries.outcome_spells("beneficiary", Filters(2019, regions=(6,)), options)
    assert casablanca["records"].sum() == 3
    shares = cohorts.share_active(casablanca, by="cohort_year", horizons=[6])
    assert shares.set_index("cohort_year")["share"].tolist() == [1.0, 0.0]


def test_outcome_spells_by_region_sector_or_sex(options):
    by_region = queries.outcome_spells_by("beneficiary", "region_code", Filters(2019), options)
    assert by_region.groupby("group_code")["records"].sum().to_dict() == {"1": 1, "6": 3, "9": 1}
    by_sex = queries.outcome_spells_by("beneficiary", "sex", Filters(2019), options)
    shares = cohorts.share_active(by_sex, by="group_code", horizons=[12]).set_index("group_code")
    assert shares.loc["F", "share"] == 0.0 and shares.loc["M", "share"] == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        queries.outcome_spells_by("beneficiary", "age_band", Filters(2019), options)


def test_outcome_returns_and_the_cohort_views(options):
    returns = queries.outcome_returns(Filters(2019), options)
    assert returns["records"].sum() == 7
    back = returns[returns["return_months"].notna()]  # summed over kinds, regions, sectors, sexes
    assert back[["cohort_year", "return_year", "return_months"]].values.tolist() == [
        [2018, 2020, 20],  # placement 2
        [2019, 2019, 2],  # beneficiary 5
    ]
    per_cohort = cohorts.returns_by_cohort(returns).set_index("cohort_year")
    assert per_cohort[["followed", "returned"]].values.tolist() == [[4, 1], [3, 1]]
    jobs_only = queries.outcome_returns(Filters(2019), options, record_kinds=("placement",))
    assert jobs_only["records"].sum() == 2
    assert cohorts.published_cohort(returns)["followed"] == 0  # nothing before 2016 here


def test_outcome_provenance_and_names(options):
    assert queries.outcome_provenance() == {
        "demo": 7,
        "imported": 0,
        "horizon": pd.Timestamp("2020-07-01").date(),
    }
    assert queries.outcome_names("follow_up_status", "fr")["projet_ferme"] == "Micro-projet fermé"
    assert queries.outcome_names("closure_reason", "en")["dettes"].startswith("Debts")
    tile = cohorts.still_running(queries.outcome_spells("beneficiary", Filters(2019), options))
    assert (tile["cohort_year"], tile["share"], tile["records"]) == (2018, 0.5, 2)
